using Gateway.Protocol.Ops;
using Pbm;

var (options, error) = PbmOptions.Parse(args, Environment.GetEnvironmentVariable("PBM_TOKEN"));
if (options is null)
{
    if (error!.Length > 0) Console.Error.WriteLine($"pbm: {error}");
    Console.Error.WriteLine(PbmOptions.Usage);
    return error.Length > 0 ? OpsExitCodes.Usage : OpsExitCodes.Ok;
}

var runner = new CommandRunner(options, new FrameWriter(Console.Out, Console.Error, options.Json), Console.Error);
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C while a command runs cancels the command, not pbm; at the interactive prompt it quits.
    if (runner.CancelRunning()) e.Cancel = true;
};

return options.Command.Length > 0
    ? await runner.RunAsync(options.Command)
    : await new InteractiveShell(runner, options, Console.In, Console.Out).RunAsync();
