using System.Device.I2c;
using System.Runtime.InteropServices;
using Appliance.Linux.Files;
using Appliance.Linux.Native;

namespace Appliance.Linux.I2c;

/// <summary>
/// An I2C chip reached through the kernel's SMBus interface on <c>/dev/i2c-N</c> (i2c-dev:
/// I2C_SLAVE, then I2C_SMBUS transfers), as System.Device.I2c's I2cDevice, for register-style
/// chips (a register pointer, then 1 or 2 data bytes: LM75-class sensors). SMBus transfers work
/// on every adapter: SMBus-only host controllers (i2c-i801 on PC boards, i2c-stub in the tests)
/// answer neither I2C_RDWR nor read()/write(), which System.Device.Gpio's own Unix device uses,
/// and plain I2C controllers get SMBus emulated by the kernel (drivers/i2c/i2c-core-smbus.c,
/// i2c_smbus_xfer_emulated). The device file is opened under the root like every other path.
/// </summary>
public sealed unsafe class SmbusDevice : I2cDevice
{
    // include/uapi/linux/i2c-dev.h
    private const nuint I2C_SLAVE = 0x0703;
    private const nuint I2C_FUNCS = 0x0705;
    private const nuint I2C_SMBUS = 0x0720;

    // include/uapi/linux/i2c.h: transfer directions, transaction sizes and functionality bits.
    private const byte Write_ = 0;
    private const byte Read_ = 1;
    private const uint SizeByte = 1;
    private const uint SizeByteData = 2;
    private const uint SizeWordData = 3;
    private const ulong FuncReadByte = 0x00020000;
    private const ulong FuncWriteByte = 0x00040000;
    private const ulong FuncReadByteData = 0x00080000;
    private const ulong FuncWriteByteData = 0x00100000;
    private const ulong FuncReadWordData = 0x00200000;
    private const ulong FuncWriteWordData = 0x00400000;

    /// <summary>What a register-style driver needs: set the pointer, read and write 1 or 2 bytes at a register.</summary>
    private const ulong Needed = FuncReadByte | FuncWriteByte | FuncReadByteData | FuncWriteByteData | FuncReadWordData | FuncWriteWordData;

    private readonly string _path;
    private int _fd;

    /// <summary>The register the last one-byte write pointed the chip at; the next read is from there.</summary>
    private byte? _pointer;

    private SmbusDevice(I2cConnectionSettings settings, string path, int fd)
    {
        ConnectionSettings = settings;
        _path = path;
        _fd = fd;
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Opens <c>{root}/dev/i2c-{bus}</c> and addresses the chip at <paramref name="address"/>; errors name the file and what to check.</summary>
    public static SmbusDevice Open(string root, int bus, int address)
    {
        string path = Path.Combine(root, "dev", $"i2c-{bus}");
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno == Errno.ENOENT
                ? new FileProblemException(FileProblemKind.Missing, path, "no such I2C bus; check Bus= (i2cdetect -l lists them; the i2c-dev module must be loaded)")
                : new SystemError("open", path, errno);
        }

        try
        {
            ulong funcs = 0;
            if (Libc.ioctl(fd, I2C_FUNCS, &funcs) != 0)
            {
                throw new SystemError("ioctl(I2C_FUNCS)", path, Marshal.GetLastPInvokeError());
            }

            if ((funcs & Needed) != Needed)
            {
                throw new FileProblemException(FileProblemKind.Unsupported, path, $"the adapter lacks the SMBus byte and word transfers a register-style sensor needs (functionality 0x{funcs:x})");
            }

            // I2C_SLAVE takes the 7-bit address as the argument itself, not by address.
            if (Libc.ioctl(fd, I2C_SLAVE, (void*)(nint)address) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == Errno.EBUSY
                    ? new FileProblemException(FileProblemKind.Busy, path, $"address 0x{address:x2} is claimed by a kernel driver (see /sys/bus/i2c/devices); unbind it or read the sensor through hwmon")
                    : new SystemError($"ioctl(I2C_SLAVE, 0x{address:x2})", path, errno);
            }
        }
        catch
        {
            Libc.close(fd);
            throw;
        }

        return new SmbusDevice(new I2cConnectionSettings(bus, address), path, fd);
    }

