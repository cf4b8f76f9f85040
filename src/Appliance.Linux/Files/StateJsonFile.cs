using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Appliance.Linux.Files;

/// <summary>
/// Reading one of the agent's own JSON state files (written whole by <see cref="DurableFile"/>):
/// no file is "nothing recorded yet" (null); a file that cannot be read is a
/// <see cref="FileProblemException"/> naming it; a file that is not the record, holds null, or
/// fails the record's own check is <see cref="FileProblemKind.Corrupt"/>, naming the file, what it
/// should be and what to do. Never a default in its place: an empty quarantine, zero totals or a
/// disarmed kexec read from a damaged file would each be a wrong decision.
/// </summary>
public static class StateJsonFile
{
    /// <param name="what">What the file holds, for "not {what}" ("the boot journal's totals").</param>
    /// <param name="remedy">What to do about a damaged file.</param>
    /// <param name="check">The record's own consistency check: a sentence, or null when it is sound.</param>
    public static T? Read<T>(string path, JsonTypeInfo<T> type, string what, string remedy, Func<T, string?>? check = null)
        where T : class
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (FileProblems.Translates(e))
        {
            throw FileProblems.From(e, path);
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize(bytes, type);
        }
        catch (JsonException e)
        {
            throw Corrupt(e.Message, e);
        }

        return value is null ? throw Corrupt("it holds null", null)
            : check?.Invoke(value) is { } problem ? throw Corrupt(problem, null)
            : value;

        FileProblemException Corrupt(string problem, Exception? inner) =>
            new(FileProblemKind.Corrupt, path, $"not {what} ({problem}); {remedy}", inner);
    }
}
