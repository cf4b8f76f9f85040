using System.Runtime.InteropServices;
using System.Text;

namespace Appliance.Linux.Watchdog;

/// <summary>
/// The watchdog ioctl ABI of include/uapi/linux/watchdog.h. Request numbers follow the
/// generic _IOC encoding of include/uapi/asm-generic/ioctl.h (dir:2 | size:14 | type:8 | nr:8),
/// which x86_64 and arm64 both use; the tests pin every value against the header's.
/// </summary>
public static class WatchdogAbi
{
    /// <summary>WATCHDOG_IOCTL_BASE 'W'.</summary>
    private const uint Base = 'W';

    // include/uapi/asm-generic/ioctl.h: _IOC_WRITE 1, _IOC_READ 2.
    private const uint Write = 1;
    private const uint Read = 2;

    /// <summary>sizeof(struct watchdog_info): u32 options, u32 firmware_version, u8 identity[32].</summary>
    public const int InfoSize = 40;

    public static readonly nuint GetSupport = Ioc(Read, 0, InfoSize);
    public static readonly nuint GetStatus = Ioc(Read, 1, sizeof(int));
    public static readonly nuint GetBootStatus = Ioc(Read, 2, sizeof(int));
    public static readonly nuint SetOptions = Ioc(Read, 4, sizeof(int));
    public static readonly nuint KeepAlive = Ioc(Read, 5, sizeof(int));
    public static readonly nuint SetTimeout = Ioc(Read | Write, 6, sizeof(int));
    public static readonly nuint GetTimeout = Ioc(Read, 7, sizeof(int));
    public static readonly nuint SetPretimeout = Ioc(Read | Write, 8, sizeof(int));
    public static readonly nuint GetPretimeout = Ioc(Read, 9, sizeof(int));
    public static readonly nuint GetTimeLeft = Ioc(Read, 10, sizeof(int));

    /// <summary>WDIOS_DISABLECARD and WDIOS_ENABLECARD, the SETOPTIONS arguments.</summary>
    public const int DisableCard = 1;
    public const int EnableCard = 2;

    /// <summary>The magic close character: written last before close, it lets a driver with WDIOF_MAGICCLOSE stop (Documentation/watchdog/watchdog-api.rst, "Magic Close feature").</summary>
    public const byte MagicClose = (byte)'V';

    public static nuint Ioc(uint direction, uint number, int size) =>
        (nuint)((direction << 30) | ((uint)size << 16) | (Base << 8) | number);

    /// <summary>struct watchdog_info as the kernel fills it (native byte order; identity NUL-padded).</summary>
    public static (uint Options, uint FirmwareVersion, string Identity) ParseInfo(ReadOnlySpan<byte> info)
    {
        if (info.Length != InfoSize)
        {
            throw new ArgumentException($"struct watchdog_info is {InfoSize} bytes, got {info.Length}", nameof(info));
        }

        var identity = info.Slice(8, 32);
        int end = identity.IndexOf((byte)0);
        return (
            MemoryMarshal.Read<uint>(info),
            MemoryMarshal.Read<uint>(info[4..]),
            Encoding.ASCII.GetString(end < 0 ? identity : identity[..end]).Trim());
    }
}
