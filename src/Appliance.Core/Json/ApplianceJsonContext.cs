using System.Text.Json.Serialization;

namespace Appliance.Core.Json;

/// <summary>Every type Appliance reads or writes as JSON; source-generated so the AOT binary needs no reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Appliance.Core.Menu.MenuListing))]
[JsonSerializable(typeof(Appliance.Core.Journal.BootRecord))]
[JsonSerializable(typeof(List<Appliance.Core.Journal.BootRecord>))]
[JsonSerializable(typeof(Appliance.Core.Status.StatusReport))]
[JsonSerializable(typeof(Appliance.Core.Watchdog.ResetCauseRecord))]
[JsonSerializable(typeof(Appliance.Core.Watchdog.LastStopRecord))]
[JsonSerializable(typeof(Appliance.Core.Watchdog.WatchdogDaemonState))]
[JsonSerializable(typeof(Appliance.Core.Watchdog.WatchdogStatusReport))]
[JsonSerializable(typeof(Appliance.Core.Watchdog.WatchdogInfoReport))]
[JsonSerializable(typeof(Appliance.Core.Watchdog.BoardProfile))]
[JsonSerializable(typeof(Appliance.Core.Health.HealthReport))]
[JsonSerializable(typeof(Appliance.Core.Kexec.ArmedState))]
[JsonSerializable(typeof(Appliance.Core.Kexec.SavedSysctls))]
[JsonSerializable(typeof(Appliance.Core.Kexec.KexecStatusReport))]
[JsonSerializable(typeof(Appliance.Core.Metrics.WatchdogCounters))]
[JsonSerializable(typeof(Appliance.Core.Metrics.MetricTotals))]
[JsonSerializable(typeof(Appliance.Core.Events.EventDescription))]
[JsonSerializable(typeof(Appliance.Core.Quarantine.QuarantineList))]
[JsonSerializable(typeof(Appliance.Core.Boot.StabilityProgress))]
[JsonSerializable(typeof(Appliance.Core.Boot.PanicDrill))]
public sealed partial class ApplianceJsonContext : JsonSerializerContext;
