using Appliance.Core.Config;
using Appliance.Core.Health;
using Appliance.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace Appliance.Tests.Core.Configuration;

public sealed class ConfigParserTests
{
    private static ConfigParseResult Parse(string text) => ConfigParser.Parse([("appliance.conf", text)]);

    private static string Errors(ConfigParseResult r) => string.Join("\n", r.Errors);

    private static T Setting<T>(ApplianceConfig config, string name) where T : BuiltinCheckSettings =>
        Assert.IsType<T>(Assert.Single(config.BuiltinChecks, c => c.Name == name));

    [Fact]
    public void Parse_NoFiles_GivesDocumentedDefaults()
    {
        ConfigParseResult r = ConfigParser.Parse([]);

        ApplianceConfig c = Assert.IsType<ApplianceConfig>(r.Config);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(3, c.Boot.Tries);
        Assert.Equal(TimeSpan.FromSeconds(120), c.Boot.ValidateDeadline);
        Assert.True(c.Boot.ArmKexec);
        Assert.True(c.Boot.RebootOnFailure);
        Assert.Equal("/etc/appliance/checks.d", c.Checks.Directory);
        Assert.Equal(TimeSpan.FromSeconds(30), c.Checks.Timeout);
        Assert.Equal(65536, c.Checks.OutputLimitBytes);
        Assert.Equal(4, c.Checks.MaxParallel);
        Assert.Equal(["fd", "load", "memory", "systemd"], c.BuiltinChecks.Select(b => b.Name));
        Assert.True(Setting<SystemdStateSettings>(c, "systemd").Required);
        Assert.False(Setting<MemorySettings>(c, "memory").Required);
        Assert.Equal(5, Setting<MemorySettings>(c, "memory").MinAvailablePercent);
        Assert.Equal(90, Setting<FileDescriptorSettings>(c, "fd").MaxUsedPercent);
    }

    [Fact]
    public void Parse_AllBootAndChecksKeys_SetsThem()
    {
        ConfigParseResult r = Parse("""
            # a comment
            ; another
            [Boot]
            Tries = 5
            ValidateDeadlineSec=2min 30s
            ArmKexec=no
            RebootOnFailure=off

            [Checks]
            Directory=/srv//checks/
            TimeoutSec=45s
            OutputLimitBytes=8K
            MaxParallel=1
            """);

        Assert.Equal("", Errors(r));
        ApplianceConfig c = r.Config!;
        Assert.Equal(new BootConfig { Tries = 5, ValidateDeadline = TimeSpan.FromSeconds(150), ArmKexec = false, RebootOnFailure = false }, c.Boot);
        Assert.Equal(new ChecksConfig { Directory = "/srv/checks", Timeout = TimeSpan.FromSeconds(45), OutputLimitBytes = 8192, MaxParallel = 1 }, c.Checks);
    }

    [Fact]
    public void Parse_MisspeltKey_ErrorNamesFileLineSectionAndSuggestion()
    {
        ConfigParseResult r = Parse("[Boot]\n\nTriess=1\n");

        Assert.Null(r.Config);
        Assert.Equal("appliance.conf:3: unknown key 'Triess' in [Boot] (did you mean 'Tries'?)", Errors(r));
    }

    [Fact]
    public void Parse_KeyInWrongCase_IsUnknownWithSuggestion()
    {
        Assert.Equal("appliance.conf:2: unknown key 'tries' in [Boot] (did you mean 'Tries'?)", Errors(Parse("[Boot]\ntries=2")));
    }

    [Fact]
    public void Parse_UnknownSection_ErrorAndItsKeysAreNotApplied()
    {
        ConfigParseResult r = Parse("[Bot]\nTries=1\n");

        Assert.Null(r.Config);
        Assert.Equal("appliance.conf:1: unknown section [Bot] (did you mean 'Boot'?)", Errors(r));
    }

    [Fact]
    public void Parse_ExtensionSectionsAndKeys_IgnoredSilently()
    {
        ConfigParseResult r = Parse("[X-Vendor]\nAnything=goes\n[Boot]\nX-Note=hello\nTries=2\n");

        Assert.Empty(r.Diagnostics);
        Assert.Equal(2, r.Config!.Boot.Tries);
    }

    [Fact]
    public void Parse_WatchdogSection_LeftToTheWatchdogParser()
    {
        ConfigParseResult r = Parse("[Watchdog]\nTimeout=30\nDevice=/dev/watchdog1\n");

        Assert.Empty(r.Diagnostics);
        Assert.NotNull(r.Config);
    }

