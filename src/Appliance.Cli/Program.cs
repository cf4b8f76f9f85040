using Appliance.Cli;
using Appliance.Linux.Files;

return new ApplianceApp(Console.Out, Console.Error, TimeProvider.System, LinuxFileSteps.Instance).Run(args);
