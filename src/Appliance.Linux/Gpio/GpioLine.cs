using System.Runtime.InteropServices;
using Appliance.Linux.Files;
using Appliance.Linux.Native;

namespace Appliance.Linux.Gpio;

/// <summary>One GPIO line held as an output through the v2 character-device uAPI; released on dispose.</summary>
public sealed class GpioLine : IDisposable
{
    private int _fd;

    private GpioLine(string chip, uint offset, int fd)
    {
        Chip = chip;
        Offset = offset;
        _fd = fd;
    }

    public string Chip { get; }

    public uint Offset { get; }

    public bool Value { get; private set; }

    public override string ToString() => $"{Chip} line {Offset}";

    public static unsafe GpioLine RequestOutput(string chipPath, uint offset, string consumer, bool initial, bool activeLow)
    {
        int chip = Libc.open(chipPath, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (chip < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == Libc.ENOENT
                ? new FileProblemException(FileProblemKind.Missing, chipPath, "no such GPIO chip; check GpioChip= (see gpiodetect)")
                : new SystemError("open", chipPath, errno);
        }

        try
        {
            byte[] request = GpioV2Abi.LineRequest(offset, consumer, initial, activeLow);
            fixed (byte* p = request)
            {
                if (Libc.ioctl(chip, GpioV2Abi.GetLineIoctl, p) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw errno == Libc.EBUSY
                        ? new FileProblemException(FileProblemKind.Busy, chipPath, $"line {offset} is already requested by another consumer (see gpioinfo); free it or fix GpioLine=")
                        : new SystemError($"ioctl(GPIO_V2_GET_LINE_IOCTL, line {offset})", chipPath, errno);
                }
            }

            int fd = MemoryMarshal.Read<int>(request.AsSpan(GpioV2Abi.FdAt));
            return new GpioLine(chipPath, offset, fd) { Value = initial };
        }
        finally
        {
            // The line fd stays valid without the chip fd (linereq holds its own reference).
            Libc.close(chip);
        }
    }

    public unsafe void Set(bool value)
    {
        byte[] values = GpioV2Abi.Values(value);
        fixed (byte* p = values)
        {
            if (Libc.ioctl(_fd, GpioV2Abi.LineSetValuesIoctl, p) != 0)
            {
                throw new SystemError("ioctl(GPIO_V2_LINE_SET_VALUES_IOCTL)", ToString(), Marshal.GetLastPInvokeError());
            }
        }

        Value = value;
    }

    public unsafe bool Get()
    {
        byte[] values = GpioV2Abi.Values(false);
        fixed (byte* p = values)
        {
            if (Libc.ioctl(_fd, GpioV2Abi.LineGetValuesIoctl, p) != 0)
            {
                throw new SystemError("ioctl(GPIO_V2_LINE_GET_VALUES_IOCTL)", ToString(), Marshal.GetLastPInvokeError());
            }
        }

        return (MemoryMarshal.Read<ulong>(values) & 1) != 0;
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
