using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Appliance.Vm;

/// <summary>What one boot of the Debian board announced on its serial port once multi-user.target was up.</summary>
/// <param name="KernelRelease">uname -r of the running kernel.</param>
/// <param name="BootId">/proc/sys/kernel/random/boot_id: new on every boot.</param>
/// <param name="Line">The marker line (its time and firmware-pass number).</param>
public sealed record DebianUp(string KernelRelease, string BootId, SerialLine Line);

/// <summary>One command run in the guest over SSH.</summary>
public sealed record GuestResult(int ExitCode, string StdOut, string StdErr, TimeSpan Duration);

/// <summary>
/// The stock Debian 12 board (boards/debian-12, built by tools/vm/debian/build-image.sh):
/// systemd as PID 1, GRUB installed and configured in the guest, driven over SSH on a
/// loopback-only port forward. Each run boots a private qcow2 overlay of the cached image
/// under artifacts/vm/runs/&lt;name&gt;-&lt;pid&gt;/, so the cached image is never written.
/// The serial console (lines stamped with time and boot number, SeaBIOS banners counted,
/// GRUB's key prompt answered) is the <see cref="SerialConsole"/> QemuBoard uses.
/// Only the QEMU process this object started is ever killed.
/// </summary>
public sealed partial class DebianBoard : IAsyncDisposable
{
    public const string BoardName = "debian-12";

    /// <summary>The UEFI + Secure Boot variant (boards/debian-12-uefi, tools/vm/debian/build-image.sh --uefi).</summary>
    public const string UefiBoardName = "debian-12-uefi";

    /// <summary>Printed to ttyS0 by appliance-vm-up.service after multi-user.target: "MARKER release boot-id".</summary>
    public const string UpMarker = "APPLIANCE-DEBIAN-UP";

    private const int TailLines = 80;

    private static readonly (string Tool, string Package)[] Tools =
    [
        ("qemu-system-x86_64", "qemu-system-x86"),
        ("qemu-img", "qemu-utils"),
        ("ssh", "openssh-client"),
        ("scp", "openssh-client"),
    ];

    private readonly RepoLayout _layout;
    private readonly SerialConsole _console;
    private readonly string _runDir;
    private readonly IReadOnlyList<string> _nicArgs;
    private bool _failed;

    private DebianBoard(RepoLayout layout, BoardProfile profile, IReadOnlyList<string> nicArgs, string imageDir, string runDir, Action<SerialLine>? onLine)
    {
        _layout = layout;
        Profile = profile;
        _nicArgs = nicArgs;
        ImageDir = imageDir;
        _runDir = runDir;
        _console = new SerialConsole(Fail, profile.FirmwareBanner) { OnLine = onLine };
        OverlayPath = Path.Combine(runDir, "disk.qcow2");
        SshPort = QemuBoard.FreeLoopbackPort();
    }

    public BoardProfile Profile { get; }

    /// <summary>The cached image's directory (disk.img, id_ed25519, grub.cfg, timings.txt), symlinks resolved.</summary>
    public string ImageDir { get; }

    public string ImagePath => Path.Combine(ImageDir, "disk.img");

    public string SshKey => Path.Combine(ImageDir, "id_ed25519");

    /// <summary>This run's copy-on-write disk; the cached image is its read-only backing file.</summary>
    public string OverlayPath { get; }

    public string RunDir => _runDir;

    /// <summary>Host port on 127.0.0.1 forwarded to the guest's sshd (the only way in).</summary>
    public int SshPort { get; }

    /// <summary>How long one boot (power-on or reboot to the up marker) may take under TCG.</summary>
    /// <remarks>About 45 s alone on a 2-core host; three minutes and more with another board and a build beside it.</remarks>
    public TimeSpan PerBootTimeout { get; init; } = TimeSpan.FromSeconds(420);

    /// <summary>Default limit for one SSH command.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The last boot's up marker, or null before the first.</summary>
    public DebianUp? LastUp { get; private set; }

    public int Boots => _console.Boots;

    public TimeSpan Elapsed => _console.Elapsed;

    public bool IsRunning => _console.IsRunning;

