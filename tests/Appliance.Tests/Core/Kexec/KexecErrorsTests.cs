using Appliance.Core.Kexec;

namespace Appliance.Tests.Core.Kexec;

public sealed class KexecErrorsTests
{
    private static readonly KexecPolicy Open = new("none", false, IsRoot: true);

    private static KexecProblem Explain(int errno, KexecOperation operation = KexecOperation.LoadCrash, KexecPolicy? policy = null) =>
        KexecErrors.Explain(errno, operation, "/boot/vmlinuz", policy ?? Open, e => $"strerror {e}");

    [Theory]
    [InlineData(Errno.EADDRNOTAVAIL, KexecProblemKind.Reservation)]
    [InlineData(Errno.ENOMEM, KexecProblemKind.Reservation)]
    [InlineData(Errno.EPERM, KexecProblemKind.Forbidden)]
    [InlineData(Errno.EKEYREJECTED, KexecProblemKind.Forbidden)]
    [InlineData(Errno.ENOKEY, KexecProblemKind.Forbidden)]
    [InlineData(Errno.ENOEXEC, KexecProblemKind.BadImage)]
    [InlineData(Errno.EINVAL, KexecProblemKind.BadImage)]
    [InlineData(Errno.EFBIG, KexecProblemKind.BadImage)]
    [InlineData(Errno.EBUSY, KexecProblemKind.Busy)]
    [InlineData(Errno.ENOSYS, KexecProblemKind.Unsupported)]
    [InlineData(5, KexecProblemKind.Failed)]
    public void Explain_CrashLoad_ClassifiesEachErrno(int errno, KexecProblemKind kind)
    {
        Assert.Equal(kind, Explain(errno).Kind);
    }

    [Fact]
    public void Explain_NoRoomForCrashKernel_SaysHowToReserve()
    {
        var problem = Explain(Errno.EADDRNOTAVAIL);

        Assert.Contains("loading /boot/vmlinuz as the crash kernel", problem.Message);
        Assert.Contains("crashkernel=256M", problem.Message);
        Assert.Contains("/etc/default/grub", problem.Message);
    }

    [Fact]
    public void Explain_EnomemOnASoftLoad_IsNotAboutTheReservation()
    {
        var problem = Explain(Errno.ENOMEM, KexecOperation.LoadSoft);

        Assert.Equal(KexecProblemKind.Failed, problem.Kind);
        Assert.DoesNotContain("crashkernel", problem.Message);
        Assert.Contains("without --kexec", problem.Message);
    }

    [Fact]
    public void Explain_EpermNotRoot_AsksForRoot()
    {
        Assert.Contains("CAP_SYS_BOOT; run as root", Explain(Errno.EPERM, policy: new KexecPolicy("none", false, IsRoot: false)).Message);
    }

    [Fact]
    public void Explain_EpermLoadDisabled_NamesTheSysctl()
    {
        Assert.Contains("kexec_load_disabled is 1", Explain(Errno.EPERM, policy: new KexecPolicy("integrity", true, IsRoot: true)).Message);
    }

    [Fact]
    public void Explain_EpermLockedDown_NamesLockdownAndSigning()
    {
        var message = Explain(Errno.EPERM, policy: new KexecPolicy("integrity", false, IsRoot: true)).Message;

        Assert.Contains("locked down (integrity", message);
        Assert.Contains("sign the kernel", message);
    }

    [Fact]
    public void Explain_UnknownErrno_CarriesStrerrorAndNumber()
    {
        Assert.Contains("strerror 5 (errno 5)", Explain(5).Message);
    }

    [Fact]
    public void Explain_Unload_SaysUnloading()
    {
        Assert.StartsWith("unloading the crash kernel", Explain(Errno.EBUSY, KexecOperation.UnloadCrash).Message);
    }
}
