using Appliance.Core.Collections;
using Appliance.Linux.Native;

namespace Appliance.Linux.Forensics;

/// <summary>
/// The records systemd-pstore moved out of /sys/fs/pstore on this boot. systemd-pstore.service
/// runs before sysinit.target and, with its defaults (pstore.conf: Storage=external, Unlink=yes;
/// enabled on Debian 12), copies every record to /var/lib/systemd/pstore and deletes it from
/// pstore, so by the time the validator runs a stock systemd machine's pstore is empty. The
/// copies keep their names (dmesg-efi-ID, dmesg-erst-ID: src/pstore/pstore.c move_file) one or
/// two directories down; a copy made since this boot began is the crash before it. A copy may
/// carry the record's own mtime (the crash's time), so "made" is the inode's change time.
/// They are systemd's archive: read, never deleted.
/// </summary>
public static class SystemdPstoreArchive
{
    public const string Directory = "var/lib/systemd/pstore";

    /// <summary>The archive's dmesg records copied there at or after <paramref name="bootedAt"/>, in name order; empty when there is no archive.</summary>
    public static IReadOnlyList<string> RecordsSince(string root, DateTimeOffset bootedAt)
    {
        string directory = Path.Combine(root, Directory);
        if (!System.IO.Directory.Exists(directory))
        {
            return [];
        }

        var found = new List<string>();
        // Two levels of subdirectories at most (EFI: record id, then the dump's count), so the
        // walk stays small however many years of crashes the archive holds.
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (string file in System.IO.Directory.EnumerateFiles(directory, "dmesg-*", options))
        {
            if (!file.EndsWith(".enc.z", StringComparison.Ordinal)
                && FileStatus.Of(file, followSymlinks: false) is { IsRegularFile: true } status
                && status.Changed >= bootedAt)
            {
                found.Add(file);
            }
        }

        return found.SortedOrdinal();
    }
}
