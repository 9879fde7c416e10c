using System.Text.Json;
using Atoll.Engine;
using Atoll.Server.Grains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Atoll.Server.Tests.Grains;

public sealed class EngineTypesJsonTests
{
    [Fact]
    public void A_request_crossing_silos_as_JSON_keeps_every_parameter_exactly()
    {
        var options = EngineTypesJson.Options;
        SqlValue[] values = [SqlValue.Null, SqlValue.FromInteger(long.MaxValue), SqlValue.FromInteger(-1), SqlValue.FromReal(2.0),
            SqlValue.FromReal(0.1), SqlValue.FromText("héllo \u2028"), SqlValue.FromUtf8Text("utf8"u8.ToArray()), SqlValue.FromBlob([0, 1, 255])];
        var request = new QueryRequest([new Statement("SELECT ?1, ?2", values)], ResultShape.ColumnsAndRows, StatementResults.LastStatement) { ReadOnly = true };

        var copy = JsonSerializer.Deserialize<QueryRequest>(JsonSerializer.Serialize(request, options), options)!;

        Assert.Equal(values, copy.Statements[0].Params);
        Assert.All(values.Zip(copy.Statements[0].Params), pair => Assert.Equal(pair.First.Kind, pair.Second.Kind));
        Assert.Equal("SELECT ?1, ?2", copy.Statements[0].Sql);
        Assert.Equal((ResultShape.ColumnsAndRows, StatementResults.LastStatement, true), (copy.Shape, copy.Results, copy.ReadOnly));
    }

    [Fact]
    public async Task A_D1_error_crossing_silos_keeps_its_code_and_wording()
    {
        // The silo's own serializer, as configured for messages between nodes (an error thrown by a grain on another node).
        await using var server = await AtollServer.StartAsync();
        var serializer = server.Services.GetRequiredService<Serializer>();
        Exception error = new D1Exception(D1ErrorCode.NotFound, "Not Found");
        var bytes = serializer.SerializeToArray(error);

        var copy = Assert.IsType<D1Exception>(serializer.Deserialize<Exception>(bytes));
        Assert.Equal((D1ErrorCode.NotFound, "Not Found", (int?)null), (copy.Code, copy.Message, copy.SqliteExtendedCode));
        var sql = Assert.IsType<D1Exception>(serializer.Deserialize<Exception>(
            serializer.SerializeToArray<Exception>(new D1Exception(D1ErrorCode.SqlError, "no such table: t: SQLITE_ERROR", 1))));
        Assert.Equal((D1ErrorCode.SqlError, "no such table: t: SQLITE_ERROR", (int?)1), (sql.Code, sql.Message, sql.SqliteExtendedCode));
    }
}