    /// <summary>SMBus "send byte": points the chip at a register.</summary>
    public override void WriteByte(byte value)
    {
        Transfer(Write_, value, SizeByte, null);
        _pointer = value;
    }

    /// <summary>SMBus "receive byte": one byte from where the chip points.</summary>
    public override byte ReadByte()
    {
        SmbusData data = default;
        Transfer(Read_, 0, SizeByte, &data);
        return data.Byte;
    }

    /// <summary>One byte as "receive byte"; two as "read word data" at the register written last (the same bytes on the wire for a register-pointer chip).</summary>
    public override void Read(Span<byte> buffer)
    {
        switch (buffer.Length)
        {
            case 1:
                buffer[0] = ReadByte();
                break;
            case 2 when _pointer is { } register:
                ReadWord(register, buffer);
                break;
            default:
                throw Unsupported($"a {buffer.Length}-byte read{(buffer.Length == 2 ? " before a register was written" : "")}");
        }
    }

    /// <summary>[register] sets the pointer; [register, value] is "write byte data"; [register, low, high] is "write word data" (SMBus sends the low byte first).</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        switch (buffer.Length)
        {
            case 1:
                WriteByte(buffer[0]);
                break;
            case 2:
            {
                SmbusData data = default;
                data.Byte = buffer[1];
                Transfer(Write_, buffer[0], SizeByteData, &data);
                _pointer = buffer[0];
                break;
            }

            case 3:
            {
                SmbusData data = default;
                data.Word = (ushort)(buffer[1] | (buffer[2] << 8));
                Transfer(Write_, buffer[0], SizeWordData, &data);
                _pointer = buffer[0];
                break;
            }

            default:
                throw Unsupported($"a {buffer.Length}-byte write");
        }
    }

    /// <summary>[register] then 1 or 2 bytes: "read byte data" or "read word data".</summary>
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != 1 || readBuffer.Length is not (1 or 2))
        {
            throw Unsupported($"a {writeBuffer.Length}-byte write then {readBuffer.Length}-byte read");
        }

        _pointer = writeBuffer[0];
        if (readBuffer.Length == 2)
        {
            ReadWord(writeBuffer[0], readBuffer);
            return;
        }

        SmbusData data = default;
        Transfer(Read_, writeBuffer[0], SizeByteData, &data);
        readBuffer[0] = data.Byte;
    }

    protected override void Dispose(bool disposing)
    {
        if (_fd >= 0)
        {
            Libc.close(_fd);
            _fd = -1;
        }

        base.Dispose(disposing);
    }

    /// <summary>"Read word data": the word arrives low byte first, so in wire order it is [low, high].</summary>
    private void ReadWord(byte register, Span<byte> buffer)
    {
        SmbusData data = default;
        Transfer(Read_, register, SizeWordData, &data);
        buffer[0] = (byte)(data.Word & 0xff);
        buffer[1] = (byte)(data.Word >> 8);
    }

    private void Transfer(byte direction, byte command, uint size, SmbusData* data)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        var request = new SmbusIoctlData { ReadWrite = direction, Command = command, Size = size, Data = data };
        if (Libc.ioctl(_fd, I2C_SMBUS, &request) != 0)
        {
            throw new SystemError($"ioctl(I2C_SMBUS) at address 0x{ConnectionSettings.DeviceAddress:x2}", _path, Marshal.GetLastPInvokeError());
        }
    }

    private NotSupportedException Unsupported(string what) =>
        new($"{_path}: {what} has no SMBus equivalent; this device serves register-style chips only");

    /// <summary>include/uapi/linux/i2c-dev.h, struct i2c_smbus_ioctl_data: u8, u8, u32, pointer (16 bytes on 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct SmbusIoctlData
    {
        public byte ReadWrite;
        public byte Command;
        public uint Size;
        public SmbusData* Data;
    }

    /// <summary>include/uapi/linux/i2c.h, union i2c_smbus_data: byte, word, or a block of 32 + 2 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 34)]
    private struct SmbusData
    {
        [FieldOffset(0)]
        public byte Byte;

        [FieldOffset(0)]
        public ushort Word;
    }
}
