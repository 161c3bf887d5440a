namespace Pbm;

/// <summary>The node could not be reached, or the connection broke before the command's end frame (exit code 1).</summary>
internal sealed class OpsClientException(string message) : Exception(message);
