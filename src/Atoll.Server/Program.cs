using Atoll.Server.Hosting;

return await ServerCommand.RunAsync(args);

/// <summary>The server's entry point (public so tests can find the assembly).</summary>
public partial class Program;
