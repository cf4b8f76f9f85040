using Appliance.Vm;

namespace Appliance.VmTests;

/// <summary>Creates a board whose serial console is echoed into the test output.</summary>
internal static class Boards
{
    /// <summary>Upper bound for a whole scenario; each wait inside has its own per-boot timeout.</summary>
    public const int ScenarioTimeoutMs = 5 * 60 * 1000;

    public static QemuBoard Create(string runName, ITestOutputHelper output) =>
        QemuBoard.Create(runName, onLine: line => output.WriteLine(line.ToString()));

    /// <summary>The UEFI + Secure Boot board (boards/qemu-x86_64-uefi; image from `tools/vm/build-image.sh --uefi`).</summary>
    public static QemuBoard CreateUefi(string runName, ITestOutputHelper output) =>
        QemuBoard.Create("uefi-" + runName, RepoLayout.Discover(RepoLayout.UefiBoard), line => output.WriteLine(line.ToString()));
}
