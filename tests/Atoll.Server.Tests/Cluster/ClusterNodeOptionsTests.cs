using Atoll.Server.Cluster;
using Atoll.Server.Tests.CrashSafety;

namespace Atoll.Server.Tests.Cluster;

/// <summary>Cluster settings are checked at start: membership kind and the connection strings it needs.</summary>
public sealed class ClusterNodeOptionsTests
{
    static ClusterNodeOptions Cluster(string membership, string? redis = null) => new()
    {
        Enabled = true,
        PostgresConnectionString = "Host=127.0.0.1;Username=postgres;Database=atoll",
        Membership = membership,
        RedisConnectionString = redis,
    };

    [Theory]
    [InlineData("postgres", null)]
    [InlineData("Postgres", null)]
    [InlineData("redis", "127.0.0.1:6379")]
    [InlineData("REDIS", "127.0.0.1:6379,abortConnect=false")]
    public void Validate_accepts_each_membership_kind_with_what_it_needs(string membership, string? redis)
    {
        var options = Cluster(membership, redis);
        options.Validate();
        Assert.Equal(redis is not null, options.UsesRedisMembership);
    }

    [Fact]
    public void Membership_is_postgres_by_default()
    {
        var options = new ClusterNodeOptions { Enabled = true, PostgresConnectionString = "Host=127.0.0.1" };
        options.Validate();
        Assert.False(options.UsesRedisMembership);
    }

    [Fact]
    public void Validate_names_an_unknown_membership_kind()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Cluster("etcd").Validate());
        Assert.Contains("Atoll:Cluster:Membership", error.Message);
        Assert.Contains("'etcd'", error.Message);
    }

    [Fact]
    public void Validate_requires_the_redis_connection_string_for_redis_membership()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Cluster("redis").Validate());
        Assert.Contains("Atoll:Cluster:RedisConnectionString is required", error.Message);
    }

    [Theory]
    [InlineData("abortConnect=maybe")]
    [InlineData("ssl=false")]
    public void Validate_rejects_a_redis_connection_string_that_does_not_parse_or_names_no_endpoint(string redis)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Cluster("redis", redis).Validate());
        Assert.Contains("Atoll:Cluster:RedisConnectionString", error.Message);
    }

    [Fact]
    public void Redis_membership_still_needs_postgres_for_the_catalog()
    {
        var options = Cluster("redis", "127.0.0.1:6379");
        options.PostgresConnectionString = null;
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Atoll:Cluster:PostgresConnectionString is required", error.Message);
    }

    [Fact]
    public async Task An_unknown_membership_kind_stops_the_server_at_start_with_one_line()
    {
        var data = Path.Combine(Path.GetTempPath(), "atoll-membership-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, stdout, stderr) = await ServerProcess.RunToExitAsync(["--urls", "http://127.0.0.1:0", "--data-dir", data,
                "--Atoll:Cluster:Enabled=true", "--Atoll:Cluster:PostgresConnectionString=Host=127.0.0.1", "--Atoll:Cluster:Membership=zookeeper"],
                TestContext.Current.CancellationToken);
            Assert.True(code != 0, $"exit {code}\n{stdout}\n{stderr}");
            var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            Assert.Contains("Atoll:Cluster:Membership must be postgres or redis, not 'zookeeper'", line);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }
}
