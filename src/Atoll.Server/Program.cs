using Atoll.Server.Binding;
using Atoll.Server.Hosting;

if (args is ["worker-config", .. var rest]) return WorkerConfigCommand.Run(rest);

var app = AtollApp.Build(args);
await app.RunAsync();
return 0;

/// <summary>The server's entry point (public so tests can find the assembly).</summary>
public partial class Program;
