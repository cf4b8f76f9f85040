using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Serialization;

namespace Appliance.Core.Firmware;

/// <summary>
/// The firmware's own boot choice, as <c>status</c> shows it on a UEFI machine: the boot option
/// that started this boot, the one-shot for the next, and the order. Appliance only reads these;
/// it never writes them (GRUB's grubenv is its one lever, and a stale BootNext it wrote could
/// point the next boot away from the disk it manages).
/// </summary>
public sealed record FirmwareBootReport
{
    /// <summary>BootCurrent as efibootmgr prints it (four upper-case hex digits of Boot####); null when the variable is absent.</summary>
    [JsonPropertyName("boot_current")]
    public string? BootCurrent { get; init; }

    /// <summary>BootNext: the option the firmware boots once, next; null when none is set (the usual case).</summary>
    [JsonPropertyName("boot_next")]
    public string? BootNext { get; init; }

    /// <summary>BootOrder, first tried first; empty when the variable is absent or empty.</summary>
    [JsonPropertyName("boot_order")]
    public IReadOnlyList<string> BootOrder { get; init; } = [];

    /// <summary>Variables present but unreadable or malformed, one sentence each.</summary>
    [JsonPropertyName("problems")]
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>One efivarfs file's value read as UINT16s, or why it could not be.</summary>
public sealed record EfiUInt16Values(IReadOnlyList<ushort> Values, string? Problem);

/// <summary>
/// Parsing of the EFI global boot variables as efivarfs presents them. A read of an efivarfs file
/// returns the variable's 32-bit attributes (host order, little-endian on x86 and arm64) and then
/// its data (fs/efivarfs/file.c efivarfs_file_read). BootNext and BootCurrent are one UINT16 and
/// BootOrder an array of UINT16 (UEFI 2.10 specification, 3.3 "Globally Defined Variables"),
/// little-endian as all UEFI data.
/// </summary>
public static class EfiBootVariables
{
    /// <summary>EFI_GLOBAL_VARIABLE (include/linux/efi.h EFI_GLOBAL_VARIABLE_GUID; efibootmgr's EFI_GLOBAL_GUID).</summary>
    public const string GlobalVariableGuid = "8be4df61-93ca-11d2-aa0d-00e098032b8c";

    public const string BootCurrent = "BootCurrent";
    public const string BootNext = "BootNext";
    public const string BootOrder = "BootOrder";

    /// <summary>The u32 attributes efivarfs puts before the data.</summary>
    public const int AttributesLength = 4;

    /// <summary>The efivarfs file name of a global variable: NAME-GUID.</summary>
    public static string FileName(string name) => name + "-" + GlobalVariableGuid;

    /// <summary>The data of an efivarfs file as UINT16s; a file shorter than its attributes or with an odd data length is a problem, not a guess.</summary>
    public static EfiUInt16Values ParseUInt16s(string name, ReadOnlySpan<byte> file)
    {
        if (file.Length < AttributesLength)
        {
            return new([], $"{name} is truncated: {file.Length} bytes, fewer than the {AttributesLength} attribute bytes efivarfs puts first");
        }

        var data = file[AttributesLength..];
        if (data.Length % 2 != 0)
        {
            return new([], $"{name} holds {data.Length} bytes of data, not a whole number of UINT16 values");
        }

        var values = new ushort[data.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(i * 2, 2));
        }

        return new(values, null);
    }

    /// <summary>Boot#### as efibootmgr names it: four upper-case hex digits.</summary>
    public static string OptionName(ushort option) => option.ToString("X4", CultureInfo.InvariantCulture);

    /// <summary>
    /// The report from the three files' contents (null: the variable does not exist) and the
    /// problems met reading them. BootNext and BootCurrent must hold exactly one value.
    /// </summary>
    public static FirmwareBootReport Report(byte[]? bootCurrent, byte[]? bootNext, byte[]? bootOrder, IReadOnlyList<string> readProblems)
    {
        var problems = new List<string>(readProblems);
        string? current = Single(BootCurrent, bootCurrent, problems);
        string? next = Single(BootNext, bootNext, problems);
        var order = new List<string>();
        if (bootOrder is not null)
        {
            var parsed = ParseUInt16s(BootOrder, bootOrder);
            if (parsed.Problem is { } problem)
            {
                problems.Add(problem);
            }

            foreach (ushort option in parsed.Values)
            {
                order.Add(OptionName(option));
            }
        }

        return new FirmwareBootReport { BootCurrent = current, BootNext = next, BootOrder = order, Problems = problems };
    }

    private static string? Single(string name, byte[]? file, List<string> problems)
    {
        if (file is null)
        {
            return null;
        }

        var parsed = ParseUInt16s(name, file);
        if (parsed.Problem is { } problem)
        {
            problems.Add(problem);
            return null;
        }

        if (parsed.Values.Count != 1)
        {
            problems.Add($"{name} holds {parsed.Values.Count} values; it is one UINT16");
            return null;
        }

        return OptionName(parsed.Values[0]);
    }
}
