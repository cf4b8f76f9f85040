using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Appliance.Core.Kexec;

/// <summary>VMCOREINFO: the kernel's own KEY=VALUE directions to its structures, from the core's notes.</summary>
public static partial class Vmcore
{
    /// <summary>The VMCOREINFO note's key=value lines, or null when the core has none.</summary>
    public static IReadOnlyDictionary<string, string>? VmcoreInfo(IByteSource core, IReadOnlyList<(long Offset, long Size)> notes)
    {
        foreach (var (offset, size) in notes)
        {
            if (size is <= 0 or > (16 << 20))
            {
                continue;
            }

            byte[] data = new byte[size];
            int read = ReadFully(core, offset, data);
            int pos = 0;
            while (pos + 12 <= read)
            {
                int namesz = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos));
                int descsz = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
                if (namesz < 0 || descsz < 0)
                {
                    break;
                }

                int nameStart = pos + 12;
                int descStart = nameStart + Align4(namesz);
                int next = descStart + Align4(descsz);
                if (next > read || next <= pos)
                {
                    break;
                }

                string name = Encoding.ASCII.GetString(data, nameStart, Math.Max(0, namesz - 1));
                if (name == "VMCOREINFO")
                {
                    return ParseInfo(Encoding.ASCII.GetString(data, descStart, descsz));
                }

                pos = next;
            }
        }

        return null;
    }

    public static IReadOnlyDictionary<string, string> ParseInfo(string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int equals = line.IndexOf('=');
            if (equals > 0)
            {
                map[line[..equals]] = line[(equals + 1)..].TrimEnd('\0');
            }
        }

        return map;
    }

    private static bool Hex(IReadOnlyDictionary<string, string> info, string key, out ulong value)
    {
        value = 0;
        return info.TryGetValue(key, out string? text) && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static bool Dec(IReadOnlyDictionary<string, string> info, string key, out ulong value)
    {
        value = 0;
        return info.TryGetValue(key, out string? text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
