namespace Appliance.Linux.Kernel;

/// <summary>Reads the one-value files of procfs and sysfs.</summary>
public static class KernelFile
{
    /// <summary>
    /// The file's text without surrounding white space, or null when it is absent or cannot be
    /// read: drivers without an attribute's callback fail the read (a watchdog's timeleft, for
    /// one), which means the value is not there.
    /// </summary>
    public static string? ReadTrimmed(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
