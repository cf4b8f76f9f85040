using System.Diagnostics;
using System.Text.Json;

namespace Appliance.Vm;

/// <summary>
/// What the Debian scenarios and the Debian demo ask the guest, only through what an operator
/// has: ssh, the appliance commands, grub-editenv, systemctl. Each answer is logged.
/// </summary>
public sealed class DebianGuest(DebianBoard board, Action<string> say) : IAsyncDisposable
{
    public const string Old = DebianStages.OldKernel;
    public const string New = DebianStages.NewKernel;
    public const string Third = DebianStages.ThirdKernel;

    /// <summary>Every scenario: two TCG boots or more of a full systemd userspace, kernel installs.</summary>
    public const int ScenarioTimeoutMs = 25 * 60 * 1000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public DebianBoard Board => board;

    /// <summary>
    /// A board on the prepared machine (<see cref="DebianStages.PreparedAsync"/>: 6.1.0-53
    /// running, 6.1.0-55 installed by apt, Appliance by dpkg), powered on and up. Serial lines
    /// and the guest's answers go to <paramref name="log"/>; disposing the guest stops the board.
    /// </summary>
    /// <param name="uefi">On the UEFI + Secure Boot board (<see cref="DebianStages.PreparedUefiAsync"/>) instead.</param>
    public static async Task<DebianGuest> StartPreparedAsync(string runName, Action<string> log, bool uefi = false)
    {
        var prepared = uefi ? await DebianStages.PreparedUefiAsync(log).ConfigureAwait(false) : await DebianStages.PreparedAsync(log).ConfigureAwait(false);
        var board = DebianBoard.Create(runName, onLine: line => log(line.ToString()), backing: prepared, boardName: uefi ? DebianBoard.UefiBoardName : DebianBoard.BoardName);
        var guest = new DebianGuest(board, log);
        board.Start();
        var up = await board.WaitForUpAsync().ConfigureAwait(false);
        if (up.KernelRelease != Old)
        {
            throw board.Fail($"the prepared machine should boot {Old}, not {up.KernelRelease}");
        }

        return guest;
    }

    public ValueTask DisposeAsync() => board.DisposeAsync();

    public void Say(string text) => say($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {text}");

    public async Task<string> RunAsync(string command, TimeSpan? timeout = null)
    {
        var r = await board.RunCheckedAsync(command, timeout).ConfigureAwait(false);
        Say($"$ {command}{Environment.NewLine}{r.StdOut.TrimEnd()}{(r.StdErr.Length > 0 ? Environment.NewLine + r.StdErr.TrimEnd() : "")}");
        return r.StdOut;
    }

    /// <summary>A file in the guest, written through ssh with the mode given.</summary>
    public Task WriteFileAsync(string path, string text, string mode = "0644") =>
        RunAsync($"install -d \"$(dirname {path})\" && printf '%s' '{text.Replace("'", "'\\''", StringComparison.Ordinal)}' > {path} && chmod {mode} {path}");

    /// <summary>The version-specific "Advanced options" entry of <paramref name="release"/>, from <c>appliance entries --json</c>.</summary>
    public async Task<string> EntryPathAsync(string release)
    {
        using var json = JsonDocument.Parse(await RunAsync("appliance entries --json").ConfigureAwait(false));
        foreach (var entry in json.RootElement.GetProperty("entries").EnumerateArray())
        {
            if (entry.GetProperty("id").GetString() is { } id && id.StartsWith($"gnulinux-{release}-advanced-", StringComparison.Ordinal))
            {
                return entry.GetProperty("path").GetString()!;
            }
        }

        throw board.Fail($"appliance entries lists no advanced entry for {release}");
    }

    /// <summary>grubenv as GRUB's own tool lists it in the guest.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GrubEnvAsync()
    {
        var text = await RunAsync("grub-editenv /boot/grub/grubenv list").ConfigureAwait(false);
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            if (eq > 0)
            {
                env[line[..eq]] = line[(eq + 1)..];
            }
        }

        return env;
    }

    public static string Get(IReadOnlyDictionary<string, string> env, string name) => env.TryGetValue(name, out var v) ? v : "";

    public async Task<JsonElement> StatusAsync()
    {
        using var json = JsonDocument.Parse(await RunAsync("appliance status --json").ConfigureAwait(false));
        return json.RootElement.Clone();
    }

