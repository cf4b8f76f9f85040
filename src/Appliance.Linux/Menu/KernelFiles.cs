using Appliance.Core.Hashing;
using Appliance.Core.Kexec;
using Appliance.Core.Quarantine;

namespace Appliance.Linux.Menu;

/// <summary>Which build a menu entry's kernel file is (<see cref="KernelIdentity"/>), read through <see cref="BootFiles"/> so the file is the one under the root.</summary>
public static class KernelFiles
{
    /// <summary>
    /// The identity of the kernel <paramref name="grubPath"/> names. A file that is gone or
    /// unreadable (a trial that failed to load for that reason) is named by its file name's
    /// release, with no hash; <paramref name="problem"/> says why.
    /// </summary>
    public static KernelIdentity Identify(string root, string grubPath, string entry, out string? problem)
    {
        problem = null;
        string file;
        try
        {
            file = BootFiles.Resolve(root, grubPath, _ => null, entry);
        }
        catch (KexecPlanException e)
        {
            problem = e.Message;
            return new KernelIdentity(KernelIdentity.ReleaseFromName(grubPath), null);
        }

        try
        {
            return OfFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{file}: {e.Message}";
            return new KernelIdentity(KernelIdentity.ReleaseFromName(grubPath), null);
        }
    }

    /// <summary>The identity of the kernel file at <paramref name="path"/> (already resolved under the root); throws what reading it throws.</summary>
    public static KernelIdentity OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[KernelIdentity.HeadBytes];
        int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        var sha = new Sha256();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            sha.Append(buffer.AsSpan(0, n));
        }

        string hash = Convert.ToHexStringLower(sha.Finish());
        return new KernelIdentity(KernelIdentity.ReleaseOf(head.AsSpan(0, read)) ?? KernelIdentity.ReleaseFromName(path), hash);
    }
}
