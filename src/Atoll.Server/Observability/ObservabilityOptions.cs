namespace Atoll.Server.Observability;

/// <summary>Logging and export settings (section <c>Atoll</c>: <c>Atoll:SlowQueryThreshold</c>, <c>Atoll:Otlp:Endpoint</c>).</summary>
public sealed class ObservabilityOptions
{
    /// <summary>A query request slower than this is logged with its duration and rows (one structured line).</summary>
    public TimeSpan SlowQueryThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>OTLP export of traces and metrics; off unless an endpoint is set (or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).</summary>
    public OtlpOptions Otlp { get; set; } = new();
}

/// <summary>Where OTLP goes.</summary>
public sealed class OtlpOptions
{
    /// <summary>The collector, e.g. <c>http://127.0.0.1:4317</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string Protocol { get; set; } = "grpc";
}
