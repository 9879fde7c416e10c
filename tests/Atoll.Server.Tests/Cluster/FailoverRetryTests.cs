using System.Net;
using Atoll.Server.Cluster;

namespace Atoll.Server.Tests.Cluster;

/// <summary>
/// A write that a drained node left unanswered is retried only when that node had said it was empty, which the retry
/// learns from the silo named in Orleans' exception text: the text must still parse as Orleans 10.4.2 writes it.
/// </summary>
public sealed class FailoverRetryTests
{
    [Fact]
    public void The_target_silo_is_read_from_Orleans_unavailable_silo_message()
    {
        // As Orleans 10.4.2 wrote it in a cluster test's log when a drained node stopped.
        const string message = "The target silo became unavailable for message: IsAlwaysInterleave Request " +
            "[S127.0.0.1:43981:155514276 sys.client/hosted-127.0.0.1:43981@155514276]->[S127.0.0.1:34273:155514276 " +
            "database/32f990b3-4b9a-4834-86d1-448f3f5aa91f] Atoll.Server.Grains.IDatabaseGrain.Query(Atoll.Engine.QueryRequest, " +
            "System.Threading.CancellationToken) #71F7AC6DA253D46C. See https://aka.ms/orleans-troubleshooting for troubleshooting help.";
        Assert.Equal(SiloAddress.New(IPAddress.Loopback, 34273, 155514276), FailoverRetry.TargetSilo(message));
    }

    [Fact]
    public void An_IPv6_silo_is_read_too_and_other_texts_name_none()
    {
        var silo = SiloAddress.New(IPAddress.Parse("fd00::11"), 11111, 7);
        Assert.Equal(silo, FailoverRetry.TargetSilo($"The target silo became unavailable for message: Request [S10.0.0.1:1:2 x]->[{silo} database/x] Q."));
        Assert.Null(FailoverRetry.TargetSilo("The local Orleans host is shutting down and can no longer process the request: x."));
    }

    [Fact]
    public void Only_a_silo_that_said_it_was_empty_before_the_call_counts()
    {
        var draining = new DrainingNodes();
        var silo = SiloAddress.New(IPAddress.Loopback, 34273, 1);
        var before = Environment.TickCount64;
        draining.Add(silo);
        Assert.False(draining.EmptiedBefore(silo, Environment.TickCount64)); // leaving, not yet empty: a call may have run there
        draining.Emptied(silo);
        Assert.True(draining.EmptiedBefore(silo, Environment.TickCount64));
        Assert.False(draining.EmptiedBefore(silo, before - 1)); // sent before it was empty
        Assert.False(draining.EmptiedBefore(SiloAddress.New(IPAddress.Loopback, 34274, 1), Environment.TickCount64));
    }
}
