using System.Globalization;
using System.Text.RegularExpressions;

namespace Appliance.Vm;

/// <summary>What the host sees in the disk's grubenv, through two independent readers.</summary>
/// <param name="Appliance">Variables as listed by the project's `appliance env list --file`.</param>
/// <param name="GrubEditenv">Variables as listed by GRUB's own `grub-editenv list`.</param>
public sealed record GrubEnvSnapshot(IReadOnlyDictionary<string, string> Appliance, IReadOnlyDictionary<string, string> GrubEditenv)
{
    public bool Agree =>
        Appliance.Count == GrubEditenv.Count
        && Appliance.All(kv => GrubEditenv.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The value both readers agree on; empty when unset. Throws when they disagree.</summary>
    public string Get(string name)
    {
        if (!Agree)
        {
            throw new BoardException($"appliance and grub-editenv disagree about grubenv: {this}");
        }

        return GrubEditenv.TryGetValue(name, out var v) ? v : string.Empty;
    }

    public override string ToString() =>
        $"appliance[{Format(Appliance)}] grub-editenv[{Format(GrubEditenv)}]";

    private static string Format(IReadOnlyDictionary<string, string> vars) =>
        string.Join(' ', vars.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}

/// <summary>
/// Reads and writes /boot/grub/grubenv inside the board's ext4 partition from
/// the host while QEMU is stopped, without root or loop devices: debugfs opens
/// the raw image at the partition offset ("image?offset=N", e2fsprogs unix_io).
/// Writes patch the file's one data block in place, as GRUB's save_env does
/// (grub-core/commands/loadenv.c writes through the file's blocklist), so the
/// inode and its block never change.
/// </summary>
public sealed class DiskGrubEnv
{
    private readonly string _disk;
    private readonly long _partitionOffset;
    private readonly string _envFile;
    private readonly string _appliance;
    private readonly Action _ensureStopped;

    public DiskGrubEnv(string disk, long partitionOffset, string envFile, string appliance, Action ensureStopped)
    {
        _disk = disk;
        _partitionOffset = partitionOffset;
        _envFile = envFile;
        _appliance = appliance;
        _ensureStopped = ensureStopped;
    }

    private string FsSpec => string.Create(CultureInfo.InvariantCulture, $"{_disk}?offset={_partitionOffset}");

    public GrubEnvSnapshot Read()
    {
        var file = Dump();
        try
        {
            var appliance = Parse(ToolRunner.RunChecked(_appliance, "env", "list", "--file", file));
            var grub = Parse(ToolRunner.RunChecked("grub-editenv", file, "list"));
            return new GrubEnvSnapshot(appliance, grub);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Sets (value non-null) or unsets (value null) variables with grub-editenv, the reference writer.</summary>
    public void Stage(IReadOnlyDictionary<string, string?> changes)
    {
        var file = Dump();
        try
        {
            var sets = changes.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value}").ToArray();
            if (sets.Length > 0)
            {
                ToolRunner.RunChecked("grub-editenv", [file, "set", .. sets]);
            }

            var unsets = changes.Where(kv => kv.Value is null).Select(kv => kv.Key).ToArray();
            if (unsets.Length > 0)
            {
                ToolRunner.RunChecked("grub-editenv", [file, "unset", .. unsets]);
            }

            WriteInPlace(File.ReadAllBytes(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private string Dump()
    {
        _ensureStopped();
        var file = Path.Combine(Path.GetTempPath(), $"grubenv-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var r = ToolRunner.Run("debugfs", "-R", $"dump {_envFile} {file}", FsSpec);
        if (r.ExitCode != 0 || !File.Exists(file))
        {
            throw new BoardException($"debugfs could not dump {_envFile} from {FsSpec}: {r.StdErr.Trim()}");
        }

        return file;
    }

    private void WriteInPlace(byte[] content)
    {
        _ensureStopped();
        var stats = ToolRunner.Run("debugfs", "-R", "stats", FsSpec).StdOut;
        var blockSize = long.Parse(Match(stats, @"^Block size:\s+(\d+)", "block size"), CultureInfo.InvariantCulture);
        var stat = ToolRunner.Run("debugfs", "-R", $"stat {_envFile}", FsSpec).StdOut;
        var size = long.Parse(Match(stat, @"Size:\s+(\d+)", "size"), CultureInfo.InvariantCulture);
        if (size != content.Length || content.Length > blockSize)
        {
            throw new BoardException(
                $"{_envFile} is {size} bytes (block {blockSize}); refusing to write {content.Length} bytes in place");
        }

        var bmap = ToolRunner.Run("debugfs", "-R", $"bmap {_envFile} 0", FsSpec).StdOut;
        var block = long.Parse(Match(bmap, @"^(\d+)\s*$", "block"), CultureInfo.InvariantCulture);
        if (block == 0)
        {
            throw new BoardException($"{_envFile} has no data block (sparse?)");
        }

        using var disk = new FileStream(_disk, FileMode.Open, FileAccess.Write);
        disk.Seek(_partitionOffset + (block * blockSize), SeekOrigin.Begin);
        disk.Write(content);
        disk.Flush(flushToDisk: true);
    }

    private static string Match(string text, string pattern, string what)
    {
        var m = Regex.Match(text, pattern, RegexOptions.Multiline);
        return m.Success ? m.Groups[1].Value : throw new BoardException($"debugfs output has no {what}: {text}");
    }

    private static Dictionary<string, string> Parse(string listing)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in listing.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                vars[line[..eq]] = line[(eq + 1)..].TrimEnd('\r');
            }
        }

        return vars;
    }
}
