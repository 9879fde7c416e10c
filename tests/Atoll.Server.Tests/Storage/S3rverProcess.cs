using System.Diagnostics;
using Atoll.Server.Storage;

namespace Atoll.Server.Tests.Storage;

/// <summary>
/// A real S3-protocol server (s3rver from npm, via <c>tests/compat/lib/s3rver-main.mjs</c>) as a child process on
/// 127.0.0.1, keeping its objects as files in <see cref="Directory"/>. It can be killed and started again on the same
/// port and folder, which is how the tests make object storage unreachable and bring it back.
/// </summary>
internal sealed class S3rverProcess : IAsyncDisposable
{
    public const string Bucket = "atoll";
    const string Credential = "S3RVER"; // s3rver checks signatures against this key pair

    static readonly SemaphoreSlim InstallGate = new(1, 1);
    static bool _installed;
    Process? _process;

    S3rverProcess(string directory) => Directory = directory;

    /// <summary>Where s3rver keeps the bucket's objects.</summary>
    public string Directory { get; }

    public int Port { get; private set; }

    public string ServiceUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Starts s3rver on a free port with a fresh folder and the <see cref="Bucket"/> bucket.</summary>
    public static async Task<S3rverProcess> StartAsync()
    {
        var server = new S3rverProcess(Path.Combine(Path.GetTempPath(), "atoll-s3rver-" + Guid.NewGuid().ToString("N")));
        await server.RunAsync(0);
        return server;
    }

    /// <summary>Store options pointing at this server, objects under <paramref name="prefix"/>.</summary>
    public ObjectStoreOptions Options(string prefix = "") => new()
    {
        Kind = "S3", ServiceUrl = ServiceUrl, Bucket = Bucket, Prefix = prefix, AccessKey = Credential, SecretKey = Credential,
    };

    /// <summary>The server's command-line settings for this store.</summary>
    public string[] ServerArgs(bool waitForUpload, TimeSpan uploadTimeout, string prefix = "") =>
    [
        "--Atoll:ObjectStore:Kind=S3", $"--Atoll:ObjectStore:ServiceUrl={ServiceUrl}", $"--Atoll:ObjectStore:Bucket={Bucket}",
        $"--Atoll:ObjectStore:Prefix={prefix}", $"--Atoll:ObjectStore:AccessKey={Credential}", $"--Atoll:ObjectStore:SecretKey={Credential}",
        $"--Atoll:ObjectStore:WaitForUpload={waitForUpload}", $"--Atoll:ObjectStore:UploadTimeout={uploadTimeout:c}",
    ];

    /// <summary>Kills the process (no goodbye): requests now fail with connection refused.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts again on the same port and folder: every object stored before is served again.</summary>
    public Task RestartAsync() => RunAsync(Port);

    async Task RunAsync(int port)
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = SourceTree.Compat,
            RedirectStandardInput = true, // its lifeline: s3rver exits when this process dies and the pipe closes
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--openssl-legacy-provider", "lib/s3rver-main.mjs", "--port", port.ToString(), "--dir", Directory, "--bucket", Bucket })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            if (e.Data.StartsWith("s3rver listening on ", StringComparison.Ordinal)) listening.TrySetResult(int.Parse(e.Data[20..]));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (output) output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            Port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            await KillAsync();
            lock (output) throw new InvalidOperationException($"s3rver did not start in 30 s:\n{output}");
        }
    }

    /// <summary>Installs the compat suite's npm packages (s3rver among them) once, if a plain <c>dotnet test</c> runs first.</summary>
    static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_installed || File.Exists(Path.Combine(SourceTree.Compat, "node_modules", "s3rver", "package.json"))) return;
            var install = Process.Start(new ProcessStartInfo("bash", [Path.Combine(SourceTree.Root, "scripts", "compat-install.sh")])
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var log = install.StandardError.ReadToEndAsync();
            await install.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await install.WaitForExitAsync(timeout.Token);
            if (install.ExitCode != 0) throw new InvalidOperationException($"scripts/compat-install.sh failed:\n{await log}");
            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
