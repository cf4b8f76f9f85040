using Appliance.Core.Boot;
using Appliance.Linux.Storage;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Storage;

public sealed class MountProbeTests : IDisposable
{
    private readonly TempDir _tree = new();

    public void Dispose() => _tree.Dispose();

    private void Mounts(params string[] lines) =>
        _tree.Write("proc/self/mountinfo", string.Join("\n", lines) + "\n");

    private const string Root = "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw";

    [Fact]
    public void Probe_BootOnExt4Partition_IsWritable()
    {
        Mounts(Root, "30 22 8:2 / /boot rw,relatime shared:2 - ext4 /dev/sda2 rw");

        var storage = new MountProbe(_tree.Path).Probe("/boot/grub");

        Assert.Equal(new GrubenvStorage("/boot", "ext4", "/dev/sda2", false, false), storage);
        Assert.Null(GrubenvWritability.Problem(storage!));
    }

    [Fact]
    public void Probe_BootOnBtrfsRoot_RefusedNamingFilesystem()
    {
        Mounts("22 1 0:25 /@ / rw,relatime shared:1 - btrfs /dev/sda2 rw,subvol=/@");

        var problem = GrubenvWritability.Problem(new MountProbe(_tree.Path).Probe("/boot/grub")!);

        Assert.NotNull(problem);
        Assert.Contains("btrfs", problem);
        Assert.Contains("sparse file not allowed", problem);
    }

    [Fact]
    public void Probe_BootOnLvm_RefusedAsDiskfilter()
    {
        Mounts("22 1 254:0 / / rw,relatime shared:1 - xfs /dev/mapper/cl-root rw");
        _tree.Subdirectory("sys/dev/block/254:0/dm");

        var storage = new MountProbe(_tree.Path).Probe("/boot/grub")!;

        Assert.True(storage.IsDeviceMapper);
        Assert.Contains("diskfilter writes are not supported", GrubenvWritability.Problem(storage));
    }

    [Fact]
    public void Probe_BootOnMdRaid_RefusedAsDiskfilter()
    {
        Mounts(Root, "31 22 9:127 / /boot rw - ext4 /dev/md127 rw");
        _tree.Subdirectory("sys/dev/block/9:127/md");

        var storage = new MountProbe(_tree.Path).Probe("/boot/grub")!;

        Assert.True(storage.IsMdRaid);
        Assert.Contains("md RAID", GrubenvWritability.Problem(storage));
    }

    [Fact]
    public void Probe_LongestMountPointWins_NotAPrefixOfAnotherName()
    {
        Mounts(Root, "30 22 8:2 / /bo rw - btrfs /dev/sda2 rw", "31 22 8:3 / /boot rw - vfat /dev/sda3 rw");

        Assert.Equal("vfat", new MountProbe(_tree.Path).Probe("/boot/grub")!.FilesystemType);
    }

    [Fact]
    public void Probe_EscapedMountPoint_IsUnescaped()
    {
        Mounts(Root, "30 22 8:2 / /boot\\040efi rw - vfat /dev/sda2 rw");

        Assert.Equal("/boot efi", new MountProbe(_tree.Path).Probe("/boot efi/grub")!.MountPoint);
    }

    [Fact]
    public void Probe_NoMountinfo_ReturnsNull()
    {
        Assert.Null(new MountProbe(_tree.Path).Probe("/boot/grub"));
    }
}
