using System.Text;
using Appliance.Core.Collections;
using Appliance.Core.Journal;
using Appliance.Core.Kexec;
using Appliance.Linux.Config;
using Appliance.Linux.Files;
using Appliance.Linux.Kernel;
using Microsoft.Win32.SafeHandles;

namespace Appliance.Linux.Forensics;

/// <summary>
/// What <see cref="Forensics.Collect"/> found: the files it saved, one short excerpt per source
/// for the journal record's <see cref="BootRecord.Forensics"/>, the pstore records it read (to
/// release once the journal holds the excerpt), and notes on what it could not read.
/// </summary>
public sealed record ForensicsResult(IReadOnlyList<string> Files, IReadOnlyList<string> Excerpts, IReadOnlyList<string> PstoreRecords, IReadOnlyList<string> Notes)
{
    public bool Found => Excerpts.Count > 0;
}

/// <summary>
/// Saves the last kernel's crash report on the boot after it: from pstore
/// (<c>/sys/fs/pstore/dmesg-*</c>; mounting pstore is the caller's job, or the copies
/// systemd-pstore moved out of it on this boot, <see cref="SystemdPstoreArchive"/>) and from
/// <c>/proc/vmcore</c> when this is the crash kernel.
/// </summary>
public static class Forensics
{
    public const string Directory = StatePaths.Forensics;

    /// <summary>Longest excerpt put in a journal record: the record is read whole by 'appliance status'.</summary>
    public const int ExcerptChars = 2048;

    /// <summary>Bytes of /proc/vmcore the fallback scan may read when the printk ring cannot be found through VMCOREINFO.</summary>
    public const long DefaultScanBudget = 1L << 30;

    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Collects both sources under <paramref name="root"/> and saves each, at most
    /// <paramref name="limitBytes"/> around the crash, to
    /// <c>&lt;root&gt;/var/lib/appliance/forensics/&lt;boot_id&gt;-{pstore,vmcore}.txt</c>, written
    /// atomically, mode 0600 (a kernel log shows addresses). Nothing found is not an error: the
    /// result is empty, with notes.
    /// </summary>
    public static ForensicsResult Collect(string root, int limitBytes, IFileSteps? steps = null, long scanBudgetBytes = DefaultScanBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, 256);
        var writer = new DurableFile(steps ?? LinuxFileSteps.Instance);
        string bootId = new KernelInfo(root).BootId();
        string directory = RootedPath.Resolve(root, Directory);
        var files = new List<string>();
        var excerpts = new List<string>();
        var notes = new List<string>();

        var (pstoreText, records) = ReadPstore(root, notes);
        if (pstoreText is null && new KernelInfo(root).BootedAt() is { } bootedAt)
        {
            (pstoreText, _) = ReadRecords(SystemdPstoreArchive.RecordsSince(root, bootedAt), notes);
        }

        if (pstoreText is not null && PanicLog.Window(pstoreText, limitBytes) is { } pstoreWindow)
        {
            files.Add(Save(writer, directory, bootId, "pstore", pstoreWindow));
            excerpts.Add(Cap(PanicLog.Excerpt(pstoreWindow, "pstore")));
        }

        string vmcore = Path.Combine(root, "proc/vmcore");
        if (File.Exists(vmcore))
        {
            VmcoreLog? log = ReadVmcore(vmcore, limitBytes, scanBudgetBytes, notes);
            if (log is not null && PanicLog.Window(log.Text, limitBytes) is { } vmcoreWindow)
            {
                if (log.Note is { Length: > 0 } note)
                {
                    notes.Add($"{vmcore}: read by {log.Method}: {note}");
                }

                files.Add(Save(writer, directory, bootId, "vmcore", vmcoreWindow));
                excerpts.Add(Cap(PanicLog.Excerpt(vmcoreWindow, "vmcore")));
            }
            else if (log is null)
            {
                notes.Add($"{vmcore}: no kernel log found in it");
            }
        }

