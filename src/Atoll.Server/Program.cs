using Atoll.Server.Hosting;

var app = AtollApp.Build(args);
await app.RunAsync();

/// <summary>The server's entry point (public so tests can find the assembly).</summary>
public partial class Program;
