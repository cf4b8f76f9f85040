using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Appliance.Core.Json;
using Appliance.Core.Kexec;
using Appliance.Linux.Config;
using Appliance.Linux.Files;

namespace Appliance.Linux.Kexec;

/// <summary>
/// The kexec state files under <c>&lt;root&gt;/var/lib/appliance/kexec</c>: what was armed, and the
/// sysctls the panic policy replaced. Each is written whole and atomically (DurableFile), so a
/// crash mid-write leaves the old record or the new one.
/// </summary>
public sealed class KexecFiles
{
    public const string Directory = StatePaths.Kexec;

    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly DurableFile _writer;
    private readonly string _directory;

    public KexecFiles(string root, IFileSteps steps)
    {
        _writer = new DurableFile(steps);
        _directory = RootedPath.Resolve(root, Directory);
    }

    public string ArmedPath => Path.Combine(_directory, "armed.json");

    public string SavedSysctlsPath => Path.Combine(_directory, "sysctl-saved.json");

    public ArmedState? ReadArmed() => Read(ArmedPath, ApplianceJsonContext.Default.ArmedState);

    public void WriteArmed(ArmedState state) => Write(ArmedPath, state, ApplianceJsonContext.Default.ArmedState);

    public void DeleteArmed() => Delete(ArmedPath);

    public SavedSysctls? ReadSavedSysctls() => Read(SavedSysctlsPath, ApplianceJsonContext.Default.SavedSysctls);

    public void WriteSavedSysctls(SavedSysctls saved) => Write(SavedSysctlsPath, saved, ApplianceJsonContext.Default.SavedSysctls);

    public void DeleteSavedSysctls() => Delete(SavedSysctlsPath);

    private static T? Read<T>(string path, JsonTypeInfo<T> type)
        where T : class =>
        StateJsonFile.Read(path, type, "a valid record", "remove it (it is rewritten by the next 'appliance kexec arm' or panic policy)");

    private void Write<T>(string path, T value, JsonTypeInfo<T> type)
    {
        try
        {
            System.IO.Directory.CreateDirectory(_directory);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, type);
            _writer.Replace(path, [.. json, (byte)'\n'], Mode);
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path);
        }
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path);
        }
    }
}