    /// <summary>
    /// Checks the host, then creates artifacts/vm/runs/&lt;runName&gt;-&lt;pid&gt;/disk.qcow2 over the
    /// cached image (artifacts/vm/debian-12, a link into the cache; APPLIANCE_DEBIAN_IMAGE_DIR
    /// overrides it). A missing tool or image fails with what to install or run.
    /// </summary>
    /// <param name="backing">
    /// A qcow2 disk saved by <see cref="SaveDisk"/> from an earlier board (a stage of
    /// <see cref="DebianStages"/>) to start from instead of the cached image; it stays unchanged.
    /// </param>
    /// <param name="boardName"><see cref="BoardName"/> or <see cref="UefiBoardName"/> (image at artifacts/vm/debian-12-uefi; APPLIANCE_DEBIAN_UEFI_IMAGE_DIR overrides it).</param>
    public static DebianBoard Create(string runName, RepoLayout? layout = null, Action<SerialLine>? onLine = null, string? backing = null, string boardName = BoardName)
    {
        layout ??= RepoLayout.Discover(boardName);
        var imageDir = Environment.GetEnvironmentVariable(boardName == UefiBoardName ? "APPLIANCE_DEBIAN_UEFI_IMAGE_DIR" : "APPLIANCE_DEBIAN_IMAGE_DIR")
            ?? Path.Combine(layout.Root, "artifacts", "vm", boardName);
        imageDir = ResolveLinks(imageDir);
        RequireHost(layout, imageDir);
        var profile = BoardProfile.Load(layout.BoardJson);
        var runDir = Path.Combine(layout.RunsDir, $"{runName}-{Environment.ProcessId}");
        if (Directory.Exists(runDir))
        {
            Directory.Delete(runDir, recursive: true);
        }

        Directory.CreateDirectory(runDir);
        var board = new DebianBoard(layout, profile, LoadNicArgs(layout.BoardJson), imageDir, runDir, onLine);
        if (profile.Uefi is { } uefi)
        {
            File.Copy(uefi.VarsTemplate, Path.Combine(runDir, QemuBoard.UefiVarsFile), overwrite: true);
        }

        ToolRunner.RunChecked("qemu-img", "create", "-q", "-f", "qcow2", "-b", backing ?? board.ImagePath, "-F", backing is null ? "raw" : "qcow2", board.OverlayPath);
        return board;
    }

