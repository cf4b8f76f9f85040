using Appliance.Core.Kexec;
using Appliance.Linux.Kexec;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Kexec;

/// <summary>
/// What <see cref="KexecService"/> relies on from every <see cref="IKexecLoader"/>: the real
/// loader and the service tests' fake refuse the same requests the same way, before anything
/// reaches the kernel, so the fake cannot promise a load the kernel would never be asked for.
/// The real loader runs on the running system's root here, but every case is refused before
/// kexec_file_load(2): the VM suite is where it loads real kernels.
/// </summary>
public abstract class KexecLoaderContract : IDisposable
{
    protected TempDir Dir { get; } = new();

    protected abstract IKexecLoader Create();

    /// <summary>Whether a load reached the kernel (the fake records it; the real one would have flipped sysfs).</summary>
    protected abstract bool Loaded { get; }

    public virtual void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    private string Kernel() => Dir.Write("boot/vmlinuz", "not loaded: every case is refused first");

    [Fact]
    public void LoadCrash_MissingKernel_RefusedAsMissingNamingIt()
    {
        string missing = Dir.File("boot/vmlinuz-gone");

        var e = Assert.Throws<KexecPlanException>(() => Create().LoadCrash(missing, [], "root=/dev/vda1"));

        Assert.Equal(KexecPlanError.Missing, e.Error);
        Assert.Contains(missing, e.Message);
        Assert.False(Loaded);
    }

    [Fact]
    public void LoadSoft_MissingInitrd_RefusedAsMissingNamingIt()
    {
        string kernel = Kernel();
        string missing = Dir.File("boot/initrd-gone");

        var e = Assert.Throws<KexecPlanException>(() => Create().LoadSoft(kernel, [missing], "root=/dev/vda1"));

        Assert.Equal(KexecPlanError.Missing, e.Error);
        Assert.Contains(missing, e.Message);
        Assert.False(Loaded);
    }

    [Theory]
    [InlineData("root=/dev/vda1\ninit=/bin/sh")]
    [InlineData("root=/dev/vda1\0 init=/bin/sh")]
    [InlineData("root=/dev/vda1 \"quiet")]
    public void LoadCrash_UnusableCommandLine_RefusedAsUnusable(string commandLine)
    {
        string kernel = Kernel();

        var e = Assert.Throws<KexecPlanException>(() => Create().LoadCrash(kernel, [], commandLine));

        Assert.Equal(KexecPlanError.Unusable, e.Error);
        Assert.False(Loaded);
    }
}

public sealed class LinuxKexecLoaderContractTests : KexecLoaderContract
{
    protected override IKexecLoader Create() => new LinuxKexecLoader("/", TextWriter.Null);

    // Every case throws before the system call; were one to reach it, the exception type (a
    // KexecException from the kernel's errno, or none) fails the test first.
    protected override bool Loaded => false;
}

public sealed class FakeKexecLoaderContractTests : KexecLoaderContract
{
    private readonly KexecTree _tree = new();
    private FakeKexecLoader? _loader;

    protected override IKexecLoader Create() => _loader = new FakeKexecLoader(_tree);

    protected override bool Loaded => _loader?.Loaded is not null;

    public override void Dispose()
    {
        _tree.Dispose();
        base.Dispose();
    }
}
