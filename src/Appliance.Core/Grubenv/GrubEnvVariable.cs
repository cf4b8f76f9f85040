namespace Appliance.Core.Grubenv;

/// <summary>One <c>name=value</c> record, unescaped, with the offset of its first byte in the block.</summary>
public readonly record struct GrubEnvVariable(string Name, string Value, int Offset);
