using Appliance.Cli;
using Appliance.Cli.Commands;
using Appliance.Core.Kexec;
using Appliance.Linux.Files;
using Appliance.Linux.Kexec;

namespace Appliance.Tests.Cli;

/// <summary>
/// Issue 15: under Secure Boot a known-good kernel the running kernel cannot verify must be a
/// refusal naming the reason, with EX_CONFIG, never a silently unarmed trial.
/// </summary>
public sealed class KexecExitCodesTests
{
    private static readonly KexecPolicy LockedDown = new("integrity", false, IsRoot: true);

    [Theory]
    [InlineData(Errno.EPERM)]
    [InlineData(Errno.EKEYREJECTED)]
    [InlineData(Errno.ENOKEY)]
    [InlineData(Errno.EBADMSG)]
    [InlineData(Errno.ENODATA)]
    public void Arm_SignatureNotVerifiedUnderLockdown_Exits78AndSaysWhy(int errno)
    {
        var error = new StringWriter();
        var problem = KexecErrors.Explain(errno, KexecOperation.LoadCrash, "/boot/vmlinuz-6.1.0-unsigned", LockedDown, e => $"strerror {e}");

        int code = Run(error, () => throw new KexecException(problem, errno));

        Assert.Equal(ExitCodes.Config, code);
        string said = error.ToString();
        Assert.StartsWith("appliance: loading /boot/vmlinuz-6.1.0-unsigned as the crash kernel was refused", said);
        Assert.Contains("signature", said);
        Assert.Contains("no crash kernel is loaded", said);
    }

    [Theory]
    [InlineData(KexecProblemKind.Reservation, ExitCodes.Config)]
    [InlineData(KexecProblemKind.Unsupported, ExitCodes.Config)]
    [InlineData(KexecProblemKind.Unverified, ExitCodes.Config)]
    [InlineData(KexecProblemKind.Forbidden, ExitCodes.NoPermission)]
    [InlineData(KexecProblemKind.BadImage, ExitCodes.DataError)]
    [InlineData(KexecProblemKind.Busy, ExitCodes.TempFail)]
    [InlineData(KexecProblemKind.Failed, ExitCodes.OsError)]
    public void ExitCodeOf_EachKind(KexecProblemKind kind, int expected)
    {
        Assert.Equal(expected, KexecCommands.ExitCodeOf(kind));
    }

    [Fact]
    public void Arm_NotRootUnderLockdown_Exits77NotConfig()
    {
        var problem = KexecErrors.Explain(Errno.EPERM, KexecOperation.LoadCrash, "/boot/vmlinuz", LockedDown with { IsRoot = false }, e => $"strerror {e}");

        Assert.Equal(ExitCodes.NoPermission, Run(new StringWriter(), () => throw new KexecException(problem, Errno.EPERM)));
    }

    private static int Run(StringWriter error, Func<int> body)
    {
        var context = new CliContext(TextWriter.Null, error, TimeProvider.System, LinuxFileSteps.Instance, _ => throw new InvalidOperationException("no reboot here"));
        return KexecCommands.Run(context, body);
    }
}
