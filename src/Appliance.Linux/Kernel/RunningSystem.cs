using Appliance.Core.Kexec;

namespace Appliance.Linux.Kernel;

/// <summary>
/// The one guard every reboot and kexec goes through: they act on the running kernel, so the
/// files and sysfs values behind them must be the running system's. One planned on another tree
/// (an image being built, a test's fake root) would check one machine and act on another.
/// </summary>
public static class RunningSystem
{
    /// <summary>Whether <paramref name="root"/> is the running system's root, /.</summary>
    public static bool Is(string root) => Path.GetFullPath(root) == "/";

    /// <summary>Throws (exit 64) unless <paramref name="root"/> is /; <paramref name="why"/> says what would act on the running machine.</summary>
    public static void Require(string root, string why)
    {
        if (!Is(root))
        {
            throw new KexecPlanException($"--root {root} is not the running system, and {why}; use --root / (or --dry-run where the command has it)", KexecPlanError.NotRunningSystem);
        }
    }
}
