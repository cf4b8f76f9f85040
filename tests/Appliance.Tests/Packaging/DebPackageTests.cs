using System.Text;
using Appliance.Tests.Support;

namespace Appliance.Tests.Packaging;

/// <summary>Builds the .deb once per test class, with tools/packaging/deb/build.sh, from the published binary.</summary>
public sealed class DebFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public DebFixture()
    {
        Tools.Require("dpkg-deb", "dpkg");
        var built = Tools.Ok(Tools.Run(TimeSpan.FromMinutes(2), Path.Combine(RepoPaths.Root, "tools/packaging/deb/build.sh"), ApplianceBinary.Program, _dir.Path));
        Deb = Directory.GetFiles(_dir.Path, "appliance_*.deb").Single();
        BuildOutput = built.StdoutText;
    }

    public string Deb { get; }

    public string BuildOutput { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// The .deb in a fresh Debian bookworm root (debootstrap minbase with grub-common and systemd,
/// built once into artifacts/debootstrap and extracted per test): install, units, the purge
/// contract on grubenv, and that nothing of the package is left behind. Needs root (chroot).
/// The first run downloads about 55 MB from the Debian mirror apt uses and takes about a minute.
/// </summary>
public sealed class DebPackageTests(DebFixture fixture) : IClassFixture<DebFixture>
{
    private static readonly TimeSpan Slow = TimeSpan.FromMinutes(4);

    private static readonly string[] OurVariables = ["appliance_trial", "appliance_tries", "appliance_good", "appliance_fallback", "appliance_boot", "appliance_failed"];

    [Fact]
    public void Deb_Control_DependsOnGrubCommonEveryEtcFileAConffileNothingWritableByOthers()
    {
        string control = Tools.Ok(Tools.Run(Slow, "dpkg-deb", "--field", fixture.Deb)).StdoutText;
        Assert.Contains("Package: appliance\n", control);
        Assert.Matches(@"(?m)^Architecture: amd64$", control);
        Assert.Matches(@"(?m)^Depends: .*\blibc6 \(>= 2\.\d+\).*$", control);
        Assert.Matches(@"(?m)^Depends: .*\bgrub-common\b.*$", control);
        // GpioController's libgpiod driver loads libgpiod.so.2 (issue 12).
        Assert.Matches(@"(?m)^Depends: .*\blibgpiod2\b.*$", control);
        Assert.Matches(@"_[0-9][^_]*_amd64\.deb$", fixture.Deb);

        string listing = Tools.Ok(Tools.Run(Slow, "dpkg-deb", "--contents", fixture.Deb)).StdoutText;
        var entries = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.All(entries, e => Assert.Equal("root/root", e[1]));
        Assert.All(entries, e => Assert.True(e[0][5] != 'w' && e[0][8] != 'w', $"group- or world-writable: {string.Join(' ', e)}"));
        var files = entries.Where(e => e[0][0] == '-').Select(e => e[5].TrimStart('.')).ToList();
        Assert.Contains("/usr/bin/appliance", files);
        Assert.Contains("/etc/grub.d/01_appliance", files);
        Assert.Contains("/usr/share/appliance/grub/appliance.cfg", files);
        Assert.Contains("/lib/systemd/system/appliance-validate.service", files);
        Assert.Contains("/lib/systemd/system/appliance-watchdog.service", files);
        Assert.Contains("/etc/appliance/appliance.conf", files);
        Assert.Contains("/usr/share/man/man8/appliance.8.gz", files);
        Assert.Contains("/usr/share/bash-completion/completions/appliance", files);
        Assert.Contains(entries, e => e[5] == "./var/lib/appliance/" && e[0] == "drwxr-xr-x");
        Assert.Contains(entries, e => e[5] == "./etc/grub.d/01_appliance" && e[0] == "-rwxr-xr-x");

        using var control2 = new TempDir();
        Tools.Ok(Tools.Run(Slow, "dpkg-deb", "--control", fixture.Deb, control2.Path));
        var conffiles = File.ReadAllLines(control2.File("conffiles")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(files.Where(f => f.StartsWith("/etc/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList(), conffiles);
        foreach (string script in new[] { "postinst", "prerm", "postrm" })
        {
            Tools.Ok(Tools.Run(Slow, "sh", "-n", control2.File(script)));
        }
    }

    [Fact]
    public void Deb_InstallInFreshDebianRoot_BinaryRunsValidatorEnabledUnitsVerifyConfigParses()
    {
        using var root = NewRoot();
        var install = Install(root);
        Assert.Contains("no /boot/grub/grub.cfg", install.Stderr);

        var help = Chroot(root, "appliance", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("upgrade", help.StdoutText);
        Assert.Contains("metrics", help.StdoutText);

        Assert.Equal("enabled\n", Chroot(root, "systemctl", "is-enabled", "appliance-validate.service").StdoutText);
        Assert.Equal("enabled\n", Chroot(root, "systemctl", "is-enabled", "appliance-trial-deadline.service").StdoutText);
        Assert.Equal("disabled\n", Chroot(root, "systemctl", "is-enabled", "appliance-watchdog.service").StdoutText);
        Assert.True(File.Exists(root.File("etc/systemd/system/boot-complete.target.requires/appliance-validate.service")), "RequiredBy=boot-complete.target link missing");
        Assert.True(File.Exists(root.File("etc/systemd/system/multi-user.target.wants/appliance-validate.service")), "WantedBy=multi-user.target link missing");

        string analyze = Tools.Require("systemd-analyze", "systemd");
        var verify = Tools.Run(Slow, analyze, "verify", "--man=no", $"--root={root.Path}",
            root.File("lib/systemd/system/appliance-validate.service"), root.File("lib/systemd/system/appliance-watchdog.service"), root.File("lib/systemd/system/appliance-trial-deadline.service"));
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim() == "", verify.ToString());

        // The shipped config: no config error (exit 78), in any section.
        var check = Tools.Run(Slow, ApplianceBinary.Program, "--root", root.Path, "check");
        Assert.True(check.ExitCode is 0 or 1, check.ToString());
        Assert.DoesNotContain("appliance.conf", check.Stderr);
        Appliance.Core.Config.ConfigParser.Parse([("appliance.conf", File.ReadAllText(root.File("etc/appliance/appliance.conf")))]).Require();

        // Man page and completion are where man and bash-completion look.
        Assert.True(new FileInfo(root.File("usr/share/man/man8/appliance.8.gz")).Length > 1000);
    }

    /// <summary>
    /// Issue 14: the shipped examples are meant to be used by copying them one level up. A plain
    /// cp (no -p, no chmod) creates the copy with the source's mode less the umask, so the example
    /// must ship 0755: shipped 0644 the copy is not executable and the check cannot run.
    /// </summary>
    [Fact]
    public void Deb_ExampleCheck_PlainCpOneLevelUp_IsRunByCheck()
    {
        using var root = NewRoot();
        Install(root);
        foreach (string example in new[] { "checks.d/required.d/examples/10-default-route", "checks.d/required.d/examples/20-service-active", "checks.d/wanted.d/examples/50-clock-synchronized", "hooks.d/examples/log-event" })
        {
            var mode = File.GetUnixFileMode(root.File("etc/appliance/" + example));
            Assert.True(mode == (UnixFileMode)0b111_101_101, $"/etc/appliance/{example} is {Convert.ToString((int)mode, 8)}, not 755");
        }

        var cp = Chroot(root, "sh", "-c", "umask 022 && cp /etc/appliance/checks.d/required.d/examples/10-default-route /etc/appliance/checks.d/required.d/");
        Assert.True(cp.ExitCode == 0, cp.ToString());

        // The check runs (passing or failing on this machine's routes, both are its own verdict),
        // rather than being refused or failing to execute.
        var check = Tools.Run(Slow, ApplianceBinary.Program, "--root", root.Path, "check");
        string output = check.StdoutText + check.Stderr;
        Assert.True(check.ExitCode is 0 or 1, check.ToString() + "\n" + check.StdoutText);
        Assert.Contains("10-default-route", output);
        Assert.Matches("default route", output);
    }

    [Fact]
    public void Deb_Purge_RemovesOnlyOurGrubenvVariablesStateAndEveryPackageFile()
    {
        using var root = NewRoot();
        string calls = FakeUpdateGrub(root, exitCode: 0);
        Install(root);
        Assert.Equal(["update-grub"], File.ReadAllLines(calls));

        string grubenv = root.File("boot/grub/grubenv");
        GrubEditenv.Create(grubenv);
        GrubEditenv.Ok(GrubEditenv.Set(grubenv, [("my_own", "keep me"), ("saved_entry", "gnulinux-6.1"), ("appliance_tries_extra", "user's")]));
        var set = Chroot(root, "appliance", "env", "set", "appliance_trial=gnulinux-6.2", "appliance_tries=2", "appliance_good=gnulinux-6.1",
            "appliance_fallback=0", "appliance_boot=trial", "appliance_failed=gnulinux-6.0", "next_entry=");
        Assert.True(set.ExitCode == 0, set.ToString());
        Directory.CreateDirectory(root.File("var/lib/appliance/boots"));
        File.WriteAllText(root.File("var/lib/appliance/boots/0b5e.json"), "{}\n");
        Directory.CreateDirectory(root.File("run/appliance/watchdog"));
        File.WriteAllText(root.File("run/appliance/watchdog/state.json"), "{}\n");

        var packaged = Chroot(root, "dpkg", "-L", "appliance").StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.Contains("/usr/bin/appliance", packaged);

        var purge = Chroot(root, "dpkg", "--purge", "appliance");
        Assert.True(purge.ExitCode == 0, purge.ToString());

        string left = Encoding.UTF8.GetString(GrubEditenv.List(grubenv));
        Assert.Equal("my_own=keep me\nsaved_entry=gnulinux-6.1\nappliance_tries_extra=user's\nnext_entry=\n", left);
        Assert.All(OurVariables, v => Assert.DoesNotContain(v + "=", left));

        // Every path of the package is gone, but directories other packages own too.
        foreach (string path in packaged.Where(p => p != "/."))
        {
            string onDisk = root.File(path.TrimStart('/'));
            if (Directory.Exists(onDisk))
            {
                var owner = Chroot(root, "dpkg", "-S", path);
                Assert.True(owner.ExitCode == 0, $"{path} left behind by the purge and owned by no other package");
            }
            else
            {
                Assert.False(File.Exists(onDisk), $"{path} left behind by the purge");
            }
        }

        Assert.False(Directory.Exists(root.File("var/lib/appliance")), "/var/lib/appliance left behind");
        Assert.False(Directory.Exists(root.File("etc/appliance")), "/etc/appliance left behind");
        Assert.False(Directory.Exists(root.File("run/appliance")), "/run/appliance left behind");
        Assert.Equal(["grubenv"], Directory.GetFiles(root.File("boot/grub"), "*grubenv*").Select(f => Path.GetFileName(f)!).ToArray());
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.File("etc/systemd/system"), "appliance*", SearchOption.AllDirectories));
        var status = Chroot(root, "dpkg-query", "-W", "-f=${db:Status-Status}", "appliance");
        Assert.True(status.ExitCode != 0 || status.StdoutText == "not-installed", $"dpkg still knows the package: {status.StdoutText}");

        // update-grub ran on install, on remove and again on purge (the drop-in is gone by then).
        Assert.Equal(["update-grub", "update-grub", "update-grub"], File.ReadAllLines(calls));
    }

    [Fact]
    public void Deb_UpdateGrubFails_InstallAndPurgeSucceedAndSayHowToRunItByHand()
    {
        using var root = NewRoot();
        FakeUpdateGrub(root, exitCode: 1);
        var install = Install(root);
        Assert.Contains("update-grub failed", install.Stderr);
        Assert.Contains("run 'update-grub' by hand", install.Stderr);
        Assert.Equal("ii", Chroot(root, "dpkg-query", "-W", "-f=${db:Status-Abbrev}", "appliance").StdoutText.Trim());

        // A user's own check survives the purge; the package's files do not.
        File.WriteAllText(root.File("etc/appliance/checks.d/required.d/mine"), "#!/bin/sh\nexit 0\n");
        var purge = Chroot(root, "dpkg", "--purge", "appliance");
        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.Contains("run 'update-grub' by hand", purge.Stderr);
        Assert.Contains("/etc/appliance/checks.d/required.d/mine", purge.Stderr);
        Assert.True(File.Exists(root.File("etc/appliance/checks.d/required.d/mine")));
        Assert.False(File.Exists(root.File("etc/appliance/appliance.conf")));
        Assert.False(Directory.Exists(root.File("etc/appliance/hooks.d")));
    }

    private static TempDir NewRoot()
    {
        Tools.RequireRoot("chroot and dpkg in a Debian root");
        Tools.Require("debootstrap", "debootstrap");
        var root = new TempDir();
        Tools.Ok(Tools.Run(Slow, Path.Combine(RepoPaths.Root, "tools/packaging/deb/test-root.sh"), root.Path));
        return root;
    }

    private ProcessResult Install(TempDir root)
    {
        File.Copy(fixture.Deb, root.File("tmp/appliance.deb"), overwrite: true);
        var install = Chroot(root, "dpkg", "-i", "/tmp/appliance.deb");
        Assert.True(install.ExitCode == 0, install.ToString() + "\n" + install.StdoutText);
        return install;
    }

    /// <summary>A grub.cfg, so the scripts know GRUB is in use, and an update-grub that records its calls and exits with <paramref name="exitCode"/>.</summary>
    private static string FakeUpdateGrub(TempDir root, int exitCode)
    {
        root.Write("boot/grub/grub.cfg", "set default=0\n");
        string script = root.Write("usr/sbin/update-grub", $"#!/bin/sh\necho \"update-grub $*\" | sed 's/ *$//' >>/tmp/update-grub.calls\necho 'update-grub: simulated' >&2\nexit {exitCode}\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        return root.File("tmp/update-grub.calls");
    }

    private static ProcessResult Chroot(TempDir root, params string[] command) =>
        Tools.Run(Slow, Tools.Require("chroot", "coreutils"), [root.Path, "/usr/bin/env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", .. command]);
}
