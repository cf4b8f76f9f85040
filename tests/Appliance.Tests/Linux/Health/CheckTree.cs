using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Health;

/// <summary>Builds fake trees for --root with the modes Appliance trusts (whatever the umask), and looks at processes.</summary>
internal static class CheckTree
{
    public const UnixFileMode Mode755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>An executable /bin/sh script at <paramref name="relative"/>.</summary>
    public static string Script(TempDir dir, string relative, string body) => Write(dir, relative, $"#!/bin/sh\n{body}\n", Mode755);

    public static string Text(TempDir dir, string relative, string text) => Write(dir, relative, text, Mode644);

    public static string Directory(TempDir dir, string relative)
    {
        string path = dir.Subdirectory(relative);
        Harden(dir, path);
        return path;
    }

    public static string Write(TempDir dir, string relative, string text, UnixFileMode mode)
    {
        string path = dir.Write(relative, text);
        File.SetUnixFileMode(path, mode);
        Harden(dir, System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Whether a process exists and is not a zombie (a container's PID 1 may never reap the orphans it inherits).</summary>
    public static bool Alive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a process is gone within two seconds: SIGKILL is delivered asynchronously, so a
    /// killed process may still be on its way out when kill(2) returns.
    /// </summary>
    public static bool Dies(int pid)
    {
        for (int i = 0; i < 200 && Alive(pid); i++)
        {
            Thread.Sleep(10);
        }

        return !Alive(pid);
    }

    /// <summary>Waits up to two seconds for a pid to appear in a file a script writes.</summary>
    public static int ReadPid(string path)
    {
        for (int i = 0; i < 200; i++)
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out int pid))
            {
                return pid;
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException($"no pid in {path}");
    }

    private static void Harden(TempDir dir, string directory)
    {
        for (string? d = directory; d is not null && d.Length >= dir.Path.Length; d = System.IO.Path.GetDirectoryName(d))
        {
            File.SetUnixFileMode(d, Mode755);
        }
    }
}