    [Theory]
    [InlineData("Tries=0", "invalid value '0' for Tries in [Boot]: expected a whole number from 1 to 9")]
    [InlineData("Tries=10", "invalid value '10' for Tries in [Boot]: expected a whole number from 1 to 9")]
    [InlineData("Tries=3 # three", "invalid value '3 # three' for Tries in [Boot]: expected a whole number from 1 to 9")]
    [InlineData("ArmKexec=maybe", "invalid value 'maybe' for ArmKexec in [Boot]: expected yes or no")]
    [InlineData("ValidateDeadlineSec=5 fortnights", "invalid value '5 fortnights' for ValidateDeadlineSec in [Boot]: expected a time span from 1s to 86400s, such as 30 or 1min 30s")]
    [InlineData("ValidateDeadlineSec=0", "invalid value '0' for ValidateDeadlineSec in [Boot]: expected a time span from 1s to 86400s, such as 30 or 1min 30s")]
    [InlineData("StabilitySec=2d", "invalid value '2d' for StabilitySec in [Boot]: expected a time span from 0s to 86400s, such as 30 or 1min 30s")]
    [InlineData("StabilitySec=-5", "invalid value '-5' for StabilitySec in [Boot]: expected a time span from 0s to 86400s, such as 30 or 1min 30s")]
    public void Parse_BadBootValue_ErrorSaysWhatIsAccepted(string line, string message)
    {
        Assert.Equal($"appliance.conf:2: {message}", Errors(Parse($"[Boot]\n{line}\n")));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("StabilitySec=0", 0)]
    [InlineData("StabilitySec=5min", 300)]
    [InlineData("StabilitySec=90", 90)]
    public void Parse_StabilitySec_WindowInSecondsZeroByDefault(string line, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Parse($"[Boot]\n{line}\n").Config!.Boot.Stability);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("RejectByKexec=yes", true)]
    [InlineData("RejectByKexec=no", false)]
    public void Parse_RejectByKexec_OnByDefault(string line, bool on)
    {
        Assert.Equal(on, Parse($"[Boot]\n{line}\n").Config!.Boot.RejectByKexec);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("RescueByKexec=yes", true)]
    [InlineData("RescueByKexec=no", false)]
    public void Parse_RescueByKexec_OnByDefault(string line, bool on)
    {
        Assert.Equal(on, Parse($"[Boot]\n{line}\n").Config!.Boot.RescueByKexec);
    }

    [Theory]
    [InlineData("Directory=relative/path", "expected an absolute path without . or .. components")]
    [InlineData("Directory=/etc/../../outside", "expected an absolute path without . or .. components")]
    [InlineData("OutputLimitBytes=100", "expected a size from 1024 to 16777216 bytes, such as 65536 or 64K")]
    [InlineData("OutputLimitBytes=1G", "expected a size from 1024 to 16777216 bytes, such as 65536 or 64K")]
    [InlineData("MaxParallel=0", "expected a whole number from 1 to 64")]
    public void Parse_BadChecksValue_Error(string line, string expected)
    {
        Assert.EndsWith(expected, Errors(Parse($"[Checks]\n{line}\n")));
    }

    [Fact]
    public void Parse_DropIns_LaterFileWinsKeyByKey()
    {
        ConfigParseResult r = ConfigParser.Parse(
        [
            ("appliance.conf", "[Boot]\nTries=5\nArmKexec=no\n"),
            ("10-a.conf", "[Boot]\nTries=7\n"),
            ("20-b.conf", "[Boot]\nTries=2\n"),
        ]);

        Assert.Equal(2, r.Config!.Boot.Tries);
        Assert.False(r.Config.Boot.ArmKexec);
    }

    [Fact]
    public void Parse_EmptyValue_ResetsToDefault()
    {
        ConfigParseResult r = ConfigParser.Parse([("appliance.conf", "[Boot]\nTries=5\n"), ("10.conf", "[Boot]\nTries=\n")]);

        Assert.Equal(3, r.Config!.Boot.Tries);
    }

    [Fact]
    public void Parse_ErrorInDropIn_NamesTheDropIn()
    {
        ConfigParseResult r = ConfigParser.Parse([("/etc/appliance/appliance.conf", "[Boot]\n"), ("/etc/appliance/appliance.conf.d/10.conf", "\n[Boot]\nTries=x\n")]);

        ConfigDiagnostic d = Assert.Single(r.Errors);
        Assert.Equal(("/etc/appliance/appliance.conf.d/10.conf", 3), (d.File, d.Line));
    }

    [Fact]
    public void Parse_SeveralErrors_ReportsEveryOne()
    {
        ConfigParseResult r = Parse("[Boot]\nTries=0\nFoo=1\n[Nope]\n[Checks]\nMaxParallel=x\n");

        Assert.Equal([2, 3, 4, 6], r.Errors.Select(e => e.Line).Order());
    }

    [Theory]
    [InlineData("Tries=3\n[Boot]", 1, "'Tries' is outside of any section")]
    [InlineData("[Boot]\njust words", 2, "expected Key=Value, [Section] or a comment, not 'just words'")]
    [InlineData("[Boot", 1, "invalid section header '[Boot'")]
    [InlineData("[Boot]\n=3", 2, "assignment without a key: '=3'")]
    public void Parse_MalformedLine_Error(string text, int line, string message)
    {
        ConfigDiagnostic d = Assert.Single(Parse(text).Errors);
        Assert.Equal((line, message), (d.Line, d.Message));
    }

    [Fact]
    public void Parse_TrailingBackslash_ContinuesLineAndReportsItsFirstLine()
    {
        ConfigParseResult r = Parse("[Checks]\nTimeoutSec=1min \\\n# dropped\n 30s\nMaxParallel=\\\nx\n");

        Assert.Equal(TimeSpan.FromSeconds(90), ConfigParser.Parse([("a", "[Checks]\nTimeoutSec=1min \\\n# dropped\n 30s\n")]).Config!.Checks.Timeout);
        ConfigDiagnostic d = Assert.Single(r.Errors);
        Assert.Equal(5, d.Line);
    }

    [Fact]
    public void Parse_CrLfLineEnds_Accepted()
    {
        Assert.Equal(4, Parse("[Boot]\r\nTries=4\r\n").Config!.Boot.Tries);
    }

    [Fact]
    public void Parse_BuiltinSection_TypeInferredFromName()
    {
        ConfigParseResult r = Parse("[Check:load]\nMaxLoad1=8.5\nRequired=yes\n[Check:systemd]\nAllowDegraded=yes\n");

        LoadAverageSettings load = Setting<LoadAverageSettings>(r.Config!, "load");
        Assert.Equal(8.5, load.MaxLoad1);
        Assert.True(load.Required);
        Assert.True(Setting<SystemdStateSettings>(r.Config!, "systemd").AllowDegraded);
    }

    [Fact]
    public void Parse_NamedInstances_EachTyped_AndTypeMaySitInAnotherFile()
    {
        ConfigParseResult r = ConfigParser.Parse(
        [
            ("appliance.conf", "[Check:data]\nMinFreeMiB=500\n[Check:heartbeat]\nType=freshness\nPath=/run/app/beat\nMaxAgeSec=1min\n"),
            ("10.conf", "[Check:data]\nType=filesystem\nPath=/data\nWriteProbe=no\n[Check:appd]\nType=process\nPidFile=/run/appd.pid\n"),
        ]);

        Assert.Equal("", Errors(r));
        Assert.Equal(new FilesystemSettings("data", Path: "/data", MinFreeMiB: 500, WriteProbe: false), Setting<FilesystemSettings>(r.Config!, "data"));
        Assert.Equal(new FreshnessSettings("heartbeat", Path: "/run/app/beat", MaxAge: TimeSpan.FromMinutes(1)), Setting<FreshnessSettings>(r.Config!, "heartbeat"));
        Assert.Equal(new ProcessAliveSettings("appd", PidFile: "/run/appd.pid"), Setting<ProcessAliveSettings>(r.Config!, "appd"));
        Assert.Equal(["appd", "data", "fd", "heartbeat", "load", "memory", "systemd"], r.Config!.BuiltinChecks.Select(c => c.Name));
    }

    [Fact]
    public void Parse_CheckWithoutType_ErrorListsTypes()
    {
        Assert.Equal(
            "appliance.conf:1: [Check:data] needs Type= (one of fd, filesystem, freshness, i2c-temperature, load, memory, process, systemd)",
            Errors(Parse("[Check:data]\nPath=/data\n")));
    }

    [Fact]
    public void Parse_MisspeltType_ErrorWithSuggestion()
    {
        Assert.StartsWith(
            "appliance.conf:2: unknown Type 'filesytem' in [Check:data] (did you mean 'filesystem'?)",
            Errors(Parse("[Check:data]\nType=filesytem\nPath=/data\n")));
    }

    [Fact]
    public void Parse_KeyOfAnotherCheckType_Unknown()
    {
        Assert.Equal("appliance.conf:2: unknown key 'MaxLoad1' in [Check:memory]", Errors(Parse("[Check:memory]\nMaxLoad1=3\n")));
    }

    [Theory]
    [InlineData("[Check:data]\nType=filesystem\n", "appliance.conf:2: [Check:data] needs Path= (the mount point to check)")]
    [InlineData("[Check:t]\nType=i2c-temperature\nMaxCelsius=70\n", "appliance.conf:3: [Check:t] needs Bus= (the N of /dev/i2c-N; i2cdetect -l lists them)")]
    [InlineData("[Check:t]\nType=i2c-temperature\nBus=1\n", "appliance.conf:3: [Check:t] needs MaxCelsius= (the temperature above which the machine is not healthy)")]
    [InlineData("[Check:beat]\nType=freshness\nPath=/x\n", "appliance.conf:3: [Check:beat] needs MaxAgeSec=")]
    [InlineData("[Check:d]\nType=process\n", "appliance.conf:2: [Check:d] needs PidFile=")]
    public void Parse_CheckMissingItsSubject_ErrorAtLastLineOfSection(string text, string expected)
    {
        Assert.Equal(expected, Errors(Parse(text)));
    }

    [Theory]
    [InlineData("[Check:]")]
    [InlineData("[Check:a b]")]
    [InlineData("[Check:-x]")]
    public void Parse_InvalidCheckName_Error(string header)
    {
        Assert.Contains("invalid check name", Errors(Parse(header + "\nType=load\n")));
    }

    [Fact]
    public void Parse_DisabledDefaultCheck_KeptButDisabled()
    {
        Assert.False(Setting<SystemdStateSettings>(Parse("[Check:systemd]\nEnabled=no\n").Config!, "systemd").Enabled);
    }

    [Fact]
    public void Parse_AnyText_NeverThrows_AndConfigOnlyWithoutErrors()
    {
        Gen<string> line = Gen.Elements(
            "[Boot]", "[Checks]", "[Check:x]", "[Check:load]", "[Nope]", "[", "Tries=3", "Tries=", "Tries=99", "Type=load", "Type=filesystem",
            "Path=/a", "MaxLoad1=2", "# c", "", "\\", "Directory=/d", "TimeoutSec=1min", "x", "=", "X-A=1", "Required=yes");
        FsCheck.Check.One(
            Properties.Runs(2000),
            Prop.ForAll(Arb.From(Gen.ArrayOf(line)), lines =>
            {
                ConfigParseResult r = Parse(string.Join("\n", lines));
                return (r.Config is null) == r.Errors.Any() && r.Diagnostics.All(d => d.Line >= 1 && d.Line <= lines.Length);
            }));
    }

    [Fact]
    public void Parse_TriesInRange_RoundTrips()
    {
        FsCheck.Check.One(
            Properties.Runs(200),
            Prop.ForAll(Arb.From(Gen.Choose(1, 9)), n => Parse($"[Boot]\nTries={n}\n").Config!.Boot.Tries == n));
    }

    [Fact]
    public void Require_WithErrors_ThrowsConfigExceptionListingThem()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("[Boot]\nTries=0\nFoo=1\n").Require());

        Assert.Equal(2, e.Message.Split('\n').Length);
        Assert.StartsWith("appliance.conf:2: ", e.Message);
    }

    [Theory]
    [InlineData("0x4a", 0x4a)]
    [InlineData("0X4A", 0x4a)]
    [InlineData("74", 74)]
    [InlineData("", 0x48)]
    public void Parse_I2cTemperatureAddress_DecimalOrHex(string address, int expected)
    {
        ConfigParseResult r = Parse($"[Check:board]\nType=i2c-temperature\nBus=1\nAddress={address}\nMaxCelsius=70.5\n");

        Assert.Equal("", Errors(r));
        var s = Setting<I2cTemperatureSettings>(r.Config!, "board");
        Assert.Equal(expected, s.Address);
        Assert.Equal(1, s.Bus);
        Assert.Equal(70.5, s.MaxCelsius);
    }

    [Theory]
    [InlineData("0x78")]
    [InlineData("0x02")]
    [InlineData("0x")]
    [InlineData("0x4g")]
    [InlineData("-1")]
    public void Parse_I2cTemperatureAddressOutsideSevenBitClientRange_NamesTheRange(string address)
    {
        ConfigParseResult r = Parse($"[Check:board]\nType=i2c-temperature\nBus=1\nAddress={address}\nMaxCelsius=70\n");

        Assert.Null(r.Config);
        Assert.Contains("appliance.conf:4:", Errors(r));
        Assert.Contains("0x03 to 0x77", Errors(r));
    }
}
