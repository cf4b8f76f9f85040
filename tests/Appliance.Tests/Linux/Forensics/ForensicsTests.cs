using Collector = Appliance.Linux.Forensics.Forensics;
using Appliance.Tests.Core.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Forensics;

public sealed class ForensicsTests : IDisposable
{
    private const string BootId = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
    private readonly TempDir _root = new();

    public ForensicsTests() => _root.Write("proc/sys/kernel/random/boot_id", BootId + "\n");

    public void Dispose() => _root.Dispose();

    private string Saved(string source) => Path.Join(_root.Path, $"var/lib/appliance/forensics/{BootId}-{source}.txt");

    [Fact]
    public void Collect_PstorePanicInTwoParts_SavesThemInOrderAndExcerptsThePanic()
    {
        _root.Write("sys/fs/pstore/dmesg-ramoops-1", "Panic#1 Part1\n<4>[   12.345700] Oops: 0002 [#1] PREEMPT SMP NOPTI\n<0>[   12.346000] Kernel panic - not syncing: Fatal exception\n");
        _root.Write("sys/fs/pstore/dmesg-ramoops-2", "Panic#1 Part2\n<1>[   12.345678] BUG: kernel NULL pointer dereference, address: 0000000000000000\n");

        var result = Collector.Collect(_root.Path, 4096);

        Assert.Equal([Saved("pstore")], result.Files);
        string text = File.ReadAllText(Saved("pstore"));
        Assert.True(text.IndexOf("BUG: kernel NULL", StringComparison.Ordinal) < text.IndexOf("Kernel panic", StringComparison.Ordinal), text);
        Assert.StartsWith("pstore: Kernel panic - not syncing: Fatal exception after BUG: kernel NULL pointer dereference", Assert.Single(result.Excerpts));
        Assert.Equal(2, result.PstoreRecords.Count);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Saved("pstore")));
        Assert.DoesNotContain("Part1", text);
        Assert.DoesNotContain("Part2", text);
    }

    [Fact]
    public void Collect_Vmcore_SavesTheRingWindowCappedToTheLimit()
    {
        var core = new SyntheticVmcore { RingBits = 16 };
        for (int k = 0; k < 600; k++)
        {
            core.Records.Add($"boot message {k:D4} with some words to take room");
        }

        core.Records.Add("sysrq: Trigger a crash");
        core.Records.Add("Kernel panic - not syncing: sysrq triggered crash");
        core.Records.Add("CPU: 0 PID: 231 Comm: sh Not tainted 6.1.0-13-amd64 #1");
        Directory.CreateDirectory(_root.File("proc"));
        File.WriteAllBytes(_root.File("proc/vmcore"), core.Build());

        var result = Collector.Collect(_root.Path, 1024);

        Assert.Equal([Saved("vmcore")], result.Files);
        Assert.True(new FileInfo(Saved("vmcore")).Length <= 1025, $"{new FileInfo(Saved("vmcore")).Length}");
        Assert.Contains("Kernel panic - not syncing: sysrq triggered crash", File.ReadAllText(Saved("vmcore")));
        Assert.StartsWith("vmcore: Kernel panic - not syncing: sysrq triggered crash\n", Assert.Single(result.Excerpts));
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void Collect_PstoreAndVmcore_SavesBoth()
    {
        _root.Write("sys/fs/pstore/dmesg-efi-177000000001001", "Oops#1 Part1\n<4>[    9.1] Oops: 0000 [#1] SMP\n");
        var core = new SyntheticVmcore();
        core.Records.Add("Kernel panic - not syncing: Fatal exception");
        Directory.CreateDirectory(_root.File("proc"));
        File.WriteAllBytes(_root.File("proc/vmcore"), core.Build());

        var result = Collector.Collect(_root.Path, 4096);

        Assert.Equal([Saved("pstore"), Saved("vmcore")], result.Files);
        Assert.Equal(2, result.Excerpts.Count);
    }

    [Fact]
    public void Collect_NothingThere_FindsNothingWithoutError()
    {
        var result = Collector.Collect(_root.Path, 4096);

        Assert.False(result.Found);
        Assert.Empty(result.Files);
        Assert.False(Directory.Exists(_root.File("var/lib/appliance/forensics")));
    }

    [Fact]
    public void Collect_CompressedRecord_IsSkippedWithANote()
    {
        _root.Write("sys/fs/pstore/dmesg-efi-1.enc.z", "x\u0001\u0002");

        var result = Collector.Collect(_root.Path, 4096);

        Assert.False(result.Found);
        Assert.Contains(result.Notes, n => n.Contains("could not decompress"));
    }

    [Fact]
    public void Collect_ConsoleRecordOnly_IsUsed()
    {
        _root.Write("sys/fs/pstore/console-ramoops-0", "[    3.0] systemd[1]: Started\n[   12.3] Kernel panic - not syncing: hung_task: blocked tasks\n");

        var result = Collector.Collect(_root.Path, 4096);

        Assert.StartsWith("pstore: Kernel panic - not syncing: hung_task: blocked tasks", Assert.Single(result.Excerpts));
    }

    [Fact]
    public void ReleasePstore_AfterCollect_DeletesTheRecordsRead()
    {
        string record = _root.Write("sys/fs/pstore/dmesg-ramoops-0", "Panic#1 Part1\nKernel panic - not syncing: x\n");
        var result = Collector.Collect(_root.Path, 4096);

        Collector.ReleasePstore(result);

        Assert.False(File.Exists(record));
        Assert.True(File.Exists(Saved("pstore")));
    }

    /// <summary>
    /// Stock Debian 12: systemd-pstore.service moved the EFI records out of /sys/fs/pstore before
    /// the validator ran, into its archive (src/pstore/pstore.c: record id without the last five
    /// digits, then the dump's count), keeping their names and, maybe, the crash's mtime.
    /// </summary>
    [Fact]
    public void Collect_SystemdPstoreMovedThisBootsRecords_ReadsTheArchiveAndLeavesIt()
    {
        _root.Write("proc/stat", $"cpu  1 2 3 4\nbtime {DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()}\nprocesses 9\n");
        Directory.CreateDirectory(Path.Join(_root.Path, "sys/fs/pstore"));
        string part1 = _root.Write("var/lib/systemd/pstore/1796589279/001/dmesg-efi-179658927901001", "Panic#1 Part1\n<0>[   12.000000] Kernel panic - not syncing: sysrq triggered crash\n");
        string part2 = _root.Write("var/lib/systemd/pstore/1796589279/001/dmesg-efi-179658927902001", "Panic#1 Part2\n<6>[   11.900000] sysrq: Trigger a crash\n");
        _root.Write("var/lib/systemd/pstore/1796589279/001/dmesg.txt", "Panic#1 Part2\n...");
        File.SetLastWriteTimeUtc(part1, DateTime.UtcNow.AddDays(-1));

        var result = Collector.Collect(_root.Path, 4096);

        Assert.StartsWith("pstore: Kernel panic - not syncing: sysrq triggered crash", Assert.Single(result.Excerpts));
        Assert.True(File.ReadAllText(Saved("pstore")).IndexOf("Trigger a crash", StringComparison.Ordinal) >= 0);
        Assert.Empty(result.PstoreRecords);
        Collector.ReleasePstore(result);
        Assert.True(File.Exists(part1) && File.Exists(part2), "systemd's archive is not ours to delete");
    }

    [Fact]
    public void Collect_SystemdPstoreArchiveFromEarlierBoots_NothingFound()
    {
        _root.Write("proc/stat", $"btime {DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}\n");
        _root.Write("var/lib/systemd/pstore/1796589279/001/dmesg-efi-179658927901001", "Panic#1 Part1\n<0>[   12.000000] Kernel panic - not syncing: old crash\n");

        var result = Collector.Collect(_root.Path, 4096);

        Assert.Empty(result.Excerpts);
        Assert.Empty(result.Files);
    }
}
