using System.Runtime.InteropServices;
using Appliance.Core.Watchdog;
using Appliance.Linux.Files;
using Appliance.Linux.Native;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// One <c>/dev/watchdogN</c>, opened and petted through the ioctl ABI of
/// include/uapi/linux/watchdog.h. Opening starts the timer; from then on only a pet, a magic
/// close or a reset ends it.
/// </summary>
public sealed class WatchdogDevice : IPetTarget
{
    private readonly WatchdogSysfs _sysfs;
    private readonly string? _sysfsName;
    private int _fd;

    private WatchdogDevice(string path, int fd, WatchdogSysfs sysfs, string? sysfsName)
    {
        Name = path;
        _fd = fd;
        _sysfs = sysfs;
        _sysfsName = sysfsName;
    }

    public string Name { get; }

    public string Kind => "device";

    /// <summary>From WDIOC_GETSUPPORT; null when the node answers no watchdog ioctls (then it is petted by write()).</summary>
    public uint? Options { get; private set; }

    public uint FirmwareVersion { get; private set; }

    public string? Identity { get; private set; }

    /// <summary>The timeout as the driver reports it after setting: drivers round to what the hardware can count.</summary>
    public int? TimeoutSeconds { get; private set; }

    public int? PretimeoutSeconds { get; private set; }

    /// <summary>The first event without pets: the pretimeout when one is set, else the timeout.</summary>
    public TimeSpan? Deadline => TimeoutSeconds is { } t ? Pretimeout.FirstEvent(t, PretimeoutSeconds) : null;

    public (int? Seconds, PretimeoutSupport Support)? PretimeoutState => (PretimeoutSeconds, PretimeoutSupport);

    public TimeSpan? Timeout => TimeoutSeconds is { } t ? TimeSpan.FromSeconds(t) : null;

    public DeviceResetCause? ResetCause { get; private set; }

    private bool Has(WatchdogOptions option) => Options is { } o && (o & (uint)option) != 0;

    /// <summary>
    /// Opens the device and reads what it is. sysfs <c>bootstatus</c> is read first: it is the
    /// reset cause as the driver saw it at probe, before this open can change anything.
    /// </summary>
    public static WatchdogDevice Open(string path, string? sysfsName, WatchdogSysfs sysfs)
    {
        uint? sysfsBoot = sysfsName is null ? null : sysfs.ReadBits(sysfsName, "bootstatus");
        int fd = Libc.open(path, Libc.O_WRONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Errno.EBUSY => new FileProblemException(FileProblemKind.Busy, path,
                    "the watchdog is held open by another process (systemd's RuntimeWatchdogSec= in /etc/systemd/system.conf, or another watchdog daemon such as watchdog(8)); stop it, or configure Device= to another watchdog"),
                Errno.ENOENT => new FileProblemException(FileProblemKind.Missing, path,
                    "no such watchdog device; load its driver (e.g. modprobe softdog) or fix Device= in [Watchdog]"),
                Errno.EACCES => new FileProblemException(FileProblemKind.PermissionDenied, path, "permission denied; the watchdog daemon must run as root"),
                _ => new SystemError("open", path, errno),
            };
        }

