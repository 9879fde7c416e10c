using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Atoll.Cluster.Tests;

/// <summary>The same 3-node cluster with the Orleans dashboard on every node (<c>Atoll:OrleansDashboard:Enabled=true</c>).</summary>
public sealed class OrleansDashboardClusterFixture() : ClusterFixture("postgres", "--Atoll:OrleansDashboard:Enabled=true");

/// <summary>Each node's Orleans dashboard shows the whole cluster, to the admin token only.</summary>
public sealed class OrleansDashboardTests(OrleansDashboardClusterFixture cluster) : IClassFixture<OrleansDashboardClusterFixture>
{
    [Fact]
    public async Task Every_node_lists_all_three_silos_by_node_name_and_asks_for_the_admin_token()
    {
        var ct = TestContext.Current.CancellationToken;
        await cluster.EnsureAllRunningAsync(ct);
        var admin = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:" + ClusterFixture.AdminToken)));
        foreach (var through in cluster.Nodes)
        {
            // The node's own client sends the admin token as Bearer: a bare one for the refusal.
            using (var anonymous = new HttpClient { BaseAddress = through.Client.BaseAddress })
            using (var refused = await anonymous.GetAsync("/orleans/DashboardCounters", ct))
                Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized && refused.Headers.WwwAuthenticate.Count == 1,
                    $"{through.Name} without credentials: {(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync(ct)}");

            // The dashboard grain samples membership once a second: poll (generously) until all three are listed active.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            string[] active;
            string text;
            do
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/orleans/DashboardCounters") { Headers = { Authorization = admin } };
                using var response = await through.Client.SendAsync(request, ct);
                text = await response.Content.ReadAsStringAsync(ct);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{through.Name}: {(int)response.StatusCode} {text}\n{cluster.Logs()}");
                active = [.. JsonDocument.Parse(text).RootElement.GetProperty("hosts").EnumerateArray()
                    .Where(h => h.GetProperty("status").GetString() == "Active").Select(h => h.GetProperty("siloName").GetString()!)
                    .Order(StringComparer.Ordinal)];
                if (active.SequenceEqual(["node1", "node2", "node3"])) break;
                await Task.Delay(500, ct);
            } while (DateTime.UtcNow < deadline);
            Assert.True(active.SequenceEqual(["node1", "node2", "node3"]), $"{through.Name} lists active [{string.Join(", ", active)}]: {text}");
        }
    }
}
