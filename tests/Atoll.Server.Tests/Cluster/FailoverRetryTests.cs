using Atoll.Server.Api;
using Atoll.Server.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Atoll.Server.Tests.Cluster;

/// <summary>
/// What the receiving node does with a grain call whose node went away: resend it when that is safe (a read, or a request
/// with an id whose commit is recognised by its receipt), otherwise answer D1's "Network connection lost."; one node
/// never resends.
/// </summary>
public sealed class FailoverRetryTests
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    static FailoverRetry Retry(bool cluster) => new(Options.Create(new ClusterNodeOptions { Enabled = cluster }), NullLogger<FailoverRetry>.Instance);

    // The first attempt fails as a call to a node that died mid-call does; later attempts answer.
    static Func<CancellationToken, ValueTask<int>> DiesOnce(List<int> attempts) => _ =>
    {
        attempts.Add(attempts.Count);
        return attempts.Count == 1 ? throw new SiloUnavailableException("the owner's node died") : ValueTask.FromResult(42);
    };

    [Fact]
    public async Task A_resendable_call_whose_node_died_is_sent_again_and_answers()
    {
        var attempts = new List<int>();
        Assert.Equal(42, await Retry(cluster: true).RunAsync(() => true, DiesOnce(attempts), Ct));
        Assert.Equal(2, attempts.Count);
    }

    [Fact]
    public async Task A_call_that_may_have_written_without_an_id_is_answered_network_connection_lost()
    {
        var attempts = new List<int>();
        var ex = await Assert.ThrowsAsync<ApiException>(() => Retry(cluster: true).RunAsync(() => false, DiesOnce(attempts), Ct));
        Assert.Equal(503, ex.Status);
        Assert.StartsWith("Network connection lost.", ex.Message);
        Assert.Single(attempts);
    }

    [Fact]
    public async Task One_node_never_resends()
    {
        var attempts = new List<int>();
        await Assert.ThrowsAsync<SiloUnavailableException>(() => Retry(cluster: false).RunAsync(() => true, DiesOnce(attempts), Ct));
        Assert.Single(attempts);
    }
}
