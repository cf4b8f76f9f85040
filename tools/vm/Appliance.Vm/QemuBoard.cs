using System.Diagnostics;

namespace Appliance.Vm;

/// <summary>
/// One QEMU appliance board on a private copy of the pristine disk image.
/// The board may be started several times (each power-off ends a QEMU
/// process; guest reboots and watchdog resets stay inside one process). Every
/// serial line is kept with its time since the first start and its boot number.
/// Only the QEMU process this object started is ever killed. The serial pump, banner
/// counting and waits live in <see cref="SerialConsole"/> (shared with <see cref="DebianBoard"/>).
/// </summary>
public sealed class QemuBoard : IAsyncDisposable
{
    /// <summary>SeaBIOS prints this first on every power-on and reset: one line per boot.</summary>
    public const string FirmwareBanner = SerialConsole.FirmwareBanner;

    /// <summary>The file name of a UEFI board's variable store (NVRAM) in its run directory.</summary>
    public const string UefiVarsFile = "OVMF_VARS.fd";

    private const int TailLines = 60;

    private readonly BoardProfile _profile;
    private readonly RepoLayout _layout;
    private readonly SerialConsole _console;
    private readonly string _runDir;
    private bool _failed;

    private QemuBoard(RepoLayout layout, BoardProfile profile, string runDir)
    {
        _layout = layout;
        _profile = profile;
        _runDir = runDir;
        _console = new SerialConsole(Fail, profile.FirmwareBanner) { OnLine = line => OnLine?.Invoke(line) };
        DiskPath = Path.Combine(runDir, "disk.img");
        Files = new DiskFiles(DiskPath, profile.PartitionOffset, EnsureStopped);
        GrubEnv = new DiskGrubEnv(Files, profile.PartitionOffset, profile.EnvFile, layout.ApplianceBinary, profile.BootGuestDevice);
    }

    /// <summary>
    /// The serial line this board's firmware prints once per power-on or reset: SeaBIOS's
    /// banner, or OVMF's "BdsDxe: starting Boot" as it starts the boot loader.
    /// </summary>
    public string Banner => _profile.FirmwareBanner;

    public string DiskPath { get; }

    /// <summary>Host access to files on the boot partition; only while QEMU is stopped.</summary>
    public DiskFiles Files { get; }

    /// <summary>Host access to the disk's grubenv; only while QEMU is stopped.</summary>
    public DiskGrubEnv GrubEnv { get; }

    public BoardProfile Profile => _profile;

    /// <summary>How long one wait (normally one boot or less) may take.</summary>
    public TimeSpan PerBootTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// A board that resets more often than this is in a boot loop (a panic
    /// reboots after panic=5); waits fail then instead of running to their timeout.
    /// </summary>
    public int MaxBoots
    {
        get => _console.MaxBoots;
        init => _console.MaxBoots = value;
    }

    /// <summary>
    /// When set, the board gets an e1000 NIC on QEMU's user network reachable only from the
    /// host: <c>-nic user,restrict=on,hostfwd=tcp:127.0.0.1:PORT-:22</c> (the profile's
    /// <c>-nic none</c> is dropped). The guest brings it up and runs dropbear only when its
    /// command line has <c>appliance.net=1</c> (see <see cref="EnableGuestNetwork"/>).
    /// </summary>
    public int? SshPort { get; init; }

    /// <summary>
    /// Puts <c>appliance.net=1</c> on every entry's kernel command line (grubenv variable
    /// <c>vm_cmdline</c>, which grub.cfg appends): the guest then brings up its NIC and dropbear
    /// on every boot, and stays up instead of powering off. Only while QEMU is stopped.
    /// </summary>
    public void EnableGuestNetwork() =>
        GrubEnv.Stage(new Dictionary<string, string?> { ["vm_cmdline"] = "appliance.net=1" });

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>A raw disk image attached as the guest's second virtio disk (/dev/vdb) from the next <see cref="Start"/> on.</summary>
    public string? SecondDisk { get; set; }

    /// <summary>The board's private run directory (deleted when the board is disposed after a success).</summary>
    public string RunDir => _runDir;

    /// <summary>Receives every serial line as it arrives (e.g. a test's output helper).</summary>
    public Action<SerialLine>? OnLine { get; init; }

    public int Boots => _console.Boots;

    public TimeSpan Elapsed => _console.Elapsed;

    public bool IsRunning => _console.IsRunning;

