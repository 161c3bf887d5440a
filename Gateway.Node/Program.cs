using Akka.Configuration;
using Gateway.Node.Configuration;
using Gateway.Node.Hosting;

try
{
    var environment = Environment.GetEnvironmentVariables()
        .Cast<System.Collections.DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value);
    var config = NodeConfigLoader.Load(args, environment);
    // Before the first socket: the runtime counts its socket event threads once, when its socket engine starts.
    var inlineCompletions = Gateway.Actors.ConfigValues.Flag(config, "", "gateway.ingress.inline-completions");
    Gateway.Actors.SocketCompletions.ApplyThreadCount(inlineCompletions);
    if (inlineCompletions && !Gateway.Actors.SocketCompletions.Supported)
        Console.Error.WriteLine("gateway: warning: this .NET runtime has no per-socket inline completions; gateway.ingress.inline-completions has no effect");
    // Routes persist between runs in the journal here (SQLite by default): say where, so a restart's routes are no surprise.
    Console.Out.WriteLine($"gateway: data directory {Path.GetFullPath(config.GetString("gateway.data-directory"))} (persistence: {config.GetString("gateway.persistence.provider")})");
    // Before the actor system: Akka reads an App.config the node never has (AppConfigFile says what that costs).
    AppConfigFile.Disable();
    var app = NodeHost.Build(config);
    await app.RunAsync();
    // 0 after a drain (SIGTERM, gateway drain); set otherwise by a node that had to stop, e.g. its ingress could not listen.
    return Environment.ExitCode;
}
catch (Exception ex) when (ex is ArgumentException or ConfigurationException)
{
    Console.Error.WriteLine($"gateway: {ex.Message}");
    return 2;
}
