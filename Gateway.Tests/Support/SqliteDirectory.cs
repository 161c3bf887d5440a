namespace Gateway.Tests.Support;

/// <summary>A test's SQLite journal directory: removed at the end, after the pooled connections that hold its files.</summary>
public static class SqliteDirectory
{
    /// <summary>Closes every pooled SQLite connection and deletes the directory; a file still open elsewhere leaves it.</summary>
    public static void Delete(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
