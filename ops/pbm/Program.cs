using Gateway.Protocol.Ops;
using Pbm;

var (options, error) = PbmOptions.Parse(args, Environment.GetEnvironmentVariable("PBM_TOKEN"));
if (options is null)
{
    // --help is an answer (stdout, exit 0); a usage error is an error (stderr, exit 2).
    if (error!.Length == 0)
    {
        Console.Out.WriteLine(PbmOptions.Usage);
        return OpsExitCodes.Ok;
    }
    Console.Error.WriteLine($"pbm: {error}");
    Console.Error.WriteLine(PbmOptions.Usage);
    return OpsExitCodes.Usage;
}

var runner = new CommandRunner(options, new FrameWriter(Console.Out, Console.Error, options.Json), Console.Error);
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C while a command runs cancels the command, not pbm; at the interactive prompt it quits.
    if (runner.CancelRunning()) e.Cancel = true;
};

return options.Command.Length > 0
    ? await runner.RunAsync(options.Command)
    : await new InteractiveShell(runner, options, Console.In, Console.Out).RunAsync(Console.Error);
