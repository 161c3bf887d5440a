using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Gateway.Node.Hosting;

/// <summary>
/// The web hosts a node runs (its own, the sample echo upstream, the bootstrap contact point) start empty: Kestrel and
/// nothing else. A node is configured by its HOCON and logs through Serilog, so the slim builder's appsettings.json
/// source (and its file watcher), its DOTNET_ and ASPNETCORE_ host configuration and its console logger were loaded at
/// every start only to go unused or be cleared again (issue 12, ops/bench/RESULTS.md).
/// </summary>
internal static class EmptyWebHost
{
    /// <summary>A builder with Kestrel's core (listeners are the caller's) and no configuration source or logger.</summary>
    public static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        return builder;
    }
}
