using Appliance.Linux.Native;

namespace Appliance.Linux.Kernel;

/// <summary>
/// Panics the running kernel on purpose (the panic drill): 'c' written to /proc/sysrq-trigger
/// crashes the kernel through sysrq_handle_crash (drivers/tty/sysrq.c), which panics and so
/// takes the kexec crash path. Writing the proc file works whatever kernel.sysrq says: that
/// sysctl only masks the keyboard (sysrq.c, write_sysrq_trigger calls __handle_sysrq with
/// check_mask false).
/// </summary>
public static class SysrqPanic
{
    /// <summary>Returns only if the write failed (then it throws what the write threw).</summary>
    public static void Trigger(string root, TextWriter log, string reason)
    {
        RunningSystem.Require(root, "the drill panics the running kernel");
        log.WriteLine($"appliance: panicking the kernel: {reason}");
        log.Flush();
        Libc.sync();
        File.WriteAllText(Path.Combine(root, "proc/sysrq-trigger"), "c");
    }
}
