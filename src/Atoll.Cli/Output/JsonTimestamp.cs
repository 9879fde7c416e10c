using System.Globalization;
using System.Text.Json;

namespace Atoll.Cli.Output;

/// <summary>Times in <c>--json</c> output as Cloudflare's API writes them: UTC, milliseconds, a trailing <c>Z</c>.</summary>
internal static class JsonTimestamp
{
    public static void Write(Utf8JsonWriter json, string name, DateTimeOffset time)
        => json.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
}
