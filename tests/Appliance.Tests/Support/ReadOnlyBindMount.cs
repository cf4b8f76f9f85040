namespace Appliance.Tests.Support;

/// <summary>
/// A read-only bind mount of a directory onto another, so writes fail with EROFS even for root
/// (chmod would not stop root). Needs CAP_SYS_ADMIN; the tests that use it fail, never skip,
/// without it.
/// </summary>
public sealed class ReadOnlyBindMount : IDisposable
{
    private ReadOnlyBindMount(string target) => Target = target;

    public string Target { get; }

    public static ReadOnlyBindMount Create(string source, string target)
    {
        Directory.CreateDirectory(target);
        Mount(["--bind", source, target]);
        var mount = new ReadOnlyBindMount(target);
        try
        {
            Mount(["-o", "remount,ro,bind", target]);
        }
        catch
        {
            mount.Dispose();
            throw;
        }

        return mount;
    }

    public void Dispose()
    {
        var result = ProcessRunner.Run("/bin/umount", Target);
        if (result.ExitCode != 0)
        {
            ProcessRunner.Run("/bin/umount", "-l", Target);
        }
    }

    private static void Mount(string[] args)
    {
        var result = ProcessRunner.Run("/bin/mount", args);
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"this test needs a read-only bind mount (root with CAP_SYS_ADMIN): {result}");
        }
    }
}
