// The tests drive Linux kernel interfaces and the real GRUB tools.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
