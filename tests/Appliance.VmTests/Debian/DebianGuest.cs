using System.Diagnostics;
using System.Text.Json;
using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// What the Debian scenarios ask the guest, only through what an operator has: ssh, the
/// appliance commands, grub-editenv, systemctl. Each answer is logged to the test output.
/// </summary>
internal sealed class DebianGuest(DebianBoard board, ITestOutputHelper output)
{
    public const string Old = DebianStages.OldKernel;
    public const string New = DebianStages.NewKernel;
    public const string Third = DebianStages.ThirdKernel;

    /// <summary>Every scenario: two TCG boots or more of a full systemd userspace, kernel installs.</summary>
    public const int ScenarioTimeoutMs = 25 * 60 * 1000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public DebianBoard Board => board;

    public static DebianBoard Create(string name, ITestOutputHelper output, string? backing = null) =>
        DebianBoard.Create(name, onLine: line => output.WriteLine(line.ToString()), backing: backing);

    public static Task<string> PreparedAsync(ITestOutputHelper output) => DebianStages.PreparedAsync(output.WriteLine);

    public void Say(string text) => output.WriteLine($"[test {_clock.Elapsed.TotalSeconds,6:F1}s] {text}");

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

    /// <summary>Runs a command that reboots the guest (ssh may lose the connection) and waits until a boot of <paramref name="release"/> is up.</summary>
    public async Task<DebianUp> RebootIntoAsync(string command, string release, TimeSpan timeout)
    {
        var before = board.LastUp?.BootId;
        var r = await board.RunAsync(command, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        Say($"$ {command} -> exit {r.ExitCode}{Environment.NewLine}{r.StdOut.TrimEnd()}{r.StdErr.TrimEnd()}");
        return await WaitUpOnAsync(release, before, timeout).ConfigureAwait(false);
    }

    /// <summary>Waits for the first boot of <paramref name="release"/> (a new boot id) that reaches multi-user; boots of other kernels on the way are logged.</summary>
    public async Task<DebianUp> WaitUpOnAsync(string release, string? notBootId, TimeSpan timeout)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - limit.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw board.Fail($"no boot of {release} reached multi-user within {timeout.TotalSeconds:F0} s");
            }

            var up = await board.WaitForUpAsync(left).ConfigureAwait(false);
            Say($"up: {up.KernelRelease} boot {up.BootId} at {up.Line.Elapsed.TotalSeconds:F1} s (firmware passes so far: {FirmwarePasses})");
            if (up.KernelRelease == release && up.BootId != notBootId)
            {
                return up;
            }
        }
    }

    /// <summary>SeaBIOS prints its banner once per power-on or reset: each is one firmware pass.</summary>
    public int FirmwarePasses => board.Count(QemuBoard.FirmwareBanner);
}
