using Appliance.Core.Health;

namespace Appliance.Linux.Health;

/// <summary><c>/proc/sys/fs/file-nr</c> against <c>MaxUsedPercent</c>.</summary>
public sealed class FileDescriptorCheck(FileDescriptorSettings settings) : BuiltinCheck<FileDescriptorSettings>(settings)
{
    public const string File = "/proc/sys/fs/file-nr";

    public override CheckOutcome Evaluate(HealthCheckContext context)
    {
        string path = Under(context, File);
        return ReadOrNull(path) is not { } text ? CheckOutcome.Error($"{path}: does not exist")
            : FileDescriptorRule.Parse(text) is not { } handles ? CheckOutcome.Error($"{path}: cannot parse '{text.Trim()}'")
            : FileDescriptorRule.Evaluate(handles, Settings);
    }
}
