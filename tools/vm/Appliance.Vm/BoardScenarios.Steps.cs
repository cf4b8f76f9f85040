using System.Diagnostics;
using System.Globalization;

namespace Appliance.Vm;

/// <summary>Steps the scenarios share: operator requests through grubenv, waiting for boots and validations, powering off.</summary>
public static partial class BoardScenarios
{
    /// <summary>
    /// Leaves operator's commands (appliance arguments, one per boot) on the
    /// partition: each validating boot that gets past validation runs the next one.
    /// </summary>
    public static void OperatorRequest(QemuBoard board, params string[] commands) =>
        board.Files.Write("/vm-request", string.Concat(commands.Select(c => c + "\n")));

    /// <summary>One boot through the validator, as init.sh reports it.</summary>
    public sealed record ValidatedBoot(int Boot, string Entry, int Rc, GuestStatus Status);

    /// <summary>
    /// Waits for GRUB to boot <paramref name="entry"/> (failing at once if it
    /// boots another), then for the validator's exit code and the status marker.
    /// </summary>
    public static async Task<ValidatedBoot> WaitValidatedAsync(QemuBoard board, string entry)
    {
        await WaitBootAsync(board, entry).ConfigureAwait(false);
        await board.WaitForAsync(Markers.Userspace(entry)).ConfigureAwait(false);
        return await WaitValidatedAfterUserspaceAsync(board, entry).ConfigureAwait(false);
    }

    /// <summary>Starts the board, waits for a validated boot of <paramref name="entry"/> and its power-off.</summary>
    public static async Task<ValidatedBoot> BootValidatedToPowerOffAsync(QemuBoard board, string entry)
    {
        board.Start();
        var boot = await WaitValidatedAsync(board, entry).ConfigureAwait(false);
        await PowerOffAsync(board).ConfigureAwait(false);
        return boot;
    }

    /// <summary>Waits for GRUB's next "booting" line and fails at once when it names another entry than <paramref name="entry"/>.</summary>
    public static async Task<SerialLine> WaitBootAsync(QemuBoard board, string entry)
    {
        var line = await board.WaitForAsync(Markers.GrubBootingAny).ConfigureAwait(false);
        if (!line.Text.Contains(Markers.GrubBooting(entry), StringComparison.Ordinal))
        {
            throw board.Fail($"GRUB booted another entry than '{entry}': {line.Text}");
        }

        return line;
    }

    public static async Task PowerOffAsync(QemuBoard board)
    {
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
    }

    private static string Summary(GrubEnvSnapshot env) =>
        string.Join(' ', env.GrubEditenv.Where(kv => kv.Key.StartsWith("appliance_", StringComparison.Ordinal) || kv.Key == "saved_entry")
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>Boots (starting QEMU) into <paramref name="entry"/> and waits for the guest to power off.</summary>
    public static async Task<(int Boot, double Userspace)> BootToPowerOffAsync(QemuBoard board, string entry, string? grubStartContains = null)
    {
        board.Start();
        var start = await board.WaitForAsync(Markers.GrubStart).ConfigureAwait(false);
        if (grubStartContains is not null && !start.Text.Contains(grubStartContains, StringComparison.Ordinal))
        {
            throw board.Fail($"GRUB start line should contain \"{grubStartContains}\": {start.Text}");
        }

        await board.WaitForAsync(Markers.GrubBooting(entry)).ConfigureAwait(false);
        var user = await board.WaitForAsync(Markers.Userspace(entry)).ConfigureAwait(false);
        await board.WaitForAsync(Markers.End("poweroff")).ConfigureAwait(false);
        await board.WaitForExitAsync().ConfigureAwait(false);
        return (user.Boot, user.Elapsed.TotalSeconds);
    }

    private sealed class Run(string name, QemuBoard board, Action<string> say)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<string> _narration = [];

        public Dictionary<string, string> Observed { get; } = [];

        public void Say(string text)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1}s] {text}");
            _narration.Add(line);
            say(line);
        }

        public void Expect(bool condition, string message)
        {
            if (!condition)
            {
                throw board.Fail(message);
            }
        }

        public ScenarioResult Finish()
        {
            Say($"{name}: passed, {board.Boots} boot(s)");
            return new ScenarioResult(name, _clock.Elapsed, board.Boots, _narration, Observed);
        }
    }

    /// <summary>Like <see cref="WaitValidatedAsync"/> once GRUB's booting line and the userspace marker were already consumed.</summary>
    private static async Task<ValidatedBoot> WaitValidatedAfterUserspaceAsync(QemuBoard board, string entry)
    {
        var rcLine = await board.WaitForAsync(Markers.ValidateRc).ConfigureAwait(false);
        if (!int.TryParse(Markers.ValueAfter(rcLine, Markers.ValidateRc), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rc))
        {
            throw board.Fail($"no exit code in \"{rcLine.Text}\"");
        }

        var statusLine = await board.WaitForAsync(Markers.Status).ConfigureAwait(false);
        var status = GuestStatus.Parse(Markers.RestAfter(statusLine, Markers.Status), board.Fail);
        return new ValidatedBoot(rcLine.Boot, entry, rc, status);
    }
}
