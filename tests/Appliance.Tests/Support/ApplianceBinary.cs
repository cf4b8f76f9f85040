namespace Appliance.Tests.Support;

/// <summary>The native-AOT <c>appliance</c> binary as shipped (artifacts/bin/appliance, from <c>make publish</c>).</summary>
public static class ApplianceBinary
{
    public static string Program
    {
        get
        {
            string path = Path.Combine(RepoPaths.Root, "artifacts/bin/appliance");
            return File.Exists(path)
                ? path
                : throw new Xunit.Sdk.XunitException($"{path} does not exist: run make publish (make unit-test does)");
        }
    }

    public static ProcessResult Run(params IEnumerable<string> args) => ProcessRunner.Run(Program, args);
}
