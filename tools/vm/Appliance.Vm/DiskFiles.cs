using System.Globalization;

namespace Appliance.Vm;

/// <summary>
/// Files on the board's ext4 partition, read and written from the host while
/// QEMU is stopped, without root or loop devices: debugfs opens the raw image
/// at the partition offset ("image?offset=N", e2fsprogs unix_io). debugfs does
/// not replay the ext4 journal, so after a power cut it sees what GRUB sees.
/// </summary>
public sealed class DiskFiles
{
    private readonly string _disk;
    private readonly long _partitionOffset;
    private readonly Action _ensureStopped;

    public DiskFiles(string disk, long partitionOffset, Action ensureStopped)
    {
        _disk = disk;
        _partitionOffset = partitionOffset;
        _ensureStopped = ensureStopped;
    }

    public string DiskPath => _disk;

    /// <summary>The partition as debugfs and e2fsck open it.</summary>
    public string FsSpec => string.Create(CultureInfo.InvariantCulture, $"{_disk}?offset={_partitionOffset}");

    public void EnsureStopped() => _ensureStopped();

    /// <summary>Copies <paramref name="path"/> (absolute, on the partition) to a host file; throws when it is missing.</summary>
    public void DumpTo(string path, string hostFile)
    {
        _ensureStopped();
        var r = ToolRunner.Run("debugfs", "-R", $"dump {path} {hostFile}", FsSpec);
        if (r.ExitCode != 0 || !File.Exists(hostFile) || r.StdErr.Contains("not found", StringComparison.Ordinal))
        {
            File.Delete(hostFile);
            throw new BoardException($"debugfs could not dump {path} from {FsSpec}: {r.StdErr.Trim()}");
        }
    }

    public bool Exists(string path)
    {
        _ensureStopped();
        var r = ToolRunner.Run("debugfs", "-R", $"stat {path}", FsSpec);
        return r.ExitCode == 0 && !r.StdErr.Contains("not found", StringComparison.Ordinal);
    }

    /// <summary>Creates or replaces a small root-owned file (a new inode; debugfs -w "rm" then "write").</summary>
    public void Write(string path, string content)
    {
        _ensureStopped();
        var local = Path.Combine(Path.GetTempPath(), $"diskfile-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var commands = local + ".cmds";
        try
        {
            File.WriteAllText(local, content);
            File.WriteAllText(commands, $"rm {path}\nwrite {local} {path}\n");
            ToolRunner.RunChecked("debugfs", "-w", "-f", commands, FsSpec);
            if (!Exists(path))
            {
                throw new BoardException($"debugfs did not create {path} on {FsSpec}");
            }
        }
        finally
        {
            File.Delete(local);
            File.Delete(commands);
        }
    }

    /// <summary>Creates or replaces <paramref name="path"/> with a copy of the host file <paramref name="hostFile"/> (debugfs -w "rm" then "write").</summary>
    public void Put(string path, string hostFile)
    {
        _ensureStopped();
        var commands = Path.Combine(Path.GetTempPath(), $"diskfile-{Environment.ProcessId}-{Guid.NewGuid():N}.cmds");
        try
        {
            File.WriteAllText(commands, $"rm {path}\nwrite {hostFile} {path}\n");
            ToolRunner.RunChecked("debugfs", "-w", "-f", commands, FsSpec);
            if (!Exists(path))
            {
                throw new BoardException($"debugfs did not create {path} on {FsSpec}");
            }
        }
        finally
        {
            File.Delete(commands);
        }
    }

    /// <summary>e2fsck -fn (read-only) of the partition: null when clean, else its report.</summary>
    public string? FsckProblems()
    {
        _ensureStopped();
        var r = ToolRunner.Run("e2fsck", "-fn", FsSpec);
        return r.ExitCode == 0 ? null : $"e2fsck -fn exited {r.ExitCode}: {r.StdOut.Trim()} {r.StdErr.Trim()}";
    }
}
