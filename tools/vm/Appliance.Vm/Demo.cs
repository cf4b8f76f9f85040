using System.Diagnostics;
using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// A short narrated tour of what the board proves today, on one disk:
/// known-good boot, a host-staged one-shot trial with GRUB's counter, and a
/// watchdog reset that the next boot reports. Later issues add the rollback
/// of a bad kernel here.
/// </summary>
public static class Demo
{
    public static async Task RunAsync(Action<string> say)
    {
        var clock = Stopwatch.StartNew();
        void Step(string text) => say(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:F1}s] {text}"));

        await using var board = QemuBoard.Create("demo");
        Step($"board {board.Profile.Name}: QEMU {board.Profile.Machine}/{board.Profile.Accel}, SeaBIOS -> GRUB 2.06 -> Debian kernel, watchdog {board.Profile.WatchdogDevice}");

        var boot = await BoardScenarios.BootToPowerOffAsync(board, "good").ConfigureAwait(false);
        Step($"boot {boot.Boot}: known-good entry reached userspace and powered off");

        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "trial", ["boot_counter"] = "3" });
        Step("host: staged next_entry=trial boot_counter=3 in /boot/grub/grubenv (debugfs, in place)");
        boot = await BoardScenarios.BootToPowerOffAsync(board, "trial", grubStartContains: "boot_counter=2").ConfigureAwait(false);
        var env = board.GrubEnv.Read();
        Step($"boot {boot.Boot}: GRUB took the one-shot trial and counted down; host reads next_entry='{env.Get("next_entry")}' boot_counter={env.Get("boot_counter")} (appliance == grub-editenv)");

        boot = await BoardScenarios.BootToPowerOffAsync(board, "good", grubStartContains: "boot_counter=1").ConfigureAwait(false);
        Step($"boot {boot.Boot}: one-shot spent, back on known-good; counter now {board.GrubEnv.Read().Get("boot_counter")}");

        board.GrubEnv.Stage(new Dictionary<string, string?> { ["next_entry"] = "trial-wdt", ["boot_counter"] = null });
        Step("host: staged next_entry=trial-wdt (a trial that stops petting the watchdog)");
        board.Start();
        var stopped = await board.WaitForAsync(Markers.StoppedPetting).ConfigureAwait(false);
        Step($"boot {stopped.Boot}: trial armed {board.Profile.WatchdogDevice} and stopped petting it");
        var reset = await board.WaitForAsync(QemuBoard.FirmwareBanner).ConfigureAwait(false);
        Step($"watchdog reset the VM {(reset.Elapsed - stopped.Elapsed).TotalSeconds:F1} s later; GRUB falls back to the default");
        var status = await board.WaitForAsync(Markers.Bootstatus).ConfigureAwait(false);
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
        Step($"boot {status.Boot}: known-good reports watchdog bootstatus={Markers.ValueAfter(status, Markers.Bootstatus)} (32 = WDIOF_CARDRESET)");
        Step($"demo done: {board.Boots} boots");
    }
}
