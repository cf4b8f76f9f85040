using System.Runtime.InteropServices;
using System.Text;

namespace Appliance.Linux.Gpio;

/// <summary>
/// The GPIO character device uAPI v2 of include/uapi/linux/gpio.h, laid out byte by byte
/// (the structs are built in a span rather than mapped onto C# structs so every offset is
/// explicit and the tests can check the bytes). Sizes: gpio_v2_line_attribute 16,
/// gpio_v2_line_config_attribute 24, gpio_v2_line_config 272, gpio_v2_line_request 592,
/// gpio_v2_line_values 16; every padding field must be zero or the kernel returns EINVAL
/// (gpio_v2_line_config_validate, linereq_create).
/// </summary>
public static class GpioV2Abi
{
    /// <summary>GPIO_V2_LINES_MAX.</summary>
    public const int LinesMax = 64;

    /// <summary>GPIO_MAX_NAME_SIZE.</summary>
    public const int NameSize = 32;

    /// <summary>GPIO_V2_LINE_NUM_ATTRS_MAX.</summary>
    public const int AttrsMax = 10;

    public const int LineAttributeSize = 16;
    public const int ConfigAttributeSize = 24;
    public const int ConfigSize = 272;
    public const int RequestSize = 592;
    public const int ValuesSize = 16;

    // Offsets within struct gpio_v2_line_request.
    public const int OffsetsAt = 0;
    public const int ConsumerAt = 256;
    public const int ConfigAt = 288;
    public const int NumLinesAt = 560;
    public const int EventBufferSizeAt = 564;
    public const int PaddingAt = 568;
    public const int FdAt = 588;

    // Offsets within struct gpio_v2_line_config.
    public const int ConfigFlagsAt = 0;
    public const int ConfigNumAttrsAt = 8;
    public const int ConfigPaddingAt = 12;
    public const int ConfigAttrsAt = 32;

    // enum gpio_v2_line_flag (_BITULL(n)).
    public const ulong FlagActiveLow = 1UL << 1;
    public const ulong FlagInput = 1UL << 2;
    public const ulong FlagOutput = 1UL << 3;

    /// <summary>GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES: the attribute carrying initial output levels.</summary>
    public const uint AttrIdOutputValues = 2;

    // _IOWR(0xB4, 0x07, struct gpio_v2_line_request) and _IOWR(0xB4, 0x0F/0x0E, struct gpio_v2_line_values).
    public static readonly nuint GetLineIoctl = Iowr(0x07, RequestSize);
    public static readonly nuint LineSetValuesIoctl = Iowr(0x0F, ValuesSize);
    public static readonly nuint LineGetValuesIoctl = Iowr(0x0E, ValuesSize);

    private static nuint Iowr(uint number, int size) => (nuint)((3u << 30) | ((uint)size << 16) | (0xB4u << 8) | number);

    /// <summary>
    /// A request for one line as an output, driven to <paramref name="initial"/> at once (an
    /// OUTPUT_VALUES attribute, so the line never glitches to a default first).
    /// </summary>
    public static byte[] LineRequest(uint offset, string consumer, bool initial, bool activeLow)
    {
        var bytes = new byte[RequestSize];
        var span = bytes.AsSpan();
        MemoryMarshal.Write(span[OffsetsAt..], offset);
        byte[] label = Encoding.ASCII.GetBytes(consumer);
        label.AsSpan(0, Math.Min(label.Length, NameSize - 1)).CopyTo(span[ConsumerAt..]);

        var config = span.Slice(ConfigAt, ConfigSize);
        MemoryMarshal.Write(config[ConfigFlagsAt..], FlagOutput | (activeLow ? FlagActiveLow : 0));
        MemoryMarshal.Write(config[ConfigNumAttrsAt..], 1u);
        var attr = config.Slice(ConfigAttrsAt, ConfigAttributeSize);
        MemoryMarshal.Write(attr, AttrIdOutputValues);
        MemoryMarshal.Write(attr[8..], initial ? 1UL : 0UL);
        MemoryMarshal.Write(attr[LineAttributeSize..], 1UL);

        MemoryMarshal.Write(span[NumLinesAt..], 1u);
        return bytes;
    }

    /// <summary>struct gpio_v2_line_values for line index 0 of a request.</summary>
    public static byte[] Values(bool value)
    {
        var bytes = new byte[ValuesSize];
        MemoryMarshal.Write(bytes, value ? 1UL : 0UL);
        MemoryMarshal.Write(bytes.AsSpan(8), 1UL);
        return bytes;
    }
}
