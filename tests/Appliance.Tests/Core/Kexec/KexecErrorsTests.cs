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
    [InlineData(Errno.EKEYREJECTED, KexecProblemKind.Unverified)]
    [InlineData(Errno.ENOKEY, KexecProblemKind.Unverified)]
    [InlineData(Errno.EBADMSG, KexecProblemKind.Unverified)]
    [InlineData(Errno.ENODATA, KexecProblemKind.Unverified)]
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

    [Theory]
    [InlineData("integrity")]
    [InlineData("confidentiality")]
    public void Explain_EpermLoadUnderLockdown_IsAnUnverifiedSignatureNamingLockdown(string mode)
    {
        var problem = Explain(Errno.EPERM, policy: new KexecPolicy(mode, false, IsRoot: true));

        Assert.Equal(KexecProblemKind.Unverified, problem.Kind);
        Assert.Contains($"locked down ({mode}, usually because Secure Boot is on)", problem.Message);
        Assert.Contains("could not verify /boot/vmlinuz's signature", problem.Message);
        Assert.Contains("no kexec rescue", problem.Message);
        Assert.Contains("signed linux-image package", problem.Message);
    }

    [Fact]
    public void Explain_EpermUnderLockdownButKexecDisabled_IsTheSysctlNotTheSignature()
    {
        var problem = Explain(Errno.EPERM, policy: new KexecPolicy("integrity", true, IsRoot: true));

        Assert.Equal(KexecProblemKind.Forbidden, problem.Kind);
        Assert.Contains("kexec_load_disabled is 1", problem.Message);
    }

    [Fact]
    public void Explain_EpermUnderLockdownNotRoot_AsksForRoot()
    {
        var problem = Explain(Errno.EPERM, policy: new KexecPolicy("integrity", false, IsRoot: false));

        Assert.Equal(KexecProblemKind.Forbidden, problem.Kind);
        Assert.Contains("run as root", problem.Message);
    }

    [Fact]
    public void Explain_EpermUnloadUnderLockdown_IsNotAboutSignatures()
    {
        var problem = Explain(Errno.EPERM, KexecOperation.UnloadCrash, new KexecPolicy("integrity", false, IsRoot: true));

        Assert.Equal(KexecProblemKind.Forbidden, problem.Kind);
        Assert.DoesNotContain("signature", problem.Message);
    }

    [Fact]
    public void Explain_EpermWithoutLockdown_IsForbidden()
    {
        Assert.Equal(KexecProblemKind.Forbidden, Explain(Errno.EPERM, policy: new KexecPolicy("none", false, IsRoot: true)).Kind);
        Assert.Equal(KexecProblemKind.Forbidden, Explain(Errno.EPERM, policy: new KexecPolicy(null, null, IsRoot: true)).Kind);
    }

    [Theory]
    [InlineData(Errno.EKEYREJECTED, "EKEYREJECTED", "signature was rejected")]
    [InlineData(Errno.ENOKEY, "ENOKEY", "not in the kernel's keyrings")]
    [InlineData(Errno.ENODATA, "ENODATA", "carries no signature")]
    [InlineData(Errno.EBADMSG, "EBADMSG", "signature is malformed")]
    public void Explain_SignatureErrnos_NameTheErrnoAndTheReason(int errno, string name, string reason)
    {
        var problem = Explain(errno);

        Assert.Equal(KexecProblemKind.Unverified, problem.Kind);
        Assert.Contains($"was refused ({name})", problem.Message);
        Assert.Contains(reason, problem.Message);
        Assert.Contains("no kexec rescue", problem.Message);
    }

    [Fact]
    public void Explain_EnodataUnderLockdown_NamesTheLockdown()
    {
        // Seen on Debian's 6.1 kernel under Secure Boot: an unsigned bzImage gets ENODATA, not EPERM.
        var problem = Explain(Errno.ENODATA, policy: new KexecPolicy("integrity", false, IsRoot: true));

        Assert.Equal(KexecProblemKind.Unverified, problem.Kind);
        Assert.Contains("/boot/vmlinuz carries no signature; the kernel is locked down (integrity", problem.Message);
    }

    [Fact]
    public void Explain_SignatureErrnoWithoutLockdown_NamesSignatureEnforcement()
    {
        Assert.Contains("CONFIG_KEXEC_SIG_FORCE", Explain(Errno.EKEYREJECTED).Message);
    }

    [Fact]
    public void Explain_SignatureRefusalOfASoftLoad_SaysNothingOfTheCrashKernel()
    {
        var problem = Explain(Errno.EKEYREJECTED, KexecOperation.LoadSoft);

        Assert.StartsWith("loading /boot/vmlinuz for a kexec reboot was refused", problem.Message);
        Assert.DoesNotContain("crash kernel", problem.Message);
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
