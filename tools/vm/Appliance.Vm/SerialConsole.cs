using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Appliance.Vm;

/// <summary>
/// The serial console of one board, shared by <see cref="QemuBoard"/> and <see cref="DebianBoard"/>:
/// pumps QEMU's stdout (the guest's ttyS0) and stderr into lines stamped with the time since
/// the board first started and the boot number (one firmware banner per power-on or reset),
/// answers GRUB's "Press any key to continue", and lets callers wait for a line.
/// A board may attach several QEMU processes in turn (one per power-on); the clock, the
/// lines, the boot count and the wait cursor carry over. The console owns the attached
/// process: stopping, pulling the plug and waiting for power-off live here, once for both boards.
/// </summary>
public sealed partial class SerialConsole
{
    /// <summary>SeaBIOS prints this first on every power-on and reset: one line per boot.</summary>
    public const string FirmwareBanner = "SeaBIOS (version";

    /// <summary>grub-core/normal/menu.c after a failed load; it waits 10 s unless a key arrives.</summary>
    private const string GrubKeyPrompt = "Press any key to continue";

    private readonly List<SerialLine> _lines = [];
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = new();
    private readonly Func<string, BoardException> _fail;
    private readonly string _banner;
    private TaskCompletionSource _changed = NewSignal();
    private Task? _pump;
    private Process? _qemu;
    private int _boots;
    private int _cursor;

    /// <param name="fail">Makes the board's failure (with its serial tail) from a message.</param>
    /// <param name="banner">The line the firmware prints once per power-on or reset (<see cref="FirmwareBanner"/> for SeaBIOS).</param>
    public SerialConsole(Func<string, BoardException> fail, string banner = FirmwareBanner)
    {
        _fail = fail;
        _banner = banner;
    }

    /// <summary>Receives every serial line as it arrives (e.g. a test's output helper).</summary>
    public Action<SerialLine>? OnLine { get; init; }

    /// <summary>
    /// A board that resets more often than this is in a boot loop; waits fail then instead
    /// of running to their timeout.
    /// </summary>
    public int MaxBoots { get; set; } = 8;

    public int Boots
    {
        get
        {
            lock (_gate)
            {
                return _boots;
            }
        }
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Starts pumping a freshly started QEMU (stdin, stdout and stderr redirected).</summary>
    public void Attach(Process qemu)
    {
        _qemu?.Dispose();
        _qemu = qemu;
        _clock.Start();
        _pump = Task.WhenAll(
            Task.Run(() => PumpStdout(qemu)),
            Task.Run(() => PumpStderr(qemu)));
    }

    public bool IsRunning => _qemu is { HasExited: false };

    /// <summary>QEMU's exit code once it has exited, else "?".</summary>
    public string ExitCodeText() => _qemu is { HasExited: true } q ? q.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    /// <summary>Kills the attached QEMU if it still runs, and waits until its output is drained.</summary>
    public async Task StopAsync()
    {
        if (_qemu is { HasExited: false } qemu)
        {
            qemu.Kill(entireProcessTree: false);
            await qemu.WaitForExitAsync().ConfigureAwait(false);
        }

        if (_pump is { } pump)
        {
            await pump.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Pulls the plug: kills QEMU at once (SIGKILL), with no guest shutdown. What the guest
    /// wrote to the virtual disk stays (QEMU passes guest writes straight to the image file);
    /// the guest's page cache is lost. Returns when, on the console clock, the plug was pulled.
    /// </summary>
    public async Task<TimeSpan> PowerCutAsync()
    {
        var at = Elapsed;
        await StopAsync().ConfigureAwait(false);
        Append("[harness: power cut]");
        return at;
    }

    /// <summary>Waits for QEMU to exit by itself (the guest powered off) and its output to drain; fails on timeout or a non-zero exit.</summary>
    public async Task WaitForExitAsync(TimeSpan limit)
    {
        var qemu = _qemu ?? throw new BoardException("the board was never started");
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await qemu.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw _fail("QEMU did not exit (guest did not power off) in time");
        }

        if (_pump is { } pump)
        {
            await pump.ConfigureAwait(false);
        }

        if (qemu.ExitCode != 0)
        {
            throw _fail($"QEMU exited with code {qemu.ExitCode}");
        }
    }

    /// <summary>Stops QEMU and releases the process.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _qemu?.Dispose();
    }

    /// <summary>
    /// Waits for the next serial line (after the previous match) containing
    /// <paramref name="text"/>. Fails with the serial tail on timeout, on a boot loop, or
    /// when QEMU exits first.
    /// </summary>
    public async Task<SerialLine> WaitForAsync(string text, TimeSpan limit, CancellationToken cancel = default)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            // Sampled before the scan: a line appended just before QEMU exits
            // must still be seen.
            var stopped = _pump is null || _pump.IsCompleted;
            Task changed;
            lock (_gate)
            {
                for (var i = _cursor; i < _lines.Count; i++)
                {
                    if (_lines[i].Text.Contains(text, StringComparison.Ordinal))
                    {
                        _cursor = i + 1;
                        return _lines[i];
                    }
                }

                _cursor = _lines.Count;
                changed = _changed.Task;
            }

            if (Boots > MaxBoots)
            {
                throw _fail($"boot loop: more than {MaxBoots} boots while waiting for \"{text}\"");
            }

            if (stopped)
            {
                throw _fail($"QEMU is not running (exit code {ExitCodeText()}) while waiting for \"{text}\"");
            }

            var left = limit - deadline.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw _fail($"timed out after {limit.TotalSeconds:F0} s waiting for \"{text}\"");
            }

