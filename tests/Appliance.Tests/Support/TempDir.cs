namespace Appliance.Tests.Support;

/// <summary>A fresh directory under /tmp, removed with everything in it on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("appliance-tests-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes a text file at a path relative to the directory, creating parent directories: a fake tree for --root.</summary>
    public string Write(string relative, string text)
    {
        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public string Subdirectory(string relative) => Directory.CreateDirectory(File(relative)).FullName;

    /// <summary>A file holding a fresh Debian-style empty grubenv block.</summary>
    public string NewGrubEnv(string name = "grubenv", ReadOnlySpan<byte> contents = default)
    {
        string path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, contents.IsEmpty ? Appliance.Core.Grubenv.GrubEnvBlock.Create().Bytes : contents);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed half-way may leave a mount or an open file; /tmp is cleaned anyway.
        }
    }
}
