using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// JitByAssembly TRACE.nettrace [TOP]: the methods the JIT compiled (every tier, dynamic methods apart) and their native
// code size, summed by the assembly that defines them, largest first. The trace needs the runtime provider's loader and
// JIT keywords at verbose level (Microsoft-Windows-DotNETRuntime:0x18:5).
if (args.Length is < 1 or > 2 || !File.Exists(args[0]))
{
    Console.Error.WriteLine("usage: JitByAssembly TRACE.nettrace [TOP]   (a trace of Microsoft-Windows-DotNETRuntime:0x18:5)");
    return 2;
}
var top = args.Length == 2 && int.TryParse(args[1], out var n) && n > 0 ? n : 30;
var modules = new Dictionary<long, string>();
var byAssembly = new Dictionary<string, (int Methods, long Bytes)>();
using (var source = new EventPipeEventSource(args[0]))
{
    var clr = new ClrTraceEventParser(source);
    clr.LoaderModuleLoad += e => modules[e.ModuleID] = Path.GetFileNameWithoutExtension(e.ModuleILPath);
    clr.MethodLoadVerbose += e =>
    {
        var dynamic = (e.MethodFlags & MethodFlags.Dynamic) != 0;
        if (!dynamic && (e.MethodFlags & MethodFlags.Jitted) == 0) return;
        var assembly = dynamic ? "(dynamic methods)" : modules.GetValueOrDefault(e.ModuleID, "(unknown module)");
        var sum = byAssembly.GetValueOrDefault(assembly);
        byAssembly[assembly] = (sum.Methods + 1, sum.Bytes + e.MethodSize);
    };
    source.Process();
}
var total = (Methods: byAssembly.Values.Sum(v => v.Methods), Bytes: byAssembly.Values.Sum(v => v.Bytes));
Console.WriteLine($"| assembly | methods compiled | native code kB |");
Console.WriteLine($"| --- | ---: | ---: |");
Console.WriteLine($"| all | {total.Methods:N0} | {total.Bytes / 1024:N0} |");
foreach (var (assembly, sum) in byAssembly.OrderByDescending(a => a.Value.Bytes).Take(top))
    Console.WriteLine($"| {assembly} | {sum.Methods:N0} | {sum.Bytes / 1024:N0} |");
return 0;