    /// <summary>Waits until appliance-validate.service has finished on this boot: "active" (good) or "failed".</summary>
    public async Task<string> WaitValidatedAsync(TimeSpan? timeout = null)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var r = await board.RunAsync("systemctl show -p ActiveState --value appliance-validate.service").ConfigureAwait(false);
            var state = r.StdOut.Trim();
            if (state is "active" or "failed")
            {
                Say($"appliance-validate.service: {state} after {limit.Elapsed.TotalSeconds:F0} s of waiting");
                return state;
            }

            if (limit.Elapsed > (timeout ?? TimeSpan.FromMinutes(5)))
            {
                throw board.Fail($"appliance-validate.service still '{state}' after {limit.Elapsed.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stages <paramref name="trial"/> with three tries and <c>--reboot</c>, and waits for
    /// known-good (<see cref="Old"/>) to be up again after it failed. Fails unless the trial
    /// kernel did boot and grubenv then names it failed with no trial left. Returns the time
    /// from the staging command to known-good being up.
    /// </summary>
    public async Task<TimeSpan> StageExpectingRollbackAsync(string trial, TimeSpan bound, int minFirmwarePass = 0)
    {
        var clock = Stopwatch.StartNew();
        await RebootIntoAsync($"appliance upgrade stage '{trial}' --tries 3 --reboot", Old, bound, minFirmwarePass).ConfigureAwait(false);
        var took = clock.Elapsed;
        Say($"known-good up {took.TotalSeconds:F1} s after the staging reboot");
        if (board.Count($"Linux version {New}") < 1)
        {
            throw board.Fail("the trial kernel never booted");
        }

        var env = await GrubEnvAsync().ConfigureAwait(false);
        if (Get(env, "appliance_failed") != trial || Get(env, "appliance_trial") != "")
        {
            throw board.Fail($"after the rollback grubenv should name '{trial}' failed and hold no trial; it has appliance_failed='{Get(env, "appliance_failed")}', appliance_trial='{Get(env, "appliance_trial")}'");
        }

        return took;
    }

    /// <summary>Runs a command that reboots the guest (ssh may lose the connection) and waits until a boot of <paramref name="release"/> is up.</summary>
    public async Task<DebianUp> RebootIntoAsync(string command, string release, TimeSpan timeout, int minFirmwarePass = 0)
    {
        var before = board.LastUp?.BootId;
        var r = await board.RunAsync(command, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        Say($"$ {command} -> exit {r.ExitCode}{Environment.NewLine}{r.StdOut.TrimEnd()}{r.StdErr.TrimEnd()}");
        // 255 is ssh losing the connection as sshd stops: the reboot is under way.
        if (r.ExitCode is not 0 and not 255)
        {
            throw board.Fail($"\"{command}\" exited with {r.ExitCode} instead of rebooting:{Environment.NewLine}{r.StdOut}{r.StdErr}");
        }

        return await WaitUpOnAsync(release, before, timeout, minFirmwarePass).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for the first boot of <paramref name="release"/> (a new boot id, on firmware pass
    /// <paramref name="minFirmwarePass"/> or later) that reaches multi-user; other boots on the
    /// way are logged and not waited on (they may be going down again already).
    /// </summary>
    public async Task<DebianUp> WaitUpOnAsync(string release, string? notBootId, TimeSpan timeout, int minFirmwarePass = 0)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - limit.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw board.Fail($"no boot of {release} reached multi-user within {timeout.TotalSeconds:F0} s");
            }

            var up = await board.WaitForUpAsync(left, ssh: false).ConfigureAwait(false);
            Say($"up: {up.KernelRelease} boot {up.BootId} at {up.Line.Elapsed.TotalSeconds:F1} s (firmware passes so far: {FirmwarePasses})");
            // The rescue (crash) kernel is known-good's kernel too and may reach multi-user before
            // its validator leaves: it is not known-good up, whatever the firmware pass.
            var commandLine = board.Lines().LastOrDefault(l => l.Elapsed < up.Line.Elapsed && l.Text.Contains("Command line:", StringComparison.Ordinal));
            var rescue = commandLine?.Text.Contains("appliance.rescue=1", StringComparison.Ordinal) == true;
            if (up.KernelRelease == release && up.BootId != notBootId && up.Line.Boot >= minFirmwarePass && !rescue)
            {
                await board.WaitForSshAsync(timeout - limit.Elapsed).ConfigureAwait(false);
                return up;
            }
        }
    }

    /// <summary>SeaBIOS prints its banner once per power-on or reset (OVMF "BdsDxe: starting Boot"): each is one firmware pass.</summary>
    public int FirmwarePasses => board.Count(board.Profile.FirmwareBanner);
}
