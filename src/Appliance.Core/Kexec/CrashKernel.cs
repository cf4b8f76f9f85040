using System.Globalization;

namespace Appliance.Core.Kexec;

/// <summary>One <c>start-[end]:size</c> item of the range form; <see cref="End"/> null means no upper bound. The end is exclusive.</summary>
public sealed record CrashKernelRange(long Start, long? End, long Size);

/// <summary>
/// A parsed <c>crashkernel=</c> value (Documentation/admin-guide/kdump/kdump.rst,
/// kernel/crash_reserve.c parse_crashkernel): a plain size, or a list of RAM ranges each with
/// its size; optionally <c>@offset</c>, or a <c>,high</c> / <c>,low</c> / <c>,cma</c> suffix.
/// </summary>
public sealed record CrashKernelRequest(string Text, long? Size, IReadOnlyList<CrashKernelRange> Ranges, long? Offset, string? Suffix)
{
    /// <summary>
    /// The size the kernel reserves on a machine with <paramref name="systemRam"/> bytes of RAM:
    /// the plain size, or the size of the first range holding it (parse_crashkernel_mem matches
    /// <c>start &lt;= ram &lt; end</c> against memblock_phys_mem_size()); 0 when no range matches.
    /// </summary>
    public long SizeFor(long systemRam)
    {
        if (Size is { } size)
        {
            return size;
        }

        foreach (var range in Ranges)
        {
            if (systemRam >= range.Start && (range.End is null || systemRam < range.End))
            {
                return range.Size;
            }
        }

        return 0;
    }
}

public static class CrashKernel
{
    public const string Parameter = "crashkernel";

    /// <summary>What the QEMU board measured to work for our rescue kernel and its userspace in a 1 GiB guest (shared/notes/rollback-timings.md).</summary>
    public const long RecommendedBytes = 256L << 20;

    /// <summary>
    /// Room the crash kernel needs beyond its own image and initramfs to boot to userspace and
    /// run the validator: page tables, the decompressed kernel, unpacked initramfs, the agent.
    /// Below this a load may succeed and the rescue still die of OOM at the worst moment.
    /// </summary>
    public const long HeadroomBytes = 96L << 20;

    /// <summary>The text of the fix, used by every message that asks for a reservation.</summary>
    public static string HowToReserve(string value) =>
        $"add {Parameter}={value} to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub (grub2-mkconfig -o /boot/grub2/grub.cfg on Fedora/RHEL) so the trial entries carry it, and reboot";

    /// <summary>
    /// The request that governs reservation on <paramref name="commandLine"/>: the last plain
    /// <c>crashkernel=</c> (with or without <c>@offset</c>), else the last <c>,high</c> one, as
    /// get_last_crashkernel picks; null when there is none.
    /// </summary>
    public static CrashKernelRequest? Find(string commandLine)
    {
        CrashKernelRequest? plain = null;
        CrashKernelRequest? high = null;
        foreach (string word in KernelCommandLine.Split(commandLine))
        {
            if (KernelCommandLine.NameOf(word) != Parameter || KernelCommandLine.ValueOf(word) is not { } value)
            {
                continue;
            }

            if (!TryParse(value, out var request))
            {
                continue;
            }

            if (request.Suffix is null)
            {
                plain = request;
            }
            else if (request.Suffix == "high")
            {
                high = request;
            }
        }

        return plain ?? high;
    }

