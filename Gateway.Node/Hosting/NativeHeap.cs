using System.Runtime.InteropServices;

namespace Gateway.Node.Hosting;

/// <summary>
/// The C library's heap (the runtime's, the JIT's and native libraries' own allocations). glibc keeps freed memory in its
/// arenas for reuse and returns it to the OS only from the top of the main heap; <c>malloc_trim</c> returns the free pages
/// from anywhere in every arena. The node calls it once, after the start's garbage is collected and before the ingress
/// opens.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Returns the C heap's free pages to the OS; false where there is no glibc (musl, other systems).</summary>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
