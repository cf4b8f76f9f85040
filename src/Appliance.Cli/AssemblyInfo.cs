// Appliance drives Linux kernel interfaces only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
