using Appliance.Core.Config;
using Appliance.Linux.Config;
using Appliance.Tests.Linux.Health;
using Appliance.Tests.Support;

namespace Appliance.Tests.Linux.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private const string Main = "etc/appliance/appliance.conf";
    private const string DropIns = "etc/appliance/appliance.conf.d";
    private readonly TempDir _root = new();

    public void Dispose() => _root.Dispose();

    private string Conf(string relative, string text) => CheckTree.Text(_root, relative, text);

    [Fact]
    public void Read_NothingThere_Defaults()
    {
        ConfigLoadResult r = ConfigLoader.Read(_root.Path);

        Assert.Equal(ApplianceConfig.Default.Boot, r.Config!.Boot);
        Assert.Empty(r.Diagnostics);
        Assert.Empty(r.Sources);
    }

    [Fact]
    public void Read_DropIns_AppliedInLexicalOrderAfterMainFile()
    {
        Conf(Main, "[Boot]\nTries=2\nArmKexec=no\n");
        Conf($"{DropIns}/20-b.conf", "[Boot]\nTries=7\n");
        Conf($"{DropIns}/10-a.conf", "[Boot]\nTries=5\nRebootOnFailure=no\n");

        ConfigLoadResult r = ConfigLoader.Read(_root.Path);

        Assert.Equal(new BootConfig { Tries = 7, ArmKexec = false, RebootOnFailure = false }, r.Config!.Boot);
        Assert.Equal(["appliance.conf", "10-a.conf", "20-b.conf"], r.Sources.Select(s => Path.GetFileName(s.Path)));
    }

    [Fact]
    public void Read_DropInWithoutConfSuffix_WarnsIgnoring_BackupsSkippedSilently()
    {
        Conf($"{DropIns}/10-tries.cfg", "[Boot]\nTries=1\n");
        Conf($"{DropIns}/10-tries.conf~", "[Boot]\nTries=1\n");
        Conf($"{DropIns}/.10-tries.conf.swp", "junk");

        ConfigLoadResult r = ConfigLoader.Read(_root.Path);

        Assert.Equal(3, r.Config!.Boot.Tries);
        Assert.Equal($"{_root.Path}/{DropIns}/10-tries.cfg: drop-ins must end in .conf, ignoring", Assert.Single(r.Warnings).ToString());
    }

    [Fact]
    public void Read_ErrorInDropIn_NamesItsPathAndLine()
    {
        Conf($"{DropIns}/10-a.conf", "[Boot]\n\nTriess=1\n");

        ConfigLoadResult r = ConfigLoader.Read(_root.Path);

        Assert.Null(r.Config);
        Assert.Equal($"{_root.Path}/{DropIns}/10-a.conf:3: unknown key 'Triess' in [Boot] (did you mean 'Tries'?)", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void Read_WorldWritableConfigFile_RefusedWithChmodHint()
    {
        string path = Conf(Main, "[Boot]\nTries=1\n");
        File.SetUnixFileMode(path, CheckTree.Mode644 | UnixFileMode.OtherWrite);

        ConfigLoadResult r = ConfigLoader.Read(_root.Path);

        Assert.Null(r.Config);
        Assert.Equal($"{path}: refusing config file that is group- or world-writable (mode 0646); fix with: chmod go-w {path}", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void Read_GroupWritableDropInDirectory_Refused()
    {
        Conf($"{DropIns}/10-a.conf", "[Boot]\n");
        string dir = _root.File(DropIns);
        File.SetUnixFileMode(dir, CheckTree.Mode755 | UnixFileMode.GroupWrite);

        ConfigLoadResult r = ConfigLoader.Read(_root.Path);

        Assert.Equal($"{dir}: refusing config directory that is group- or world-writable (mode 0775); fix with: chmod go-w {dir}", Assert.Single(r.Errors).ToString());
    }

    [Fact]
    public void Read_WritableEtc_Refused()
    {
        Conf(Main, "[Boot]\n");
        string etc = _root.File("etc");
        File.SetUnixFileMode(etc, CheckTree.Mode755 | UnixFileMode.OtherWrite);

        Assert.StartsWith($"{etc}: refusing config directory", Assert.Single(ConfigLoader.Read(_root.Path).Errors).ToString());
    }

    [Fact]
    public void Read_FileOwnedByAnotherUser_RefusedWhenRunningAsRoot()
    {
        Assert.True(FileTrust.RunningAsRoot, "this test runs as root, like make test");
        string path = Conf(Main, "[Boot]\n");
        Assert.Equal(0, Appliance.Tests.Support.ProcessRunner.Run("/bin/chown", "1000", path).ExitCode);

        Assert.Equal($"{path}: refusing config file owned by uid 1000, not root; fix with: chown root: {path}", Assert.Single(ConfigLoader.Read(_root.Path).Errors).ToString());
    }

    [Fact]
    public void Load_Errors_ThrowsConfigExceptionWithAllOfThem()
    {
        Conf(Main, "[Boot]\nTries=0\n[Checks]\nMaxParallel=0\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(_root.Path));

        Assert.Equal(2, e.Diagnostics.Count);
    }

    [Fact]
    public void Read_ChecksAndBuiltinSections_ReachConfig()
    {
        Conf(Main, "[Checks]\nDirectory=/srv/checks\n[Check:data]\nType=filesystem\nPath=/data\n");

        ApplianceConfig c = ConfigLoader.Load(_root.Path);

        Assert.Equal("/srv/checks", c.Checks.Directory);
        Assert.Contains(c.BuiltinChecks, b => b.Name == "data");
    }
}
