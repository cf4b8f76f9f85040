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
/// the host while QEMU is stopped, without root or loop devices (see
/// <see cref="DiskFiles"/>). Writes patch the file's one data block in place,
/// as GRUB's save_env does (grub-core/commands/loadenv.c writes through the
/// file's blocklist), so the inode and its block never change.
/// </summary>
public sealed class DiskGrubEnv
{
    private readonly DiskFiles _files;
    private readonly long _partitionOffset;
    private readonly string _envFile;
    private readonly string _appliance;
    private readonly string _guestDevice;
    private string? _espImage;
    private string? _espDir;

    /// <param name="guestDevice">The partition as the guest names it (/dev/vdaN), for the staging tree's mountinfo.</param>
    public DiskGrubEnv(DiskFiles files, long partitionOffset, string envFile, string appliance, string guestDevice)
    {
        _files = files;
        _partitionOffset = partitionOffset;
        _envFile = envFile;
        _appliance = appliance;
        _guestDevice = guestDevice;
    }

    /// <summary>
    /// How the guest sees the partition (tools/vm/init.sh): ext4 on a virtio
    /// disk (major 254 here; the partition number is the minor), so `appliance
    /// upgrade stage` on the host tree probes the same storage as it would on the board.
    /// </summary>
    private string GuestMountInfo =>
        $"22 1 254:{_guestDevice[^1]} / / rw,relatime - ext4 {_guestDevice} rw\n";

    private string GrubCfg => Path.GetDirectoryName(_envFile)!.Replace('\\', '/') + "/grub.cfg";

    /// <summary>
    /// From now on grubenv and grub.cfg are read and written in <paramref name="espDir"/> on the
    /// EFI system partition at <paramref name="espOffset"/> (Fedora's layout, where /boot/grub's
    /// files are links into the ESP), through mtools; the ext4 side only holds the links.
    /// </summary>
    public void UseEsp(long espOffset, string espDir)
    {
        _espImage = string.Create(CultureInfo.InvariantCulture, $"{_files.DiskPath}@@{espOffset}");
        _espDir = espDir;
    }

    /// <summary>The EFI system partition as mtools opens it ("disk@@offset"), once <see cref="UseEsp"/> was called.</summary>
    public string? EspImage => _espImage;

    /// <summary>
    /// The clusters of grubenv on the ESP as mshowfat lists them ("&lt;5&gt;"), once <see cref="UseEsp"/>
    /// was called: the same list before and after a write means it was written in place.
    /// </summary>
    public string EspClusters()
    {
        var image = _espImage ?? throw new BoardException("grubenv is not on the ESP (UseEsp was not called)");
        var shown = ToolRunner.RunChecked("mshowfat", "-i", image, $"::{_espDir}/grubenv").Trim();
        var start = shown.IndexOf('<', StringComparison.Ordinal);
        return start < 0 ? throw new BoardException($"mshowfat printed no cluster list: {shown}") : shown[start..];
    }

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

    /// <summary>
    /// Stages a trial with the real agent: runs `appliance --root TREE upgrade
    /// stage ENTRY --tries N` on a host tree holding the disk's grub.cfg and
    /// grubenv (the disk's kernels as they are, empty stand-ins for its initrds,
    /// and stand-ins for <paramref name="presentAtStaging"/>), then writes the
    /// grubenv it produced back in place. Returns the first line of the agent's output.
    /// </summary>
    /// <param name="presentAtStaging">Files to pretend exist on /boot while staging (a kernel removed afterwards).</param>
    public string StageTrial(string entry, int tries, params string[] presentAtStaging)
    {
        var r = RunStage(entry, tries, presentAtStaging, out var staged);
        if (r.ExitCode != 0 || staged is null)
        {
            throw new BoardException($"appliance upgrade stage {entry} --tries {tries} exited {r.ExitCode}: {r.StdErr.Trim()} {r.StdOut.Trim()}");
        }

        WriteInPlace(staged);
        return r.StdOut.Trim().Split('\n')[0];
    }

    /// <summary>Runs `appliance upgrade stage` on a host tree like <see cref="StageTrial"/> but writes nothing back: what the agent says.</summary>
    public ToolRunner.Result TryStageTrial(string entry, int tries) => RunStage(entry, tries, [], out _);

