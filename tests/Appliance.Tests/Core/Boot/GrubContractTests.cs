using Appliance.Core.Boot;
using Appliance.Tests.Core.Menu;
using Appliance.Tests.Support;

namespace Appliance.Tests.Core.Boot;

/// <summary>The agent refuses to stage a trial GRUB would boot untracked: grub.cfg must carry Appliance's block.</summary>
public sealed class GrubContractTests
{
    [Fact]
    public void Find_ShippedApplianceCfg_IsTheVersionTheAgentNeeds()
    {
        string script = File.ReadAllText(Path.Combine(RepoPaths.Root, "grub", "appliance.cfg"));

        Assert.Equal(GrubContract.Version, GrubContract.Find(script));
        Assert.Null(GrubContract.Problem(GrubContract.Find(script)));
        Assert.Contains($"--id {GrubContract.FallbackEntryId} ", script, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(MenuFixtures.AllNames), MemberType = typeof(MenuFixtures))]
    public void Find_StockDistroConfigs_HaveNoApplianceBlock(string fixture)
    {
        Assert.Null(MenuFixtures.Parse(fixture).ApplianceContract);
    }

    [Fact]
    public void Problem_NoBlock_SaysToRunUpdateGrub()
    {
        Assert.Contains("update-grub", GrubContract.Problem(null));
    }

    [Fact]
    public void Problem_OlderContract_SaysToRegenerate()
    {
        Assert.Contains("older", GrubContract.Problem(1));
    }

    [Theory]
    [InlineData("# appliance-grub-contract: 2\n# appliance-grub-contract: 1\n", 2)]
    [InlineData("# appliance-grub-contract: x\n", null)]
    [InlineData("# appliance-grub-contract: 99999999999\n", null)]
    [InlineData("", null)]
    public void Find_Markers_HighestWellFormedVersion(string text, int? expected)
    {
        Assert.Equal(expected, GrubContract.Find(text));
    }

    [Fact]
    public void Parse_FallbackEntryOfTheBlock_IsNotPartOfTheMenu()
    {
        string script = File.ReadAllText(Path.Combine(RepoPaths.Root, "grub", "appliance.cfg"));
        string stock = MenuFixtures.Text("generated/debian-12-grub-mkconfig.grub.cfg");

        var menu = Appliance.Core.Menu.GrubConfigParser.Parse(script + stock);

        Assert.Equal(MenuFixtures.Parse("generated/debian-12-grub-mkconfig.grub.cfg").Entries.Select(e => e.Path), menu.Entries.Select(e => e.Path));
        Assert.Equal(GrubContract.Version, menu.ApplianceContract);
    }
}
