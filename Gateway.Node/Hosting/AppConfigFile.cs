using System.Collections.Specialized;
using System.Configuration;
using System.Configuration.Internal;
using System.Reflection;

namespace Gateway.Node.Hosting;

/// <summary>
/// The node is configured by HOCON (<c>--config</c>, <c>--set</c>, <c>GATEWAY_*</c>), never by an App.config, yet
/// Akka's <c>ActorSystem.Create</c> reads the exe's App.config each time: it evaluates
/// <c>ConfigurationFactory.Load()</c> even when it is given a config (Akka.Hosting always gives one) and then drops
/// what it read. System.Configuration's first read builds the machine's and the exe's configuration records: it parses
/// XML, hashes the exe's path and loads process information and a web client, about 3 MB resident for a section that is
/// never there (ops/bench/RESULTS.md, "Idle and peak RSS: Akka's App.config read, the GC's regions and its gen0 budget").
/// <see cref="Disable"/> installs, before the actor system starts, a configuration system with no file: every section
/// is absent, and <c>appSettings</c> and <c>connectionStrings</c> are empty, as for an exe without an App.config.
/// System.Configuration has no public way to do this; its internal <c>SetConfigurationSystem</c> (the hook ASP.NET on
/// .NET Framework used) is called by reflection, and where it is missing or the system is already set, the default stays.
/// </summary>
internal static class AppConfigFile
{
    /// <summary>Installs the file-less configuration system; false (and nothing changed) where it cannot.</summary>
    public static bool Disable()
    {
        var set = typeof(System.Configuration.ConfigurationManager).GetMethod("SetConfigurationSystem", BindingFlags.Static | BindingFlags.NonPublic,
            [typeof(IInternalConfigSystem), typeof(bool)]);
        if (set is null) return false;
        try
        {
            set.Invoke(null, [new NoFile(), true]);
            return true;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException)
        {
            return false; // already set (or already read): the default stays
        }
    }

    /// <summary>What an exe without an App.config reads: no section, except the two that always exist, empty.</summary>
    private sealed class NoFile : IInternalConfigSystem
    {
        private readonly NameValueCollection _appSettings = new();
        private readonly Lazy<ConnectionStringsSection> _connectionStrings = new(() => new ConnectionStringsSection());

        public object? GetSection(string configKey) => configKey switch
        {
            "appSettings" => _appSettings,
            "connectionStrings" => _connectionStrings.Value,
            _ => null,
        };

        public void RefreshConfig(string sectionName) { }

        public bool SupportsUserConfig => false;
    }
}
