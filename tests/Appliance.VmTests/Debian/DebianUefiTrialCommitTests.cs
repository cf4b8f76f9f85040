using Appliance.Vm;

namespace Appliance.VmTests.Debian;

/// <summary>
/// Issue 15: the stock Debian 12 board under UEFI with Secure Boot on (OVMF, Microsoft keys,
/// Debian's signed shim and signed GRUB installed by grub-install --target=x86_64-efi in the
/// guest). The firmware says Secure Boot is on; the README's upgrade procedure stages the new
/// kernel's entry, the signed GRUB boots it from grubenv, appliance-validate.service commits
/// it, and the next plain boot through the signed GRUB stays on it. When that kernel later
/// crashes with no crash kernel loaded, the boot after it names the panic from efi-pstore,
/// which Debian's systemd-pstore.service has moved to its archive by the time the validator runs.
/// </summary>
public sealed class DebianUefiTrialCommitTests(ITestOutputHelper output)
{
    [Fact(Timeout = DebianGuest.ScenarioTimeoutMs)]
    [Trait("Board", DebianBoard.UefiBoardName)]
    public async Task SecureBootOn_HealthyNewKernel_CommittedThroughSignedGrubStaysDefaultAndItsLaterPanicIsNamedFromPstore()
    {
        await using var guest = await DebianGuest.StartPreparedAsync("debian-uefi-commit", output.WriteLine, uefi: true);
        var board = guest.Board;
        Assert.Equal(1, guest.FirmwarePasses);
        Assert.Contains("SecureBoot enabled", await guest.RunAsync("mokutil --sb-state"), StringComparison.Ordinal);
        Assert.Contains("[integrity]", await guest.RunAsync("cat /sys/kernel/security/lockdown"), StringComparison.Ordinal);
        // Logged for the record: firmware (OVMF up to shim), loader (shim and GRUB), kernel, userspace.
        await guest.RunAsync("systemd-analyze || true");

        var trial = await guest.EntryPathAsync(DebianGuest.New);
        await guest.RebootIntoAsync($"appliance upgrade stage '{trial}' --tries 3 --reboot", DebianGuest.New, TimeSpan.FromMinutes(6));
        Assert.Equal(2, guest.FirmwarePasses);
        Assert.Contains("SecureBoot enabled", await guest.RunAsync("mokutil --sb-state"), StringComparison.Ordinal);

        Assert.Equal("active", await guest.WaitValidatedAsync());
        var status = await guest.StatusAsync();
        Assert.Equal("committed", status.GetProperty("last_trial").GetProperty("result").GetString());
        Assert.Equal(trial, status.GetProperty("known_good").GetString());
        var env = await guest.GrubEnvAsync();
        Assert.Equal(trial, DebianGuest.Get(env, "appliance_good"));
        Assert.Equal(trial, DebianGuest.Get(env, "saved_entry"));
        Assert.Equal("", DebianGuest.Get(env, "appliance_trial"));

        var plain = await board.RebootAsync();
        Assert.Equal(DebianGuest.New, plain.KernelRelease);
        Assert.Equal(3, guest.FirmwarePasses);

        // The committed kernel crashes with no crash kernel loaded (the commit disarmed it):
        // efi-pstore keeps the panic in EFI variables, Debian's systemd-pstore.service moves the
        // records to /var/lib/systemd/pstore early on the next boot, and the validator saves the
        // panic from there into that boot's journal record.
        Assert.Contains("efi_pstore", await guest.RunAsync("ls /sys/module"), StringComparison.Ordinal);
        Assert.Equal("enabled", (await guest.RunAsync("systemctl is-enabled systemd-pstore.service || true")).Trim());
        await guest.RunAsync("sysctl -q kernel.panic=1; nohup sh -c 'sleep 2; echo c > /proc/sysrq-trigger' >/dev/null 2>&1 &");
        await guest.WaitUpOnAsync(DebianGuest.New, plain.BootId, TimeSpan.FromMinutes(4));
        Assert.Equal(4, guest.FirmwarePasses);
        await guest.WaitValidatedAsync();
        Assert.Contains("dmesg-efi-", await guest.RunAsync("find /var/lib/systemd/pstore -name 'dmesg-efi-*'"), StringComparison.Ordinal);
        var crashed = await guest.StatusAsync();
        var record = crashed.GetProperty("boots").EnumerateArray().Last();
        Assert.Contains(record.GetProperty("forensics").EnumerateArray(), f => f.GetString()?.Contains("sysrq triggered crash", StringComparison.Ordinal) == true);
    }
}
