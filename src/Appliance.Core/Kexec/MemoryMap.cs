using System.Globalization;
using Appliance.Core.Collections;

namespace Appliance.Core.Kexec;

/// <summary>One entry of <c>/sys/firmware/memmap/N/</c>: first and last byte (inclusive, as sysfs shows them) and the type string.</summary>
public sealed record MemoryRange(ulong Start, ulong End, string Type)
{
    public ulong Size => End - Start + 1;
}

/// <summary>
/// The firmware memory map, turned into the <c>memmap=</c> arguments a kernel needs when it is
/// started by a soft kexec from the crash kernel. kexec_file_load hands the next kernel the
/// caller's own e820 table (arch/x86/kernel/kexec-bzimage64.c setup_e820_entries), and a crash
/// kernel's table holds only its reservation as RAM, so without these the known-good kernel
/// comes up with 200 MiB instead of all memory (measured, shared/notes/rollback-timings.md).
/// <c>memmap=exactmap</c> drops the table the kernel was handed; each following
/// <c>memmap=size@start</c> adds RAM, <c>size#start</c> ACPI data and <c>size$start</c> reserved
/// space (arch/x86/kernel/e820.c parse_memmap_one).
/// </summary>
public static class MemoryMap
{
    /// <summary>Word on the crash kernel's command line carrying the ranges to the rescue, so it needs no file from the trial boot. The dot makes init/main.c treat it as a module parameter and keep it out of init's environment.</summary>
    public const string RescueParameter = "appliance.memmap";

    public const string ExactMap = "memmap=exactmap";

    /// <summary>
    /// The e820 type strings sysfs shows (arch/x86/kernel/e820.c e820_type_to_string) to the
    /// memmap= separator: RAM '@', ACPI tables '#', legacy persistent memory '!', and everything
    /// else, NVS included, '$' so the kernel keeps its hands off it.
    /// </summary>
    public static char SeparatorFor(string type) => type switch
    {
        "System RAM" => '@',
        "ACPI Tables" => '#',
        "Persistent Memory (legacy)" => '!',
        _ => '$',
    };

    /// <summary>The values for <c>memmap=</c>, one per range, in address order: <c>0x9fc00@0x0</c>.</summary>
    public static IReadOnlyList<string> ToValues(IEnumerable<MemoryRange> ranges) =>
        ranges
            .Filter(r => r.End >= r.Start)
            .SortedBy(r => r.Start)
            .Map(r => $"0x{r.Size.ToString("x", CultureInfo.InvariantCulture)}{SeparatorFor(r.Type)}0x{r.Start.ToString("x", CultureInfo.InvariantCulture)}");

    /// <summary>The command-line words for a kernel that must see exactly <paramref name="values"/>: <c>memmap=exactmap</c>, then one <c>memmap=</c> per range (one per word, which every kernel accepts; the comma form needs 4.13).</summary>
    public static IReadOnlyList<string> ExactMapWords(IReadOnlyList<string> values) =>
        values.Count == 0 ? [] : [ExactMap, .. values.Map(v => "memmap=" + v)];

    /// <summary>The <see cref="RescueParameter"/> word, or null when there is nothing to carry.</summary>
    public static string? RescueWord(IReadOnlyList<string> values) =>
        values.Count == 0 ? null : $"{RescueParameter}={string.Join(',', values)}";

    /// <summary>The values carried by a <see cref="RescueParameter"/> word on <paramref name="commandLine"/>; empty when absent or when any value is malformed (a half map is worse than none).</summary>
    public static IReadOnlyList<string> FromCommandLine(string commandLine)
    {
        string? word = KernelCommandLine.Split(commandLine).FindLast(w => KernelCommandLine.NameOf(w) == RescueParameter);
        if (KernelCommandLine.ValueOf(word ?? "") is not { Length: > 0 } value)
        {
            return [];
        }

        var values = value.Split(',');
        return Array.TrueForAll(values, IsValue) ? values : [];
    }

    /// <summary>True for <c>0xSIZE{@#$!}0xSTART</c>, the only shape <see cref="ToValues"/> writes.</summary>
    public static bool IsValue(string value)
    {
        int separator = value.IndexOfAny(['@', '#', '$', '!']);
        return separator > 0 && IsHex(value[..separator]) && IsHex(value[(separator + 1)..]);
    }

    private static bool IsHex(string text) =>
        text.Length is > 2 and <= 18 && text.StartsWith("0x", StringComparison.Ordinal) && text[2..].TrueForAll(char.IsAsciiHexDigitLower);

    /// <summary>Bytes of RAM in <paramref name="ranges"/>: what memblock_phys_mem_size() counts, for matching crashkernel= ranges.</summary>
    public static long RamBytes(IEnumerable<MemoryRange> ranges)
    {
        ulong sum = 0;
        foreach (MemoryRange r in ranges)
        {
            if (r.Type == "System RAM")
            {
                sum += r.Size;
            }
        }

        return (long)sum;
    }
}
