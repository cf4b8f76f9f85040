using Appliance.Cli;
using Appliance.Linux.Files;
using Appliance.Linux.Kernel;

return new ApplianceApp(Console.Out, Console.Error, TimeProvider.System, LinuxFileSteps.Instance, root => new Rebooter(root, Console.Error)).Run(args);
