using System.Diagnostics;
using System.Text.Json;
using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 17, watchdog honesty: on the stock Debian board systemd holds the i6300esb
/// (<c>RuntimeWatchdogSec=</c>), the daemon runs as appliance-watchdog.service with the shipped
/// drop-in for that arrangement, says so at start, and when a check fails it stops sending
/// <c>WATCHDOG=1</c>: the unit's WatchdogSec= fires and systemd reboots the machine.
/// </summary>
public sealed class DebianSystemdWatchdogTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.BoardName)]
    public async Task SystemdHoldsTheWatchdog_CheckFails_DaemonStopsWatchdogPingsAndSystemdRebootsTheMachine()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-systemd-watchdog", output.WriteLine);
        var board = guest.Board;

        // systemd takes the hardware watchdog: re-executing PID 1 re-reads system.conf and its drop-ins.
        await guest.WriteFileAsync("/etc/systemd/system.conf.d/60-watchdog.conf", "[Manager]\nRuntimeWatchdogSec=30s\n");
        await guest.RunAsync("systemctl daemon-reexec");
        await WaitForAsync(guest, "for f in /proc/1/fd/*; do readlink $f; done", "/dev/watchdog0", "PID 1 to open /dev/watchdog0");

        await guest.WriteFileAsync("/usr/local/bin/app-check", "#!/bin/sh\nif [ -e /run/app-broken ]; then echo 'app: not answering'; exit 1; fi\nexit 0\n", "0755");
        await guest.WriteFileAsync("/etc/appliance/appliance.conf.d/50-watchdog.conf", "[Watchdog]\nCheck=/usr/local/bin/app-check\nCheckInterval=1s\nGrace=5s\n");
        await guest.RunAsync("install -D -m 0644 /usr/share/appliance/systemd/systemd-owns-watchdog.conf /etc/systemd/system/appliance-watchdog.service.d/systemd-owns-watchdog.conf");
        await guest.RunAsync("systemctl daemon-reload && systemctl enable --now appliance-watchdog.service", TimeSpan.FromMinutes(2));

        var journal = await guest.RunAsync("journalctl -b -u appliance-watchdog.service --no-pager -o cat");
        Assert.Contains("systemd holds the hardware watchdog (RuntimeWatchdogSec=30s (/etc/systemd/system.conf.d/60-watchdog.conf:2); PID 1 has /dev/watchdog0 open), so Appliance leaves the device to it and gates systemd's service watchdog instead", journal, StringComparison.Ordinal);
        using (var status = JsonDocument.Parse(await guest.RunAsync("appliance watchdog status --json")))
        {
            var daemon = status.RootElement.GetProperty("daemon");
            Assert.True(status.RootElement.GetProperty("running").GetBoolean());
            Assert.Equal("healthy", daemon.GetProperty("gate").GetString());
            Assert.StartsWith("RuntimeWatchdogSec=30s", daemon.GetProperty("systemd_holds_watchdog").GetString(), StringComparison.Ordinal);
            var kinds = daemon.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("kind").GetString()).ToList();
            Assert.Equal(["systemd"], kinds);
        }

        var before = board.LastUp!.BootId;
        int passes = guest.FirmwarePasses;
        var clock = Stopwatch.StartNew();
        await guest.RunAsync("touch /run/app-broken");
        var up = await guest.WaitUpOnAsync(DebianGuest.Old, before, TimeSpan.FromMinutes(8));
        guest.Say($"a new boot was up {clock.Elapsed.TotalSeconds:F1} s after the check began to fail");
        Assert.Equal(passes + 1, guest.FirmwarePasses);
        Assert.NotEqual(before, up.BootId);

        // The daemon came back with the machine, in the same arrangement, and pets again: the check passes on this boot.
        await WaitForAsync(guest, "systemctl is-active --quiet appliance-watchdog.service && echo daemon-is-active || true", "daemon-is-active", "appliance-watchdog.service to be active on the new boot");
        using (var status = JsonDocument.Parse(await guest.RunAsync("appliance watchdog status --json")))
        {
            Assert.True(status.RootElement.GetProperty("running").GetBoolean());
            Assert.NotNull(status.RootElement.GetProperty("daemon").GetProperty("systemd_holds_watchdog").GetString());
            var stop = status.RootElement.GetProperty("last_stop");
            Assert.Equal(before, stop.GetProperty("boot_id").GetString());
            Assert.Contains("app: not answering", string.Join(" ", stop.GetProperty("failures").EnumerateArray().Select(f => f.GetString())), StringComparison.Ordinal);
        }

        // The reboot was systemd's: the unit's watchdog fired and its FailureAction= rebooted.
        var previous = await guest.RunAsync("journalctl -b -1 --no-pager -o cat -u appliance-watchdog.service || true");
        if (previous.Length > 0)
        {
            Assert.Contains("Watchdog timeout", previous, StringComparison.OrdinalIgnoreCase);
        }
        else
        {
            guest.Say("no journal of the previous boot (journald not persistent): the reboot is shown by the boot id, the firmware pass and last-stop.json");
        }
    }

    private static async Task WaitForAsync(DebianGuest guest, string command, string expected, string what)
    {
        var limit = Stopwatch.StartNew();
        while (!(await guest.RunAsync(command)).Contains(expected, StringComparison.Ordinal))
        {
            if (limit.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw guest.Board.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