    /// <summary>
    /// Checks the host, then copies the pristine image to artifacts/vm/runs/&lt;runName&gt;/; a UEFI
    /// board also gets its own copy of OVMF's variable store there, kept across its power-offs
    /// as NVRAM is.
    /// </summary>
    public static QemuBoard Create(string runName, RepoLayout? layout = null, Action<SerialLine>? onLine = null, int? sshPort = null)
    {
        layout ??= RepoLayout.Discover();
        HostPrerequisites.Require(layout);
        var profile = BoardProfile.Load(layout.BoardJson);
        var runDir = Path.Combine(layout.RunsDir, $"{runName}-{Environment.ProcessId}");
        Directory.CreateDirectory(runDir);
        File.Copy(layout.PristineImage, Path.Combine(runDir, "disk.img"), overwrite: true);
        if (profile.Uefi is { } uefi)
        {
            File.Copy(uefi.VarsTemplate, Path.Combine(runDir, UefiVarsFile), overwrite: true);
        }

        return new QemuBoard(layout, profile, runDir) { OnLine = onLine, SshPort = sshPort };
    }

    public void Start()
    {
        if (IsRunning)
        {
            throw new BoardException("the board is already running");
        }

        // -nographic makes QEMU tell SeaBIOS to mirror its console to the
        // serial port (fw_cfg etc/sercon-port), which gives the per-boot banner.
        // OVMF: the code read-only in pflash unit 0, this run's variable store in unit 1 (the
        // profile's args make the flash SMM-only, as Secure Boot needs: secure=on, smm=on).
        // The serial port goes to a plain pipe and the monitor is off, so no
        // mux escape characters are interpreted in what the harness sends.
        string[] args =
        [
            "-accel", _profile.Accel,
            "-machine", _profile.Machine,
            "-m", _profile.Memory,
            .. SshPort is { } port ? WithoutNicNone(_profile.ExtraArgs) : _profile.ExtraArgs,
            .. SshPort is { } p
                ? (string[])["-nic", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"user,model=e1000,restrict=on,hostfwd=tcp:127.0.0.1:{p}-:22")]
                : [],
            "-serial", "stdio",
            "-monitor", "none",
            .. _profile.Uefi is { } uefi
                ? (string[])
                [
                    "-drive", $"if=pflash,format=raw,unit=0,file={uefi.Code},readonly=on",
                    "-drive", $"if=pflash,format=raw,unit=1,file={Path.Combine(_runDir, UefiVarsFile)}",
                ]
                : [],
            "-drive", $"file={DiskPath},format=raw,if=virtio",
            .. SecondDisk is { } second ? (string[])["-drive", $"file={second},format=raw,if=virtio"] : [],
            "-device", _profile.WatchdogDevice,
        ];
        _console.Attach(ToolRunner.StartPiped(_profile.QemuBinary, args));
    }

    /// <summary>
    /// Waits for the next serial line (after the previous match) containing
    /// <paramref name="text"/>. Fails with the serial tail on timeout or when
    /// QEMU exits first.
    /// </summary>
    public Task<SerialLine> WaitForAsync(string text, TimeSpan? timeout = null, CancellationToken cancel = default) =>
        _console.WaitForAsync(text, timeout ?? PerBootTimeout, cancel);

    /// <summary>Waits for QEMU to exit on its own (guest power-off).</summary>
    public Task WaitForExitAsync(TimeSpan? timeout = null) => _console.WaitForExitAsync(timeout ?? PerBootTimeout);

    /// <summary>Kills the QEMU process this board started, if it is still running.</summary>
    public Task StopAsync() => _console.StopAsync();

    /// <summary>
    /// Pulls the plug: kills QEMU at once (SIGKILL), with no guest shutdown.
    /// What the guest wrote to the virtual disk before stays (QEMU passes guest
    /// writes straight to the image file); guest page cache is lost.
    /// </summary>
    public Task<TimeSpan> PowerCutAsync() => _console.PowerCutAsync();

    /// <summary>How many serial lines so far contain <paramref name="text"/>.</summary>
    public int Count(string text) => _console.Count(text);

    public IReadOnlyList<SerialLine> Lines() => _console.Lines();

    /// <summary>A failure carrying the last serial lines; also keeps the run directory for inspection.</summary>
    public BoardException Fail(string message)
    {
        _failed = true;
        var tail = _console.Tail(TailLines);
        return new BoardException($"[{_profile.Name} {Path.GetFileName(_runDir)}] {message} (run dir {_runDir})", tail);
    }

    public async ValueTask DisposeAsync()
    {
        await _console.DisposeAsync().ConfigureAwait(false);
        var log = string.Join('\n', Lines().Select(l => l.ToString())) + "\n";
        if (_failed)
        {
            await File.WriteAllTextAsync(Path.Combine(_runDir, "serial.log"), log).ConfigureAwait(false);
        }
        else
        {
            Directory.Delete(_runDir, recursive: true);
        }
    }

    private static string[] WithoutNicNone(IReadOnlyList<string> args)
    {
        var kept = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "-nic" && i + 1 < args.Count && args[i + 1] == "none")
            {
                i++;
                continue;
            }

            kept.Add(args[i]);
        }

        return [.. kept];
    }

    private void EnsureStopped()
    {
        if (IsRunning)
        {
            throw new BoardException("the disk may only be accessed from the host while QEMU is stopped");
        }
    }

}
