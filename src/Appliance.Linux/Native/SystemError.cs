namespace Appliance.Linux.Native;

/// <summary>A failed system call: which call, on what path, and errno.</summary>
public sealed class SystemError : IOException
{
    public SystemError(string call, string path, int errno)
        : base($"{path}: {call} failed: {Libc.StrError(errno)}")
    {
        Call = call;
        Path = path;
        Errno = errno;
    }

    public string Call { get; }

    public string Path { get; }

    public int Errno { get; }
}