    private ToolRunner.Result RunStage(string entry, int tries, string[] presentAtStaging, out byte[]? staged)
    {
        staged = null;
        var tree = Directory.CreateTempSubdirectory("appliance-stage-").FullName;
        try
        {
            string Local(string path) => Path.Combine(tree, path.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(Local(_envFile))!);
            DumpBootFile(_envFile, Local(_envFile));
            DumpBootFile(GrubCfg, Local(GrubCfg));
            Directory.CreateDirectory(Local("/proc/self"));
            File.WriteAllText(Local("/proc/self/mountinfo"), GuestMountInfo);

            using var entries = System.Text.Json.JsonDocument.Parse(
                ToolRunner.RunChecked(_appliance, "entries", "--json", "--config", Local(GrubCfg)));
            var entryList = entries.RootElement.GetProperty("entries").EnumerateArray().ToArray();
            var kernels = entryList.Select(e => e.GetProperty("kernel").GetString()).OfType<string>()
                .ToHashSet(StringComparer.Ordinal);
            var initrds = entryList.SelectMany(e => e.GetProperty("initrd").EnumerateArray().Select(i => i.GetString()))
                .OfType<string>().Where(i => !kernels.Contains(i)).Distinct(StringComparer.Ordinal);
            foreach (var kernel in kernels)
            {
                // Stage reads the trial kernel's header and refuses one that cannot boot, so a
                // kernel on the disk is copied as it is; one only pretended present gets the
                // x86 setup header magic ("HdrS" at 0x202, Documentation/arch/x86/boot.rst).
                if (_files.Exists(kernel))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Local(kernel))!);
                    _files.DumpTo(kernel, Local(kernel));
                }
                else if (presentAtStaging.Contains(kernel, StringComparer.Ordinal))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Local(kernel))!);
                    var standIn = new byte[0x400];
                    "HdrS"u8.CopyTo(standIn.AsSpan(0x202));
                    File.WriteAllBytes(Local(kernel), standIn);
                }
            }

            foreach (var initrd in initrds)
            {
                if (_files.Exists(initrd) || presentAtStaging.Contains(initrd, StringComparer.Ordinal))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Local(initrd))!);
                    File.WriteAllText(Local(initrd), string.Empty);
                }
            }

            var r = ToolRunner.Run(_appliance, "--root", tree, "upgrade", "stage", entry,
                "--tries", tries.ToString(CultureInfo.InvariantCulture));
            if (r.ExitCode == 0)
            {
                staged = File.ReadAllBytes(Local(_envFile));
            }

            return r;
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    private string Dump()
    {
        var file = Path.Combine(Path.GetTempPath(), $"grubenv-{Environment.ProcessId}-{Guid.NewGuid():N}");
        DumpBootFile(_envFile, file);
        return file;
    }

    /// <summary>grubenv or grub.cfg (by their /boot/grub path) to a host file, from ext4 or, after <see cref="UseEsp"/>, the ESP.</summary>
    private void DumpBootFile(string path, string hostFile)
    {
        if (_espImage is null)
        {
            _files.DumpTo(path, hostFile);
            return;
        }

        _files.EnsureStopped();
        ToolRunner.RunChecked("mcopy", "-n", "-i", _espImage, $"::{_espDir}/{Path.GetFileName(path)}", hostFile);
    }

    private void WriteInPlace(byte[] content)
    {
        _files.EnsureStopped();
        if (_espImage is not null)
        {
            WriteOnEsp(content);
            return;
        }

        var fs = _files.FsSpec;
        var stats = ToolRunner.Run("debugfs", "-R", "stats", fs).StdOut;
        var blockSize = long.Parse(Match(stats, @"^Block size:\s+(\d+)", "block size"), CultureInfo.InvariantCulture);
        var stat = ToolRunner.Run("debugfs", "-R", $"stat {_envFile}", fs).StdOut;
        var size = long.Parse(Match(stat, @"Size:\s+(\d+)", "size"), CultureInfo.InvariantCulture);
        if (size != content.Length || content.Length > blockSize)
        {
            throw new BoardException(
                $"{_envFile} is {size} bytes (block {blockSize}); refusing to write {content.Length} bytes in place");
        }

        var bmap = ToolRunner.Run("debugfs", "-R", $"bmap {_envFile} 0", fs).StdOut;
        var block = long.Parse(Match(bmap, @"^(\d+)\s*$", "block"), CultureInfo.InvariantCulture);
        if (block == 0)
        {
            throw new BoardException($"{_envFile} has no data block (sparse?)");
        }

        using var disk = new FileStream(_files.DiskPath, FileMode.Open, FileAccess.Write);
        disk.Seek(_partitionOffset + (block * blockSize), SeekOrigin.Begin);
        disk.Write(content);
        disk.Flush(flushToDisk: true);
    }
    /// <summary>
    /// Overwrites the ESP's grubenv with mtools (mcopy -o keeps the name; the 1024 bytes fit one
    /// cluster, so the file stays contiguous, which GRUB's save_env needs: it writes through the
    /// file's blocklist).
    /// </summary>
    private void WriteOnEsp(byte[] content)
    {
        if (content.Length != 1024)
        {
            throw new BoardException($"refusing to write {content.Length} bytes as grubenv on the ESP (GRUB's env block is 1024)");
        }

        var local = Path.Combine(Path.GetTempPath(), $"grubenv-esp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(local, content);
            ToolRunner.RunChecked("mcopy", "-o", "-i", _espImage!, local, $"::{_espDir}/grubenv");
        }
        finally
        {
            File.Delete(local);
        }
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
