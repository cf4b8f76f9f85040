using Appliance.Linux.Files;
using Appliance.Linux.Native;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Files;

public sealed class DirectoryLockTests
{
    [Fact]
    public void Acquire_HeldElsewhereLongerThanTimeout_TimeoutExceptionNamingDirectory()
    {
        using var dir = new TempDir();
        using var held = DirectoryLock.Acquire(dir.Path, TimeSpan.Zero, TimeProvider.System);
        var clock = new FakeTimeProvider(autoAdvance: TimeSpan.FromSeconds(1));

        var e = Assert.Throws<TimeoutException>(() => DirectoryLock.Acquire(dir.Path, TimeSpan.FromSeconds(5), clock));

        Assert.StartsWith($"{dir.Path}: another process has held the lock for 5 s", e.Message);
    }

    [Fact]
    public void Acquire_ReleasedWhileWaiting_Succeeds()
    {
        using var dir = new TempDir();
        var held = DirectoryLock.Acquire(dir.Path, TimeSpan.Zero, TimeProvider.System);
        var release = new Thread(() =>
        {
            Thread.Sleep(100);
            held.Dispose();
        });
        release.Start();

        using var acquired = DirectoryLock.Acquire(dir.Path, TimeSpan.FromSeconds(30), TimeProvider.System);

        release.Join();
    }

    [Fact]
    public void Acquire_MissingDirectory_SystemErrorNamingIt()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope");

        var e = Assert.Throws<SystemError>(() => DirectoryLock.Acquire(missing, TimeSpan.Zero, TimeProvider.System));

        Assert.Equal((missing, "open"), (e.Path, e.Call));
    }
}
