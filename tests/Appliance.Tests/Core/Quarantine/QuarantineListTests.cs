using System.Text.Json;
using Appliance.Core.Json;
using Appliance.Core.Metrics;
using Appliance.Core.Quarantine;

namespace Appliance.Tests.Core.Quarantine;

public sealed class QuarantineListTests
{
    private static readonly DateTimeOffset Time = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static QuarantineEntry Entry(string release, string? sha256, string reason = ApplianceMetrics.Reasons.ChecksFailed) => new()
    {
        Release = release,
        Sha256 = sha256,
        Entry = "trial",
        Reason = reason,
        BootId = "0001-abcd",
        Time = Time,
    };

    [Fact]
    public void Find_SameHash_Quarantined()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", "aa"));

        var match = list.Find(new KernelIdentity("6.2", "aa"));

        Assert.NotNull(match.Quarantined);
        Assert.Null(match.Rebuilt);
    }

    [Fact]
    public void Find_SameReleaseOtherHash_NotQuarantinedButNamedAsRebuilt()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", "aa"));

        var match = list.Find(new KernelIdentity("6.2", "bb"));

        Assert.Null(match.Quarantined);
        Assert.Equal("aa", match.Rebuilt?.Sha256);
    }

    [Fact]
    public void Find_EntryWithoutHash_MatchesByRelease()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", null, ApplianceMetrics.Reasons.LoadFailed));

        Assert.NotNull(list.Find(new KernelIdentity("6.2", "bb")).Quarantined);
        Assert.Null(list.Find(new KernelIdentity("6.3", "bb")).Quarantined);
    }

    [Fact]
    public void Add_SameBuildTwice_KeepsOneWithTheLatestReason()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", "aa")).Add(Entry("6.2", "aa", ApplianceMetrics.Reasons.Crashed));

        var only = Assert.Single(list.Kernels);
        Assert.Equal(ApplianceMetrics.Reasons.Crashed, only.Reason);
    }

    [Fact]
    public void Remove_ByRelease_RemovesEveryBuildOfIt()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", "aa")).Add(Entry("6.2", "bb")).Add(Entry("6.3", "cc"));

        var (left, removed) = list.Remove(new KernelIdentity("6.2", null));

        Assert.Equal(2, removed.Count);
        Assert.Equal("6.3", Assert.Single(left.Kernels).Release);
    }

    [Fact]
    public void Remove_ByHash_RemovesThatBuildOnly()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", "aa")).Add(Entry("6.2", "bb"));

        var (left, removed) = list.Remove(new KernelIdentity("6.2", "bb"));

        Assert.Equal("bb", Assert.Single(removed).Sha256);
        Assert.Equal("aa", Assert.Single(left.Kernels).Sha256);
    }

    [Fact]
    public void Remove_NotQuarantined_RemovesNothing()
    {
        var (left, removed) = QuarantineList.Empty.Add(Entry("6.2", "aa")).Remove(new KernelIdentity("6.9", null));

        Assert.Empty(removed);
        Assert.Single(left.Kernels);
    }

    [Fact]
    public void Json_RoundTrip_SnakeCaseKeysAndSameEntries()
    {
        var list = QuarantineList.Empty.Add(Entry("6.2", "aa") with { Title = "Debian 6.2", Kernel = "/boot/vmlinuz-6.2", Message = "failed" });

        string json = JsonSerializer.Serialize(list, ApplianceJsonContext.Default.QuarantineList);
        var back = JsonSerializer.Deserialize(json, ApplianceJsonContext.Default.QuarantineList)!;

        Assert.Contains("\"kernels\":[{\"release\":\"6.2\",\"sha256\":\"aa\",\"kernel\":\"/boot/vmlinuz-6.2\"", json, StringComparison.Ordinal);
        Assert.Contains("\"boot_id\":\"0001-abcd\"", json, StringComparison.Ordinal);
        Assert.Equal(list.Kernels, back.Kernels);
        Assert.Null(back.Problem());
    }

    [Fact]
    public void Problem_EntryWithoutReason_Named()
    {
        var list = JsonSerializer.Deserialize("""{"kernels":[{"release":"6.2","reason":"","time":"2026-12-01T10:00:00Z"}]}""", ApplianceJsonContext.Default.QuarantineList)!;

        Assert.Contains("reason", list.Problem());
    }

    [Fact]
    public void Describe_Entry_NamesReleaseTimeReasonAndBootId()
    {
        string text = Entry("6.2", "0123456789abcdef").Describe();

        Assert.Contains("6.2 (sha256 0123456789ab)", text);
        Assert.Contains("2026-12-01 10:00:00Z", text);
        Assert.Contains("checks-failed", text);
        Assert.Contains("boot 0001-abcd", text);
    }
}
