using Appliance.Core.Grubenv;
using Appliance.Linux.Config;
using Appliance.Linux.Files;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Config;

/// <summary>Symlinks in a tree given with --root resolve inside it, as they would on the system that owns it.</summary>
public sealed class RootedPathTests : IDisposable
{
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private void Link(string relative, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_root.File(relative))!);
        File.CreateSymbolicLink(_root.File(relative), target);
    }

    [Fact]
    public void Resolve_AbsoluteLinkInsideRoot_StartsAgainAtTheRootNotTheHost()
    {
        _root.Write("boot/efi/EFI/fedora/grubenv", "x");
        Link("boot/grub2/grubenv", "/boot/efi/EFI/fedora/grubenv");

        Assert.Equal(_root.File("boot/efi/EFI/fedora/grubenv"), RootedPath.Resolve(_root.Path, "/boot/grub2/grubenv"));
    }

    [Fact]
    public void Resolve_DotDotAndRelativeLinks_StopAtTheRoot()
    {
        _root.Write("boot/vmlinuz-6.1.0-55-amd64", "k");
        Link("vmlinuz", "../../../../boot/vmlinuz-6.1.0-55-amd64");
        Link("etc/alternatives/kernel", "../../vmlinuz");

        Assert.Equal(_root.File("boot/vmlinuz-6.1.0-55-amd64"), RootedPath.Resolve(_root.Path, "/etc/alternatives/kernel"));
        Assert.Equal(_root.File("etc"), RootedPath.Resolve(_root.Path, "/../../etc"));
    }

    [Fact]
    public void Resolve_AbsoluteLinkToDirectoryThenMissingTail_KeepsTheTailUnderTheTarget()
    {
        _root.Subdirectory("data/appliance");
        Link("var/lib/appliance", "/data/appliance");

        Assert.Equal(_root.File("data/appliance/boots/new"), RootedPath.Resolve(_root.Path, "/var/lib/appliance/boots/new"));
    }

    [Fact]
    public void Resolve_LinkLoop_CorruptNamingTheLoop()
    {
        Link("a", "/b");
        Link("b", "/a");

        var e = Assert.Throws<FileProblemException>(() => RootedPath.Resolve(_root.Path, "/a/grubenv"));

        Assert.Equal(FileProblemKind.Corrupt, e.Kind);
        Assert.Contains("symbolic links", e.Message);
    }

    [Fact]
    public void Resolve_SystemRoot_LeavesLinksToTheKernel()
    {
        Assert.Equal("/boot/grub/grubenv", RootedPath.Resolve("/", "/boot/grub/grubenv"));
    }

    [Fact]
    public void EnvSet_ImageGrubenvIsAbsoluteLinkIntoItsEsp_WritesTheImagesFileNotTheHosts()
    {
        // Fedora's layout with an absolute link, in an image mounted on a build host.
        string esp = _root.NewGrubEnv("boot/efi/EFI/appliance-rooted-test/grubenv");
        Link("boot/grub2/grubenv", "/boot/efi/EFI/appliance-rooted-test/grubenv");
        Assert.False(File.Exists("/boot/efi/EFI/appliance-rooted-test/grubenv"));

        var result = InProcessCli.Run("--root", _root.Path, "env", "set", "saved_entry=trial");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("trial", GrubEnvBlock.Parse(File.ReadAllBytes(esp)).Get("saved_entry"));
        Assert.NotNull(new FileInfo(_root.File("boot/grub2/grubenv")).LinkTarget);
        Assert.False(File.Exists("/boot/efi/EFI/appliance-rooted-test/grubenv"));
    }
}
