using Microsoft.Data.Sqlite;

namespace Tollgate.Gateway.Tests.Storage;

public sealed class SqliteSmokeTests
{
    [Fact]
    public void Open_FileDatabaseInWalMode_ReadsBackARow()
    {
        var dir = Path.Combine(Path.GetTempPath(), "tollgate-smoke-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using (var connection = new SqliteConnection("Data Source=" + Path.Combine(dir, "smoke.db") + ";Pooling=False"))
            {
                connection.Open();
                using var cmd = connection.CreateCommand();
                cmd.CommandText = "PRAGMA journal_mode=WAL;";
                Assert.Equal("wal", (string?)cmd.ExecuteScalar());
                cmd.CommandText = "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (42); SELECT x FROM t; ";
                Assert.Equal(42L, (long)cmd.ExecuteScalar()!);
                cmd.CommandText = "SELECT sqlite_version();";
                Assert.False(string.IsNullOrEmpty((string?)cmd.ExecuteScalar()));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
