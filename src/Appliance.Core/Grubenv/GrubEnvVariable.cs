namespace Appliance.Core.Grubenv;

/// <summary>
/// One <c>name=value</c> record, unescaped, with the offset of its first byte in the block.
/// GRUB holds names and values as bytes, and another tool may have written bytes that are not
/// UTF-8 (a Latin-1 title, say). GRUB accepts such a block, so Appliance does too: the record's
/// bytes stay in the block untouched, and <see cref="Name"/> and <see cref="Value"/> show them with
/// U+FFFD where they are not UTF-8 (<see cref="IsUtf8"/> false).
/// </summary>
public readonly record struct GrubEnvVariable(string Name, string Value, int Offset, bool IsUtf8 = true);
