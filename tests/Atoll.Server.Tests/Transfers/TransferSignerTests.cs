using Atoll.Server.Transfers;
using Microsoft.AspNetCore.Http;

namespace Atoll.Server.Tests.Transfers;

public sealed class TransferSignerTests : IDisposable
{
    readonly TempDataDirectory _data = new();
    readonly ManualTime _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    static HttpRequest Request(string method, string path, string query)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    [Fact]
    public void Check_accepts_the_signed_method_and_path_until_the_url_expires()
    {
        var signer = new TransferSigner(_data.Options, _time);
        var query = signer.Sign("PUT", "/atoll/transfers/uploads/x/a.sql");
        Assert.Null(signer.Check(Request("PUT", "/atoll/transfers/uploads/x/a.sql", query)));
        _time.Now += TransferSigner.Lifetime - TimeSpan.FromSeconds(1);
        Assert.Null(signer.Check(Request("PUT", "/atoll/transfers/uploads/x/a.sql", query)));
        _time.Now += TimeSpan.FromSeconds(2);
        Assert.Equal("the URL has expired", signer.Check(Request("PUT", "/atoll/transfers/uploads/x/a.sql", query)));
    }

    [Theory]
    [InlineData("GET", "/atoll/transfers/uploads/x/a.sql")]
    [InlineData("PUT", "/atoll/transfers/uploads/x/b.sql")]
    public void Check_refuses_another_method_or_path(string method, string path)
    {
        var signer = new TransferSigner(_data.Options, _time);
        var query = signer.Sign("PUT", "/atoll/transfers/uploads/x/a.sql");
        Assert.Equal("the URL's signature does not match", signer.Check(Request(method, path, query)));
    }

    [Fact]
    public void Check_refuses_a_moved_expiry_and_an_unsigned_url()
    {
        var signer = new TransferSigner(_data.Options, _time);
        var query = signer.Sign("GET", "/p");
        var later = query.Replace("expires=", "expires=9", StringComparison.Ordinal);
        Assert.Equal("the URL's signature does not match", signer.Check(Request("GET", "/p", later)));
        Assert.Equal("the URL is not signed (expires and signature are missing)", signer.Check(Request("GET", "/p", "")));
    }

    [Fact]
    public void Secret_survives_a_restart_and_differs_between_servers()
    {
        var query = new TransferSigner(_data.Options, _time).Sign("GET", "/p");
        Assert.Null(new TransferSigner(_data.Options, _time).Check(Request("GET", "/p", query)));
        using var other = new TempDataDirectory();
        Assert.NotNull(new TransferSigner(other.Options, _time).Check(Request("GET", "/p", query)));
    }

    public void Dispose() => _data.Dispose();
}