            await Task.WhenAny(changed, _pump!, Task.Delay(left, cancel)).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
        }
    }

    /// <summary>How many serial lines so far contain <paramref name="text"/>.</summary>
    public int Count(string text) => Lines().Count(l => l.Text.Contains(text, StringComparison.Ordinal));

    public IReadOnlyList<SerialLine> Lines()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    public List<SerialLine> Tail(int count)
    {
        lock (_gate)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - count)).ToList();
        }
    }

    /// <summary>Adds a line of the harness's own (e.g. "[harness: power cut]") to the log.</summary>
    public void Append(string raw)
    {
        var text = ControlSequence().Replace(raw, string.Empty).Trim();
        if (text.Length == 0)
        {
            return;
        }

        SerialLine entry;
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (text.Contains(_banner, StringComparison.Ordinal))
            {
                _boots++;
            }

            entry = new SerialLine(_clock.Elapsed, _boots, text);
            _lines.Add(entry);
            signal = _changed;
            _changed = NewSignal();
        }

        signal.SetResult();
        OnLine?.Invoke(entry);
    }

    private async Task PumpStdout(Process qemu)
    {
        var stream = qemu.StandardOutput.BaseStream;
        var buffer = new byte[4096];
        var line = new StringBuilder();
        var answered = false;
        int n;
        while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            foreach (var c in Encoding.Latin1.GetString(buffer, 0, n))
            {
                if (c == '\n')
                {
                    Append(line.ToString());
                    line.Clear();
                    answered = false;
                }
                else
                {
                    line.Append(c);
                }
            }

            // The prompt has no newline after it, so look at the partial line.
            if (!answered && line.ToString().Contains(GrubKeyPrompt, StringComparison.Ordinal))
            {
                answered = true;
                Append(line + " [harness: sent a key]");
                line.Clear();
                await qemu.StandardInput.WriteAsync('\r').ConfigureAwait(false);
                await qemu.StandardInput.FlushAsync().ConfigureAwait(false);
            }
        }

        if (line.Length > 0)
        {
            Append(line.ToString());
        }
    }

    private async Task PumpStderr(Process qemu)
    {
        while (await qemu.StandardError.ReadLineAsync().ConfigureAwait(false) is { } l)
        {
            Append("qemu: " + l);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>ANSI/VT escape sequences (CSI, single-character escapes) and other control characters.</summary>
    [GeneratedRegex(@"\x1B(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[@-Z\\-_c])|[\x00-\x08\x0B-\x1F\x7F]")]
    private static partial Regex ControlSequence();
}
