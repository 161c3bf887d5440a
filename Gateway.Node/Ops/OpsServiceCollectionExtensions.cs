using Gateway.Actors.Ops;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Node.Ops;

/// <summary>DI registration of the pbm host and the log buffer its <c>log</c> palette reads.</summary>
public static class OpsServiceCollectionExtensions
{
    /// <summary>Registers <paramref name="settings"/>, <paramref name="logs"/> and the <see cref="OpsHost"/> listener.</summary>
    public static IServiceCollection AddOpsHost(this IServiceCollection services, OpsSettings settings, LogBuffer logs) =>
        services.AddSingleton(settings)
            .AddSingleton(logs)
            .AddSingleton<OpsHost>()
            .AddHostedService(sp => sp.GetRequiredService<OpsHost>());
}