    /// <summary>Powers the board on (QEMU with the overlay, the i6300esb, the loopback-only NIC).</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new BoardException("the board is already running");
        }

        var port = SshPort.ToString(CultureInfo.InvariantCulture);
        // As QemuBoard: -nographic makes SeaBIOS mirror to the serial port (the per-boot
        // banner); serial on a plain pipe with the monitor off, so nothing the harness sends
        // is taken as a mux escape.
        string[] args =
        [
            "-accel", Profile.Accel,
            "-machine", Profile.Machine,
            "-m", Profile.Memory,
            .. Profile.ExtraArgs,
            .. _nicArgs.Select(a => a.Replace("{port}", port, StringComparison.Ordinal)),
            "-serial", "stdio",
            "-monitor", "none",
            .. DiskArgs(),
            "-device", Profile.WatchdogDevice,
        ];
        _console.Attach(ToolRunner.StartPiped(Profile.QemuBinary, args));
    }

    /// <summary>
    /// Waits for the next boot's up marker (after the last one seen), then, with
    /// <paramref name="ssh"/>, until sshd answers. Returns the running kernel release and boot id.
    /// Without <paramref name="ssh"/> the boot may already be going down again (a trial the
    /// validator rejects reaches multi-user.target and reboots at once).
    /// </summary>
    public async Task<DebianUp> WaitForUpAsync(TimeSpan? timeout = null, bool ssh = true)
    {
        var limit = timeout ?? PerBootTimeout;
        var clock = Stopwatch.StartNew();
        var line = await WaitForAsync(UpMarker, limit).ConfigureAwait(false);
        var m = UpLine().Match(line.Text);
        if (!m.Success)
        {
            throw Fail($"garbled up marker: \"{line.Text}\"");
        }

        var up = new DebianUp(m.Groups[1].Value, m.Groups[2].Value, line);
        LastUp = up;
        if (!ssh)
        {
            return up;
        }

        await WaitForSshAsync(limit - clock.Elapsed).ConfigureAwait(false);
        return up;
    }

    /// <summary>Waits until sshd in the guest answers.</summary>
    public async Task WaitForSshAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        // The up marker comes after ssh.service started; DHCP on the user network may still
        // be settling, so give sshd a little while to answer.
        while (true)
        {
            var probe = await RunAsync("true", TimeSpan.FromSeconds(20)).ConfigureAwait(false);
            if (probe.ExitCode == 0)
            {
                return;
            }

            if (clock.Elapsed > limit)
            {
                throw Fail($"up marker seen but ssh on 127.0.0.1:{SshPort} does not answer: {probe.StdErr.Trim()}");
            }

            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
    }

    /// <summary>Start and wait for the up marker.</summary>
    public Task<DebianUp> StartAndWaitForUpAsync(TimeSpan? timeout = null)
    {
        Start();
        return WaitForUpAsync(timeout);
    }

    /// <summary>Waits for the next serial line (after the previous match) containing <paramref name="text"/>.</summary>
    public Task<SerialLine> WaitForAsync(string text, TimeSpan? timeout = null, CancellationToken cancel = default) =>
        _console.WaitForAsync(text, timeout ?? PerBootTimeout, cancel);

    /// <summary>
    /// Runs <paramref name="command"/> (a shell command line) as root in the guest over SSH.
    /// Exit code 255 is ssh's own failure (no connection). On timeout the ssh process is
    /// killed and the run fails with the serial tail.
    /// </summary>
    public async Task<GuestResult> RunAsync(string command, TimeSpan? timeout = null)
    {
        string[] args = [.. SshOptions("-p"), "root@127.0.0.1", command];
        return await RunHostToolAsync("ssh", args, timeout ?? CommandTimeout, command).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit fails with the command's output.</summary>
    public async Task<GuestResult> RunCheckedAsync(string command, TimeSpan? timeout = null)
    {
        var r = await RunAsync(command, timeout).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw Fail($"guest command \"{command}\" exited with {r.ExitCode}:{Environment.NewLine}{r.StdOut}{r.StdErr}");
        }

        return r;
    }

    /// <summary>Copies a host file into the guest (scp).</summary>
    public async Task CopyToGuestAsync(string hostPath, string guestPath, TimeSpan? timeout = null)
    {
        string[] args = [.. SshOptions("-P"), hostPath, "root@127.0.0.1:" + guestPath];
        var r = await RunHostToolAsync("scp", args, timeout ?? CommandTimeout, $"scp {hostPath} -> {guestPath}").ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw Fail($"scp {hostPath} to the guest's {guestPath} exited with {r.ExitCode}: {r.StdErr.Trim()}");
        }
    }

    /// <summary>Copies a guest file to the host (scp).</summary>
    public async Task CopyFromGuestAsync(string guestPath, string hostPath, TimeSpan? timeout = null)
    {
        string[] args = [.. SshOptions("-P"), "root@127.0.0.1:" + guestPath, hostPath];
        var r = await RunHostToolAsync("scp", args, timeout ?? CommandTimeout, $"scp {guestPath} -> {hostPath}").ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw Fail($"scp of the guest's {guestPath} to {hostPath} exited with {r.ExitCode}: {r.StdErr.Trim()}");
        }
    }

    /// <summary>
    /// Runs <c>systemctl reboot</c> in the guest and waits for the next up marker, which must
    /// carry a new boot id. The reboot goes through the firmware, so <see cref="Boots"/> grows.
    /// </summary>
    public async Task<DebianUp> RebootAsync(TimeSpan? timeout = null)
    {
        var before = LastUp ?? throw new BoardException("RebootAsync before the board was seen up (call WaitForUpAsync first)");
        // --no-block: ssh returns before sshd is stopped, instead of dying with the connection.
        await RunAsync("systemctl --no-block reboot", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var up = await WaitForUpAsync(timeout).ConfigureAwait(false);
        if (up.BootId == before.BootId)
        {
            throw Fail($"after the reboot the boot id is still {up.BootId}");
        }

        return up;
    }

    /// <summary>Runs <c>systemctl poweroff</c> in the guest and waits for QEMU to exit.</summary>
    public async Task PowerOffAsync(TimeSpan? timeout = null)
    {
        await RunAsync("systemctl --no-block poweroff", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        await _console.WaitForExitAsync(timeout ?? PerBootTimeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Keeps this board's disk as it is now (powered off) at <paramref name="path"/>, written
    /// beside it and renamed into place: a qcow2 overlay whose backing file is the image this
    /// board started from, by absolute path, so later boards can start from it.
    /// </summary>
    public void SaveDisk(string path)
    {
        if (IsRunning)
        {
            throw new BoardException("SaveDisk while the board is running");
        }

        var temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        File.Copy(OverlayPath, temp, overwrite: true);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Pulls the plug: SIGKILL to this board's QEMU, no guest shutdown.</summary>
    public Task<TimeSpan> PowerCutAsync() => _console.PowerCutAsync();

    /// <summary>Kills the QEMU process this board started, if it is still running.</summary>
    public Task StopAsync() => _console.StopAsync();

    /// <summary>
    /// Copies artifacts/appliance_*_amd64.deb (from <c>make deb</c>; or <paramref name="debPath"/>)
    /// to the guest and runs <c>dpkg -i</c> on it. Its postinst enables appliance-validate.service
    /// and runs update-grub. Returns dpkg's output; a non-zero exit fails with it.
    /// </summary>
    public async Task<GuestResult> InstallApplianceAsync(string? debPath = null, TimeSpan? timeout = null)
    {
        var deb = debPath ?? FindDeb(_layout);
        var guestPath = "/root/" + Path.GetFileName(deb);
        await CopyToGuestAsync(deb, guestPath).ConfigureAwait(false);
        var r = await RunAsync($"dpkg -i {guestPath}", timeout ?? TimeSpan.FromMinutes(10)).ConfigureAwait(false);
        if (r.ExitCode != 0)
        {
            throw Fail($"dpkg -i {guestPath} exited with {r.ExitCode}:{Environment.NewLine}{r.StdOut}{r.StdErr}");
        }

        return r;
    }

    /// <summary>The single artifacts/appliance_*_amd64.deb, or a failure saying to run 'make deb'.</summary>
    public static string FindDeb(RepoLayout layout)
    {
        var dir = Path.Combine(layout.Root, "artifacts");
        var debs = Directory.Exists(dir) ? Directory.GetFiles(dir, "appliance_*_amd64.deb") : [];
        return debs.Length switch
        {
            1 => debs[0],
            0 => throw new BoardException($"no {dir}/appliance_*_amd64.deb: run 'make deb'"),
            _ => throw new BoardException($"several {dir}/appliance_*_amd64.deb; run 'make deb' to leave only the current one"),
        };
    }

    /// <summary>How many serial lines so far contain <paramref name="text"/>.</summary>
    public int Count(string text) => _console.Count(text);

    public IReadOnlyList<SerialLine> Lines() => _console.Lines();

    /// <summary>A failure carrying the last serial lines; also keeps the run directory for inspection.</summary>
    public BoardException Fail(string message)
    {
        _failed = true;
        return new BoardException($"[{Profile.Name} {Path.GetFileName(_runDir)}] {message} (run dir {_runDir})", _console.Tail(TailLines));
    }

    /// <summary>Stops QEMU; deletes the run directory, or keeps it with serial.log after a failure.</summary>
    public async ValueTask DisposeAsync()
    {
        await _console.DisposeAsync().ConfigureAwait(false);
        if (_failed)
        {
            var log = string.Join('\n', Lines().Select(l => l.ToString())) + "\n";
            await File.WriteAllTextAsync(Path.Combine(_runDir, "serial.log"), log).ConfigureAwait(false);
        }
        else
        {
            Directory.Delete(_runDir, recursive: true);
        }
    }

    private static void RequireHost(RepoLayout layout, string imageDir)
    {
        var problems = new List<string>();
        foreach (var (tool, package) in Tools)
        {
            if (ToolRunner.Which(tool) is null)
            {
                problems.Add($"'{tool}' not found: apt-get install {package} (or: make deps)");
            }
        }

        if (!File.Exists(layout.BoardJson))
        {
            problems.Add($"board profile {layout.BoardJson} is missing");
        }

        if (!File.Exists(Path.Combine(imageDir, "disk.img")) || !File.Exists(Path.Combine(imageDir, "id_ed25519")))
        {
            problems.Add($"{imageDir}/disk.img is missing: run 'make vm-image' (tools/vm/debian/build-image.sh, as root)");
        }

        if (problems.Count > 0)
        {
            throw new BoardException("host is not ready for the Debian 12 board:" + Environment.NewLine
                + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }

    private static IReadOnlyList<string> LoadNicArgs(string boardJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(boardJson));
        return doc.RootElement.GetProperty("qemu").GetProperty("nic").GetProperty("args")
            .EnumerateArray().Select(a => a.GetString()!).ToList();
    }

    /// <summary>The cache entry itself, so the overlay's backing path stays valid when the link moves on.</summary>
    private static string ResolveLinks(string path)
    {
        var info = new DirectoryInfo(path);
        return info.LinkTarget is null ? info.FullName : (info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName);
    }

    private string[] SshOptions(string portFlag) =>
    [
        "-i", SshKey,
        portFlag, SshPort.ToString(CultureInfo.InvariantCulture),
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10",
        "-o", "LogLevel=ERROR",
    ];

    private async Task<GuestResult> RunHostToolAsync(string tool, string[] args, TimeSpan timeout, string what)
    {
        var run = await ToolRunner.RunAsync(tool, args, timeout).ConfigureAwait(false)
            ?? throw Fail($"{tool} \"{what}\" did not finish within {timeout.TotalSeconds:F0} s");
        return new GuestResult(run.Result.ExitCode, run.Result.StdOut, run.Result.StdErr, run.Took);
    }


    [GeneratedRegex(@"APPLIANCE-DEBIAN-UP (\S+) ([0-9a-f-]{36})")]
    private static partial Regex UpLine();
}