    public static bool TryParse(string value, out CrashKernelRequest request)
    {
        request = null!;
        try
        {
            request = Parse(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Parses a <c>crashkernel=</c> value; <see cref="FormatException"/> says what is wrong with it.</summary>
    public static CrashKernelRequest Parse(string value)
    {
        int colon = value.IndexOf(':');
        if (colon >= 0)
        {
            return ParseRanges(value);
        }

        int pos = 0;
        long size = ParseSize(value, ref pos);
        long? offset = null;
        string? suffix = null;
        if (pos < value.Length && value[pos] == '@')
        {
            pos++;
            offset = ParseSize(value, ref pos);
        }
        else if (pos < value.Length && value[pos] == ',')
        {
            suffix = value[(pos + 1)..];
            if (suffix is not ("high" or "low" or "cma"))
            {
                throw new FormatException($"'{value}': unknown suffix ',{suffix}' (expected ,high, ,low or ,cma)");
            }

            pos = value.Length;
        }

        if (pos != value.Length)
        {
            throw new FormatException($"'{value}': unexpected '{value[pos..]}' after the size");
        }

        return new CrashKernelRequest(value, size, [], offset, suffix);
    }

    private static CrashKernelRequest ParseRanges(string value)
    {
        var ranges = new List<CrashKernelRange>();
        int pos = 0;
        while (true)
        {
            long start = ParseSize(value, ref pos);
            Expect(value, ref pos, '-');
            long? end = null;
            if (pos < value.Length && value[pos] != ':')
            {
                end = ParseSize(value, ref pos);
                if (end <= start)
                {
                    throw new FormatException($"'{value}': a range ends at or before its start");
                }
            }

            Expect(value, ref pos, ':');
            long size = ParseSize(value, ref pos);
            ranges.Add(new CrashKernelRange(start, end, size));
            if (pos < value.Length && value[pos] == ',')
            {
                pos++;
                continue;
            }

            break;
        }

        long? offset = null;
        if (pos < value.Length && value[pos] == '@')
        {
            pos++;
            offset = ParseSize(value, ref pos);
        }

        if (pos != value.Length)
        {
            throw new FormatException($"'{value}': unexpected '{value[pos..]}'");
        }

        return new CrashKernelRequest(value, null, ranges, offset, null);
    }

    private static void Expect(string value, ref int pos, char wanted)
    {
        if (pos >= value.Length || value[pos] != wanted)
        {
            throw new FormatException($"'{value}': expected '{wanted}' at offset {pos}");
        }

        pos++;
    }

    /// <summary>
    /// lib/cmdline.c memparse: a number in C notation (0x hex, leading 0 octal, else decimal)
    /// followed by an optional K, M, G, T, P or E (either case), each a factor of 1024.
    /// </summary>
    public static long ParseSize(string text, ref int pos)
    {
        int start = pos;
        int numberBase = 10;
        if (pos + 1 < text.Length && text[pos] == '0' && (text[pos + 1] is 'x' or 'X'))
        {
            numberBase = 16;
            pos += 2;
        }
        else if (pos + 1 < text.Length && text[pos] == '0' && char.IsAsciiDigit(text[pos + 1]))
        {
            numberBase = 8;
            pos++;
        }

        int digitsStart = pos;
        ulong number = 0;
        while (pos < text.Length && DigitValue(text[pos]) is { } digit && digit < numberBase)
        {
            number = checked((number * (ulong)numberBase) + (ulong)digit);
            pos++;
        }

        if (pos == digitsStart)
        {
            throw new FormatException($"'{text}': expected a size at offset {start}");
        }

        int shift = pos < text.Length ? char.ToUpperInvariant(text[pos]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            'P' => 50,
            'E' => 60,
            _ => 0,
        } : 0;
        if (shift > 0)
        {
            pos++;
        }

        if (shift > 0 && number > (ulong.MaxValue >> shift))
        {
            throw new FormatException($"'{text}': size too large");
        }

        ulong bytes = number << shift;
        if (bytes > long.MaxValue)
        {
            throw new FormatException($"'{text}': size too large");
        }

        return (long)bytes;
    }

    private static int? DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => null,
    };

    /// <summary>Bytes as the kernel's own suffixes write them (256M, 1536K), for messages and fixes.</summary>
    public static string FormatSize(long bytes)
    {
        foreach (var (shift, suffix) in new[] { (30, "G"), (20, "M"), (10, "K") })
        {
            long unit = 1L << shift;
            if (bytes >= unit && bytes % unit == 0)
            {
                return (bytes / unit).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A reservation size worth asking for: at least <see cref="RecommendedBytes"/>, and enough for the images plus headroom, rounded up to 64 MiB.</summary>
    public static long Suggest(long imageBytes)
    {
        const long Step = 64L << 20;
        long needed = imageBytes + HeadroomBytes;
        long rounded = (needed + Step - 1) / Step * Step;
        return Math.Max(RecommendedBytes, rounded);
    }

    /// <summary>
    /// Whether the running kernel's crash reservation can hold the rescue kernel: from
    /// <c>/sys/kernel/kexec_crash_size</c> (<paramref name="reservedBytes"/>, 0 when nothing was
    /// reserved), the command line it booted with, its RAM (for the range form; null when
    /// unknown) and the size of the kernel and initramfs to load.
    /// </summary>
    public static ReservationVerdict Check(long reservedBytes, string commandLine, long? systemRam, long imageBytes)
    {
        string suggestion = FormatSize(Suggest(imageBytes));
        CrashKernelRequest? request = Find(commandLine);
        if (reservedBytes <= 0)
        {
            if (request is null)
            {
                return ReservationVerdict.Fail(
                    $"no memory is reserved for a crash kernel: the running kernel was booted without {Parameter}= (/sys/kernel/kexec_crash_size is 0); {HowToReserve(suggestion)}");
            }

            if (request.Size is null && systemRam is { } ram && request.SizeFor(ram) == 0)
            {
                return ReservationVerdict.Fail(
                    $"no memory is reserved for a crash kernel: {Parameter}={request.Text} has no range for this machine's {FormatSize(ram)} of RAM (ranges match start <= RAM < end, and the kernel counts a little less RAM than is installed); replace it: {HowToReserve(suggestion)}");
            }

            return ReservationVerdict.Fail(
                $"no memory is reserved for a crash kernel although the command line asks for {Parameter}={request.Text}: the kernel could not reserve it ('dmesg | grep -i crashkernel' says why; usually too little free RAM below 4 GiB or a taken @offset); {HowToReserve(suggestion)}");
        }

        long needed = imageBytes + HeadroomBytes;
        if (reservedBytes < needed)
        {
            string asked = request is null ? "" : $" ({Parameter}={request.Text})";
            return ReservationVerdict.Fail(
                $"the crash reservation is {FormatSize(reservedBytes)}{asked}, too small: the rescue kernel and initramfs take {FormatSize(imageBytes)} and need about {FormatSize(HeadroomBytes)} more to boot; {HowToReserve(suggestion)}, in place of the current {Parameter}=");
        }

        if (reservedBytes < RecommendedBytes)
        {
            return ReservationVerdict.Pass(
                $"the crash reservation is {FormatSize(reservedBytes)}, less than the {FormatSize(RecommendedBytes)} the rescue path was measured with; if the rescue kernel runs out of memory, {HowToReserve(FormatSize(RecommendedBytes))}");
        }

        return ReservationVerdict.Pass(null);
    }
}

/// <summary>The outcome of <see cref="CrashKernel.Check"/>: an error that stops arming, or a warning (or nothing) when arming may go on.</summary>
public sealed record ReservationVerdict(bool Ok, string? Error, string? Warning)
{
    public static ReservationVerdict Fail(string error) => new(false, error, null);

    public static ReservationVerdict Pass(string? warning) => new(true, null, warning);
}