        var device = new WatchdogDevice(path, fd, sysfs, sysfsName);
        try
        {
            device.ReadSupport();
            uint? ioctlBoot = device.TryGetInt(WatchdogAbi.GetBootStatus, out int boot) ? (uint)boot : null;
            device.TimeoutSeconds = device.TryGetInt(WatchdogAbi.GetTimeout, out int timeout) ? timeout : null;
            uint bits = (ioctlBoot ?? 0) | (sysfsBoot ?? 0);
            device.ResetCause = new DeviceResetCause
            {
                Device = path,
                Identity = device.Identity,
                SysfsBootStatus = sysfsBoot,
                IoctlBootStatus = ioctlBoot,
                Causes = Appliance.Core.Watchdog.ResetCause.Decode(bits),
            };
            return device;
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    private unsafe void ReadSupport()
    {
        byte* info = stackalloc byte[WatchdogAbi.InfoSize];
        new Span<byte>(info, WatchdogAbi.InfoSize).Clear();
        if (Libc.ioctl(_fd, WatchdogAbi.GetSupport, info) == 0)
        {
            var (options, firmware, identity) = WatchdogAbi.ParseInfo(new ReadOnlySpan<byte>(info, WatchdogAbi.InfoSize));
            Options = options;
            FirmwareVersion = firmware;
            Identity = identity;
            return;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno is not (Errno.ENOTTY or Errno.EINVAL or Errno.EOPNOTSUPP))
        {
            throw new SystemError("ioctl(WDIOC_GETSUPPORT)", Name, errno);
        }

        // Every driver on the watchdog core answers GETSUPPORT (watchdog_ioctl); a node that
        // does not is an old out-of-tree driver or a stand-in. write() is the one operation
        // every watchdog driver has implemented since the original watchdog API, so keep petting by it.
        Identity = _sysfsName is null ? null : _sysfs.Read(_sysfsName, "identity");
    }

    /// <summary>Sets timeout, pretimeout and governor where the driver supports them, and reads back what it chose.</summary>
    public void Configure(int? timeoutSeconds, int? pretimeoutSeconds, string? governor, TextWriter log)
    {
        if (timeoutSeconds is { } wanted)
        {
            if (Has(WatchdogOptions.SetTimeout))
            {
                int value = wanted;
                Call(WatchdogAbi.SetTimeout, ref value, "WDIOC_SETTIMEOUT");
                TimeoutSeconds = TryGetInt(WatchdogAbi.GetTimeout, out int back) ? back : value;
                if (TimeoutSeconds != wanted)
                {
                    log.WriteLine($"appliance: {Name}: asked for a {wanted} s timeout, the driver set {TimeoutSeconds} s");
                }
            }
            else
            {
                log.WriteLine($"appliance: {Name}: the driver cannot change its timeout (no WDIOF_SETTIMEOUT); keeping {TimeoutSeconds?.ToString() ?? "its"} s");
            }
        }

        // The governor first, so the pretimeout is never armed with a governor the operator did not ask for.
        if (governor is not null && _sysfsName is not null)
        {
            SelectGovernor(governor, log);
        }

        if (pretimeoutSeconds is { } pre)
        {
            SetPretimeout(pre, log);
        }
    }

    /// <summary>Whether and how the device has a pretimeout: WDIOF_PRETIMEOUT from GETSUPPORT, else the sysfs file the core shows when its hrtimer provides one.</summary>
    public PretimeoutSupport PretimeoutSupport =>
        Pretimeout.Support(Options, _sysfsName is not null && File.Exists(Path.Combine(_sysfs.ClassDirectory, _sysfsName, "pretimeout")));

    /// <summary>
    /// WDIOC_SETPRETIMEOUT is tried whatever GETSUPPORT says: GETSUPPORT copies the driver's own
    /// options (watchdog_ioctl), which lack WDIOF_PRETIMEOUT when the core's hrtimer provides it
    /// (watchdog_set_pretimeout checks watchdog_have_pretimeout). EOPNOTSUPP means there is none.
    /// </summary>
    private unsafe void SetPretimeout(int pre, TextWriter log)
    {
        int value = pre;
        if (Libc.ioctl(_fd, WatchdogAbi.SetPretimeout, &value) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            log.WriteLine(errno switch
            {
                Errno.EOPNOTSUPP or Errno.ENOTTY => $"appliance: {Name}: no pretimeout ({Pretimeout.Describe(PretimeoutSupport.None)}); Pretimeout={pre} ignored, a hang costs the hardware reset",
                Errno.EINVAL => $"appliance: {Name}: the driver refused Pretimeout={pre} (EINVAL: it must be less than the timeout, {TimeoutSeconds?.ToString() ?? "?"} s)",
                _ => $"appliance: {Name}: ioctl(WDIOC_SETPRETIMEOUT, {pre}): {new SystemError("ioctl", Name, errno).Message}",
            });
            return;
        }

        PretimeoutSeconds = TryGetInt(WatchdogAbi.GetPretimeout, out int back) ? back : pre;
        log.WriteLine($"appliance: {Name}: pretimeout {PretimeoutSeconds} s before the {TimeoutSeconds?.ToString() ?? "?"} s timeout; {Pretimeout.Describe(PretimeoutSupport)}");
    }

    private void SelectGovernor(string governor, TextWriter log)
    {
        string path = Path.Combine(_sysfs.ClassDirectory, _sysfsName!, "pretimeout_governor");
        if (!File.Exists(path))
        {
            log.WriteLine($"appliance: {path}: missing; no pretimeout on this watchdog or the kernel lacks CONFIG_WATCHDOG_PRETIMEOUT_GOV, governor '{governor}' not selected");
            return;
        }

        try
        {
            File.WriteAllText(path, governor);
        }
        catch (IOException e)
        {
            // watchdog_pretimeout_governor_set gives EINVAL for a governor not registered: its module is not loaded.
            string available = _sysfs.Read(_sysfsName!, "pretimeout_available_governors") ?? "none";
            log.WriteLine($"appliance: {path}: cannot select governor '{governor}' ({e.Message}); available: {available}; load it (modprobe {Pretimeout.Module(governor)}, and list it in /etc/modules-load.d/)");
        }
    }

    /// <summary>WDIOC_KEEPALIVE where the driver has WDIOF_KEEPALIVEPING (watchdog_ioctl refuses it otherwise), else a one-byte write, which every driver counts as a ping.</summary>
    public unsafe void Pet()
    {
        if (Has(WatchdogOptions.KeepalivePing))
        {
            int dummy = 0;
            if (Libc.ioctl(_fd, WatchdogAbi.KeepAlive, &dummy) != 0)
            {
                throw new SystemError("ioctl(WDIOC_KEEPALIVE)", Name, Marshal.GetLastPInvokeError());
            }

            return;
        }

        // Any byte but 'V' (which would arm magic close) is a ping; watchdog_write clears the
        // magic-close flag before scanning, so this also cancels a stray earlier 'V'.
        byte ping = 0;
        if (Libc.write(_fd, &ping, 1) != 1)
        {
            throw new SystemError("write", Name, Marshal.GetLastPInvokeError());
        }
    }

    public bool Reconfigure(WatchdogSettings settings, TextWriter log)
    {
        Configure(settings.TimeoutSeconds, settings.PretimeoutSeconds, Pretimeout.Governor(settings), log);
        return true;
    }

    /// <summary>The driver's nowayout flag (sysfs); unknown counts as set, the safe assumption.</summary>
    public bool Nowayout => _sysfsName is null || _sysfs.Nowayout(_sysfsName) != false;

    public string Release(bool disarm)
    {
        if (_fd < 0)
        {
            return $"{Name}: already closed";
        }

        string what;
        if (!disarm)
        {
            what = Options is null ? $"{Name}: closed"
                : Has(WatchdogOptions.MagicClose)
                ? $"{Name}: closed without magic close; it keeps running and resets the machine unless petted again"
                : $"{Name}: closed; the driver has no magic close (WDIOF_MAGICCLOSE), so the kernel stops it on close unless nowayout is set";
        }
        else if (Nowayout)
        {
            what = $"{Name}: nowayout is set (or unknown); it cannot be disarmed and will reset the machine unless petted";
        }
        else
        {
            WriteMagic();
            what = $"{Name}: disarmed by magic close";
        }

        Dispose();
        return what;
    }

    private unsafe void WriteMagic()
    {
        byte magic = WatchdogAbi.MagicClose;
        if (Libc.write(_fd, &magic, 1) != 1)
        {
            throw new SystemError("write('V')", Name, Marshal.GetLastPInvokeError());
        }
    }

    private unsafe bool TryGetInt(nuint request, out int value)
    {
        int v = 0;
        bool ok = Libc.ioctl(_fd, request, &v) == 0;
        value = v;
        return ok;
    }

    private unsafe void Call(nuint request, ref int value, string name)
    {
        int v = value;
        if (Libc.ioctl(_fd, request, &v) != 0)
        {
            throw new SystemError($"ioctl({name})", Name, Marshal.GetLastPInvokeError());
        }

        value = v;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.close(_fd);
            _fd = -1;
        }
    }
}
