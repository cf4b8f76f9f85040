using FsCheck.Fluent;

namespace Appliance.Tests.Support;

/// <summary>
/// How many cases each property runs. APPLIANCE_TEST_SCALE=N multiplies them, for a soak run
/// (make unit-test keeps the defaults, which keep the suite fast).
/// </summary>
public static class Properties
{
    private static readonly int Scale =
        int.TryParse(Environment.GetEnvironmentVariable("APPLIANCE_TEST_SCALE"), out int n) && n > 0 ? n : 1;

    public static FsCheck.Config Runs(int cases) => FsCheck.Config.QuickThrowOnFailure.WithMaxTest(cases * Scale).WithQuietOnSuccess(true);
}