        return new ForensicsResult(files, excerpts, records, notes);
    }

    /// <summary>
    /// Deletes the pstore records <paramref name="result"/> read, which frees the backend (EFI
    /// variables and ramoops have room for a few dumps) and keeps the next boot from reporting
    /// the same crash again. Call it after the journal record holding the excerpt is written.
    /// </summary>
    public static void ReleasePstore(ForensicsResult result)
    {
        foreach (string record in result.PstoreRecords)
        {
            try
            {
                File.Delete(record);
            }
            catch (IOException)
            {
                // A record pstore will not drop stays for the next boot, which reports it again;
                // losing the current report over it would be worse.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }
    }

    /// <summary>
    /// The dmesg records in reading order, joined; console records (ramoops' copy of the last
    /// boot's console) only when there is no dmesg record. Compressed records the kernel could
    /// not decompress (<c>.enc.z</c>) are skipped with a note.
    /// </summary>
    private static (string? Text, IReadOnlyList<string> Records) ReadPstore(string root, List<string> notes)
    {
        string directory = Path.Combine(root, "sys/fs/pstore");
        if (!System.IO.Directory.Exists(directory))
        {
            return (null, []);
        }

        var all = System.IO.Directory.EnumerateFiles(directory).SortedOrdinal();
        foreach (string compressed in all.Filter(f => f.EndsWith(".enc.z", StringComparison.Ordinal)))
        {
            notes.Add($"{compressed}: a compressed pstore record the kernel could not decompress; skipped");
        }

        return ReadRecords(all.Filter(f => !f.EndsWith(".enc.z", StringComparison.Ordinal)), notes);
    }

    private static (string? Text, IReadOnlyList<string> Records) ReadRecords(IReadOnlyList<string> readable, List<string> notes)
    {
        var dmesg = readable.Filter(f => Path.GetFileName(f).StartsWith("dmesg-", StringComparison.Ordinal));
        var chosen = dmesg.Count > 0 ? dmesg : readable.Filter(f => Path.GetFileName(f).StartsWith("console-", StringComparison.Ordinal));
        if (chosen.Count == 0)
        {
            return (null, []);
        }

        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in chosen)
        {
            try
            {
                texts[file] = Ascii(File.ReadAllBytes(file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"{file}: unreadable ({e.Message})");
            }
        }

        var ordered = PstoreHeader.InReadingOrder(texts.Keys, f => texts[f]);
        return (string.Join('\n', ordered.Map(f => WithoutHeader(texts[f]))), ordered);
    }

    /// <summary>The record's text without pstore's "Panic#1 Part1" line, which is not part of the log.</summary>
    private static string WithoutHeader(string text)
    {
        int newline = text.IndexOf('\n');
        string first = newline < 0 ? text : text[..newline];
        return PstoreHeader.Parse(first) is null ? text : text[(newline < 0 ? text.Length : newline + 1)..];
    }

    private static VmcoreLog? ReadVmcore(string path, int limitBytes, long scanBudget, List<string> notes)
    {
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            return Vmcore.ReadLog(new FileByteSource(handle), limitBytes, scanBudget);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Add($"{path}: unreadable ({e.Message})");
            return null;
        }
    }

    private static string Save(DurableFile writer, string directory, string bootId, string source, string text)
    {
        string safeId = JournalNames.IsValidBootId(bootId) ? bootId : "unknown";
        string path = Path.Combine(directory, $"{safeId}-{source}.txt");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            writer.Replace(path, Encoding.ASCII.GetBytes(text + "\n"), FileMode600);
            return path;
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path);
        }
    }

    /// <summary>Log text as ASCII: other bytes (and NULs) become '?', so the saved size in bytes is the size in characters.</summary>
    private static string Ascii(byte[] bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (byte b in bytes)
        {
            text.Append(b is (byte)'\n' or (byte)'\t' or >= 0x20 and < 0x7f ? (char)b : '?');
        }

        return text.ToString();
    }

    private static string Cap(string excerpt) => excerpt.Length <= ExcerptChars ? excerpt : excerpt[..ExcerptChars];

    private sealed class FileByteSource(SafeFileHandle handle) : IByteSource
    {
        public long Length { get; } = RandomAccess.GetLength(handle);

        public int Read(long offset, Span<byte> buffer) => RandomAccess.Read(handle, buffer, offset);
    }
}
