using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Tollgate.Gateway.Storage;

/// <summary>
/// The usage log in a SQLite file: table <c>usage(key_id, plan_id, day, used)</c>, one row per
/// key, plan and UTC day (<c>yyyy-MM-dd</c>), and <c>usage_plan(plan_id, first_day)</c>. WAL mode
/// with <c>synchronous=NORMAL</c>: a committed flush survives a process crash; only a power loss
/// can take back the last commits. One connection, used under a lock (the writer is the flush loop
/// once a second, so there is nothing to gain from more).
/// </summary>
internal sealed class SqliteUsageStore : IUsageStore, IDisposable
{
    /// <summary>The database file used when the command line names none.</summary>
    public const string DefaultPath = "./data/tollgate.db";

    private const string DayFormat = "yyyy-MM-dd";
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly string _path;

    /// <summary>
    /// Opens (creating if needed) the database file, its directory and its tables. A database that
    /// cannot be opened or given its tables (a full disk, a read-only or broken file) throws a
    /// <see cref="SqliteException"/> naming the file and SQLite's own reason, with its error codes.
    /// </summary>
    public SqliteUsageStore(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var full = Path.GetFullPath(databasePath);
        _path = full;
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            CreateSchema();
        }
        catch (SqliteException e)
        {
            _connection.Dispose();
            throw new SqliteException($"cannot create the usage tables in '{full}': {e.Message}", e.SqliteErrorCode, e.SqliteExtendedErrorCode);
        }
    }

    /// <summary>
    /// One statement at a time, so that the first failure is the one reported (a later statement
    /// would only complain that the table before it is missing).
    /// </summary>
    private void CreateSchema()
    {
        string[] statements =
        [
            "PRAGMA journal_mode = WAL;",
            "PRAGMA synchronous = NORMAL;",
            "PRAGMA busy_timeout = 5000;",
            """
            CREATE TABLE IF NOT EXISTS usage (
                key_id  TEXT    NOT NULL,
                plan_id TEXT    NOT NULL,
                day     TEXT    NOT NULL,
                used    INTEGER NOT NULL,
                PRIMARY KEY (key_id, plan_id, day)
            ) WITHOUT ROWID;
            """,
            "CREATE INDEX IF NOT EXISTS usage_by_plan_day ON usage (plan_id, day);",
            """
            CREATE TABLE IF NOT EXISTS usage_plan (
                plan_id   TEXT PRIMARY KEY,
                first_day TEXT NOT NULL
            ) WITHOUT ROWID;
            """,
            "PRAGMA user_version = 1;",
        ];
        foreach (var statement in statements)
        {
            Execute(statement);
        }
    }

    /// <summary>The journal mode in force (<c>wal</c>), for start-up diagnostics and tests.</summary>
    public string JournalMode
    {
        get
        {
            lock (_gate)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode;";
                return (string)command.ExecuteScalar()!;
            }
        }
    }

    /// <summary>
    /// Why the store cannot take usage now; null when it can. The file must still be where it was
    /// opened (deleted or replaced, the open connection would go on writing to a file that no one
    /// will read again, and the counts would be gone at the next start) and answer a read of its
    /// tables. Waits for the flush loop at most <paramref name="wait"/>: a probe must answer in time.
    /// </summary>
    public string? Check(TimeSpan wait)
    {
        var path = _path;
        if (!File.Exists(path))
        {
            return $"the database file '{path}' is gone; usage written now would be lost at restart";
        }
        if (!_gate.TryEnter(wait))
        {
            return $"the database '{path}' did not answer within {wait.TotalMilliseconds:0} ms";
        }
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM usage_plan;";
            command.ExecuteScalar();
            return null;
        }
        catch (SqliteException e)
        {
            return $"the database '{path}' cannot be read: {e.Message}";
        }
        finally
        {
            _gate.Exit();
        }
    }

    public DateOnly GetOrAddPlanStart(string planId, DateOnly today)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT OR IGNORE INTO usage_plan (plan_id, first_day) VALUES ($plan, $day);
                SELECT first_day FROM usage_plan WHERE plan_id = $plan;
                """;
            command.Parameters.AddWithValue("$plan", planId);
            command.Parameters.AddWithValue("$day", Format(today));
            return Parse((string)command.ExecuteScalar()!);
        }
    }

    public DateOnly? FindPlanStart(string planId)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT first_day FROM usage_plan WHERE plan_id = $plan;";
            command.Parameters.AddWithValue("$plan", planId);
            return command.ExecuteScalar() is string day ? Parse(day) : null;
        }
    }

    public long SumUsed(string planId, string keyId, DateOnly from, DateOnly to)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT COALESCE(SUM(used), 0) FROM usage
                WHERE key_id = $key AND plan_id = $plan AND day >= $from AND day <= $to;
                """;
            command.Parameters.AddWithValue("$key", keyId);
            command.Parameters.AddWithValue("$plan", planId);
            command.Parameters.AddWithValue("$from", Format(from));
            command.Parameters.AddWithValue("$to", Format(to));
            return (long)command.ExecuteScalar()!;
        }
    }

    public void Add(IReadOnlyList<DailyUsage> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO usage (key_id, plan_id, day, used) VALUES ($key, $plan, $day, $used)
                ON CONFLICT (key_id, plan_id, day) DO UPDATE SET used = used + excluded.used;
                """;
            var key = command.Parameters.Add("$key", SqliteType.Text);
            var plan = command.Parameters.Add("$plan", SqliteType.Text);
            var day = command.Parameters.Add("$day", SqliteType.Text);
            var used = command.Parameters.Add("$used", SqliteType.Integer);
            command.Prepare();
            foreach (var count in counts)
            {
                key.Value = count.KeyId;
                plan.Value = count.PlanId;
                day.Value = Format(count.Day);
                used.Value = count.Used;
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    public IReadOnlyList<DailyUsage> Read(string planId, DateOnly from, DateOnly to, string? keyId)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                SELECT key_id, day, used FROM usage
                WHERE plan_id = $plan AND day >= $from AND day <= $to AND ($key IS NULL OR key_id = $key)
                ORDER BY key_id, day;
                """;
            command.Parameters.AddWithValue("$plan", planId);
            command.Parameters.AddWithValue("$from", Format(from));
            command.Parameters.AddWithValue("$to", Format(to));
            command.Parameters.AddWithValue("$key", (object?)keyId ?? DBNull.Value);
            var rows = new List<DailyUsage>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(new DailyUsage(reader.GetString(0), planId, Parse(reader.GetString(1)), reader.GetInt64(2)));
            }
            return rows;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Format(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    private static DateOnly Parse(string day) => DateOnly.ParseExact(day, DayFormat, CultureInfo.InvariantCulture);
}
