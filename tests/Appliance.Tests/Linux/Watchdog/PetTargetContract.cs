using System.Net.Sockets;
using Appliance.Core.Watchdog;
using Appliance.Linux.Gpio;
using Appliance.Linux.Notify;
using Appliance.Linux.Watchdog;
using Appliance.Tests.Linux.Gpio;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Watchdog;

/// <summary>
/// What the daemon relies on from every <see cref="IPetTarget"/>: each real target (a watchdog
/// device, an external chip on a GPIO line, systemd's service watchdog) and the daemon tests'
/// recording fake pass the same tests, so the fake cannot promise what no target does.
/// </summary>
public abstract class PetTargetContract : IDisposable
{
    private static readonly string[] Kinds = ["device", "gpio", "systemd"];

    protected TempDir Root { get; } = new();

    protected abstract IPetTarget Open();

    public virtual void Dispose()
    {
        Root.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void Identity_NameAndKnownKind()
    {
        using var target = Open();

        Assert.False(string.IsNullOrWhiteSpace(target.Name));
        Assert.Contains(target.Kind, Kinds);
        Assert.True(target.Deadline is null || target.Deadline > TimeSpan.Zero);
    }

    [Fact]
    public void Pet_Repeatedly_DoesNotThrow()
    {
        using var target = Open();

        for (int i = 0; i < 3; i++)
        {
            target.Pet();
        }
    }

    [Fact]
    public void Reconfigure_UnchangedSettings_DoesNotThrow()
    {
        using var target = Open();

        target.Reconfigure(new WatchdogSettings(), TextWriter.Null);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Release_SaysWhatHappenedNamingTheTarget(bool disarm)
    {
        var target = Open();
        target.Pet();

        string what = target.Release(disarm);
        target.Dispose();

        Assert.StartsWith(target.Name, what, StringComparison.Ordinal);
    }
}

public sealed class WatchdogDeviceContractTests : PetTargetContract
{
    protected override IPetTarget Open()
    {
        FakeTrees.AddWatchdog(Root, 0, "Software Watchdog");
        return WatchdogDevice.Open(Root.File("dev/watchdog0"), "watchdog0", new WatchdogSysfs(Root.Path));
    }
}

public sealed class GpioWatchdogContractTests : PetTargetContract
{
    protected override IPetTarget Open() =>
        new GpioWatchdog(new FakeGpioOutput(), new GpioWatchdogSettings { Chip = "/dev/gpiochip0", Line = 17 });
}

public sealed class SystemdWatchdogTargetContractTests : PetTargetContract
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private SystemdNotifier? _notifier;

    protected override IPetTarget Open()
    {
        string path = Root.File("notify");
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _notifier = SystemdNotifier.Create(path)!;
        return new SystemdWatchdogTarget(_notifier, TimeSpan.FromSeconds(30));
    }

    public override void Dispose()
    {
        _notifier?.Dispose();
        _listener.Dispose();
        base.Dispose();
    }
}

public sealed class RecordingTargetContractTests : PetTargetContract
{
    protected override IPetTarget Open() => new RecordingTarget();
}
