using Gateway.Node.Hosting;
using Xunit;

namespace Gateway.Tests.Node.Hosting;

/// <summary>
/// Issue 12, idle RSS: before the ingress opens the node returns the C heap's free pages to the OS (glibc's
/// <c>malloc_trim</c>; −9 to −14 MB idle, ops/bench/RESULTS.md). On this machine's glibc the call must reach it.
/// </summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void Trim_ReachesGlibc_AndReturnsFreedPages()
    {
        Assert.True(OperatingSystem.IsLinux(), "the suite runs on Linux");
        // Free native blocks in the middle of the heap (the last one stays, so the top of the heap cannot shrink on its
        // own): malloc_trim reports 1 when it returned memory to the OS.
        var blocks = Enumerable.Range(0, 64).Select(_ => System.Runtime.InteropServices.Marshal.AllocHGlobal(64 * 1024)).ToList();
        try
        {
            foreach (var block in blocks.Take(63)) System.Runtime.InteropServices.Marshal.FreeHGlobal(block);
            Assert.True(NativeHeap.Trim(), "malloc_trim returned no memory, or glibc's malloc_trim was not found");
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(blocks[63]);
        }
    }
}
