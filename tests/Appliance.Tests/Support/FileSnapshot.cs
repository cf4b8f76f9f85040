using Appliance.Linux.Native;

namespace Appliance.Tests.Support;

/// <summary>A file's bytes, mtime, mode and owner, to show that a failed command left it untouched.</summary>
public sealed record FileSnapshot(byte[] Bytes, DateTime ModifiedUtc, UnixFileMode Mode, uint Uid, uint Gid)
{
    public static FileSnapshot Of(string path)
    {
        FileStatus status = FileStatus.Of(path) ?? throw new FileNotFoundException(path);
        return new FileSnapshot(File.ReadAllBytes(path), File.GetLastWriteTimeUtc(path), status.Mode, status.Uid, status.Gid);
    }

    /// <summary>Asserts that <paramref name="path"/> is exactly as it was when this snapshot was taken.</summary>
    public void AssertUnchanged(string path)
    {
        FileSnapshot now = Of(path);
        Assert.Equal(Bytes, now.Bytes);
        Assert.Equal(ModifiedUtc, now.ModifiedUtc);
        Assert.Equal((Mode, Uid, Gid), (now.Mode, now.Uid, now.Gid));
    }
}
