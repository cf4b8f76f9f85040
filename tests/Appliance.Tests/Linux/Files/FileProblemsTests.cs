using Appliance.Linux.Files;
using Appliance.Linux.Native;

namespace Appliance.Tests.Linux.Files;

public sealed class FileProblemsTests
{
    [Theory]
    [InlineData(Errno.EROFS, FileProblemKind.ReadOnlyFilesystem, "/b/grubenv: the filesystem is read-only; remount it read-write")]
    [InlineData(Errno.EACCES, FileProblemKind.PermissionDenied, "/b/grubenv: open: permission denied; run as root")]
    [InlineData(Errno.EPERM, FileProblemKind.PermissionDenied, "/b/grubenv: open: permission denied; run as root")]
    public void From_SystemError_KindByErrnoNamingTheFileTheCallFailedOn(int errno, FileProblemKind kind, string message)
    {
        var p = FileProblems.From(new SystemError("open", "/b/grubenv", errno), "/elsewhere");

        Assert.Equal(kind, p.Kind);
        Assert.Equal("/b/grubenv", p.Path);
        Assert.StartsWith(message, p.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Errno.ENOENT, FileProblemKind.Missing, "/boot/grub/grubenv: open: no such file or directory")]
    [InlineData(Errno.EINVAL, FileProblemKind.IoError, "/boot/grub/grubenv: /b/grubenv.tmp: open failed")]
    public void From_OtherSystemError_NamesTheCallersFile(int errno, FileProblemKind kind, string message)
    {
        var p = FileProblems.From(new SystemError("open", "/b/grubenv.tmp", errno), "/boot/grub/grubenv");

        Assert.Equal(kind, p.Kind);
        Assert.StartsWith(message, p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_UnauthorizedAccess_PermissionDeniedWithTheCallersAdvice()
    {
        var p = FileProblems.From(new UnauthorizedAccessException("Access to the path is denied."), "/m/x.prom", "run as node_exporter's textfile owner");

        Assert.Equal(FileProblemKind.PermissionDenied, p.Kind);
        Assert.Equal("/m/x.prom: permission denied (Access to the path is denied.); run as node_exporter's textfile owner", p.Message);
    }

    [Fact]
    public void From_IOExceptionSayingReadOnly_IsReadOnly()
    {
        Assert.Equal(FileProblemKind.ReadOnlyFilesystem, FileProblems.From(new IOException("Read-only file system : '/x'"), "/x").Kind);
    }

    [Fact]
    public void From_OtherIOException_IoErrorWithWhatWasBeingDone()
    {
        var p = FileProblems.From(new IOException("Input/output error"), "/proc/sys/kernel/panic", what: "cannot set panic to 1");

        Assert.Equal(FileProblemKind.IoError, p.Kind);
        Assert.Equal("/proc/sys/kernel/panic: cannot set panic to 1: Input/output error", p.Message);
    }

    [Fact]
    public void From_FileProblem_PassesThroughUnchanged()
    {
        var original = new FileProblemException(FileProblemKind.Corrupt, "/g", "bad");

        Assert.Same(original, FileProblems.From(original, "/other"));
    }
}
