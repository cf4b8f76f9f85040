using Appliance.Linux.Files;

namespace Appliance.Linux.Config;

/// <summary>System paths resolved under the global <c>--root</c>.</summary>
public static class RootedPath
{
    /// <summary>MAXSYMLINKS in the kernel's include/linux/namei.h: more links than this in one lookup is ELOOP.</summary>
    private const int MaxSymlinks = 40;

    /// <summary>
    /// <paramref name="absolute"/> (e.g. <c>/etc/appliance</c>) under <paramref name="root"/>, with the
    /// symlinks on the way resolved as the system that owns the tree would resolve them: an
    /// absolute target starts again at the root and <c>..</c> stops there, as openat2's
    /// RESOLVE_IN_ROOT does. An image's <c>/boot/grub/grubenv -&gt; /boot/efi/EFI/fedora/grubenv</c>
    /// is the image's ESP, never the build host's. Components that do not exist yet are kept as
    /// they are, so a file or directory can be created at the result. Under <c>/</c> the kernel
    /// resolves, as it always does.
    /// </summary>
    public static string Resolve(string root, string absolute)
    {
        string joined = Path.Join(root, absolute.TrimStart('/'));
        if (IsSystemRoot(root))
        {
            return joined;
        }

        string top = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var done = new List<string>();
        var pending = new Stack<string>();
        PushComponents(pending, absolute);
        int links = 0;
        while (pending.TryPop(out string? component))
        {
            if (component == "..")
            {
                if (done.Count > 0)
                {
                    done.RemoveAt(done.Count - 1);
                }

                continue;
            }

            string candidate = Path.Join(top, string.Join('/', done), component);
            string? target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                done.Add(component);
                continue;
            }

            if (++links > MaxSymlinks)
            {
                throw new FileProblemException(FileProblemKind.Corrupt, joined, $"more than {MaxSymlinks} symbolic links on the way (a loop?) under {root}; fix the links in the tree");
            }

            if (target.StartsWith('/'))
            {
                done.Clear();
            }

            PushComponents(pending, target);
        }

        return done.Count == 0 ? top : Path.Join(top, string.Join('/', done));
    }

    private static bool IsSystemRoot(string root) => Path.TrimEndingDirectorySeparator(root) is "" or "/";

    /// <summary>Pushes the path's components so that the first is popped first.</summary>
    private static void PushComponents(Stack<string> pending, string path)
    {
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            if (parts[i] != ".")
            {
                pending.Push(parts[i]);
            }
        }
    }
}
