using Appliance.Core.Metrics;
using Appliance.Core.Quarantine;
using Appliance.Linux.Files;
using Appliance.Linux.Journal;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Journal;

public sealed class QuarantineStoreTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private QuarantineStore Store() => new(_dir.File("var/lib/appliance/quarantine.json"), LinuxFileSteps.Instance);

    private static QuarantineEntry Entry(string release) => new()
    {
        Release = release,
        Sha256 = "aa" + release,
        Reason = ApplianceMetrics.Reasons.Crashed,
        Time = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Read_NoFileNorDirectory_Empty()
    {
        Assert.Empty(Store().Read().Kernels);
    }

    [Fact]
    public void Update_TwoWriters_BothEntriesKeptAndFileEndsInNewline()
    {
        Store().Update(list => list.Add(Entry("6.2")));
        Store().Update(list => list.Add(Entry("6.3")));

        Assert.Equal(["6.2", "6.3"], Store().Read().Kernels.Select(k => k.Release));
        Assert.EndsWith("}\n", File.ReadAllText(Store().Path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    [InlineData("""{"kernels":[{"release":"","reason":"crashed","time":"2026-12-01T10:00:00Z"}]}""")]
    public void Read_DamagedFile_CorruptNamingTheFileNeverEmpty(string text)
    {
        _dir.Write("var/lib/appliance/quarantine.json", text);

        var e = Assert.Throws<FileProblemException>(() => Store().Read());

        Assert.Equal(FileProblemKind.Corrupt, e.Kind);
        Assert.Contains("quarantine.json", e.Message);
    }
}
