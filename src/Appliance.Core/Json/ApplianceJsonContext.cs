using System.Text.Json.Serialization;

namespace Appliance.Core.Json;

/// <summary>Every type Appliance reads or writes as JSON; source-generated so the AOT binary needs no reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Appliance.Core.Journal.BootRecord))]
[JsonSerializable(typeof(List<Appliance.Core.Journal.BootRecord>))]
public sealed partial class ApplianceJsonContext : JsonSerializerContext;
