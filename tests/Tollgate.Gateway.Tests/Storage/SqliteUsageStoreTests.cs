using Microsoft.Data.Sqlite;
using Tollgate.Gateway.Storage;

namespace Tollgate.Gateway.Tests.Storage;

public sealed class SqliteUsageStoreTests
{
    private static readonly DateOnly Day1 = new(2024, 2, 28);

    [Fact]
    public void Constructor_MissingDirectory_CreatesFileInWalMode()
    {
        using var dir = new TempDirectory();
        var path = System.IO.Path.Combine(dir.Path, "data", "tollgate.db");
        using var store = new SqliteUsageStore(path);
        Assert.True(File.Exists(path));
        Assert.Equal("wal", store.JournalMode);
    }

    [Fact]
    public void Add_SameDayTwice_SumsAndSurvivesReopen()
    {
        using var dir = new TempDirectory();
        using (var store = new SqliteUsageStore(dir.File("u.db")))
        {
            store.Add([new DailyUsage("k1", "p1", Day1, 5), new DailyUsage("k1", "p1", Day1.AddDays(1), 2)]);
            store.Add([new DailyUsage("k1", "p1", Day1, 3), new DailyUsage("k2", "p1", Day1, 1)]);
        }
        using (var reopened = new SqliteUsageStore(dir.File("u.db")))
        {
            Assert.Equal(
                [new DailyUsage("k1", "p1", Day1, 8), new DailyUsage("k1", "p1", Day1.AddDays(1), 2), new DailyUsage("k2", "p1", Day1, 1)],
                reopened.Read("p1", Day1, Day1.AddDays(5), keyId: null));
            Assert.Equal([new DailyUsage("k2", "p1", Day1, 1)], reopened.Read("p1", Day1, Day1, "k2"));
            Assert.Equal(10, reopened.SumUsed("p1", "k1", Day1, Day1.AddDays(1)));
            Assert.Equal(2, reopened.SumUsed("p1", "k1", Day1.AddDays(1), Day1.AddDays(1)));
            Assert.Equal(0, reopened.SumUsed("p2", "k1", Day1, Day1.AddDays(1)));
        }
    }

    [Fact]
    public void GetOrAddPlanStart_SecondCallLater_KeepsTheFirstDay()
    {
        using var dir = new TempDirectory();
        using (var store = new SqliteUsageStore(dir.File("u.db")))
        {
            Assert.Equal(Day1, store.GetOrAddPlanStart("p1", Day1));
        }
        using var reopened = new SqliteUsageStore(dir.File("u.db"));
        Assert.Equal(Day1, reopened.GetOrAddPlanStart("p1", Day1.AddDays(40)));
        Assert.Equal(Day1.AddDays(40), reopened.GetOrAddPlanStart("p2", Day1.AddDays(40)));
    }

    [Fact]
    public void Constructor_DiskFullOnFirstStart_ErrorNamesTheFileAndSqlitesReason()
    {
        // Every write to /dev/full fails with ENOSPC: the first start on a full disk, for real.
        Assert.True(File.Exists("/dev/full"), "this test needs /dev/full (Linux)");
        using var dir = new TempDirectory();
        var path = dir.File("tollgate.db");
        File.CreateSymbolicLink(path, "/dev/full");

        var error = Assert.Throws<SqliteException>(() => new SqliteUsageStore(path));

        Assert.Equal(13, error.SqliteErrorCode);
        Assert.Equal($"cannot create the usage tables in '{path}': SQLite Error 13: 'database or disk is full'.", error.Message);
    }

    [Fact]
    public void Constructor_FileIsNotADatabase_ErrorNamesTheFileAndSqlitesReason()
    {
        using var dir = new TempDirectory();
        var path = dir.File("tollgate.db");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<SqliteException>(() => new SqliteUsageStore(path));

        Assert.Equal(26, error.SqliteErrorCode);
        Assert.Equal($"cannot create the usage tables in '{path}': SQLite Error 26: 'file is not a database'.", error.Message);
    }
}
