import GRDB

/// The database schema, as an ordered list of migrations. Each one runs once per database and
/// is never edited after it ships: later changes are new migrations.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // Ids sort by time, so a table keyed by them (WITHOUT ROWID) appends in order and
        // needs no second b-tree for the key.
        migrator.registerMigration("v1: calls") { db in
            try db.execute(sql: """
                CREATE TABLE calls (
                    id TEXT PRIMARY KEY NOT NULL,
                    ts INTEGER NOT NULL,
                    provider TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    requested_model TEXT,
                    model TEXT,
                    source TEXT NOT NULL,
                    tags TEXT,
                    stream INTEGER NOT NULL,
                    status_code INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    blocked_by TEXT,
                    input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL,
                    cache_read_tokens INTEGER NOT NULL,
                    cache_write_tokens INTEGER NOT NULL,
                    cache_write_1h_tokens INTEGER NOT NULL,
                    reasoning_tokens INTEGER NOT NULL,
                    service_tier TEXT,
                    cost_pico INTEGER,
                    cost_input_pico INTEGER,
                    cost_output_pico INTEGER,
                    cost_reasoning_pico INTEGER,
                    cost_cache_read_pico INTEGER,
                    cost_cache_write_pico INTEGER,
                    cache_savings_pico INTEGER,
                    latency_ms REAL NOT NULL,
                    ttft_ms REAL,
                    overhead_ms REAL NOT NULL,
                    attempts INTEGER NOT NULL,
                    policy_version TEXT NOT NULL,
                    error_message TEXT
                ) WITHOUT ROWID;
                CREATE INDEX calls_ts ON calls(ts);
                CREATE INDEX calls_source_ts ON calls(source, ts);
                """)
        }
        migrator.registerMigration("v2: rules fired") { db in
            try db.execute(sql: "ALTER TABLE calls ADD COLUMN rules TEXT")
        }
        migrator.registerMigration("v3: request analysis") { db in
            try db.execute(sql: """
                ALTER TABLE calls ADD COLUMN max_output_tokens INTEGER;
                ALTER TABLE calls ADD COLUMN session_id TEXT;
                ALTER TABLE calls ADD COLUMN fingerprint TEXT;
                ALTER TABLE calls ADD COLUMN findings TEXT;
                ALTER TABLE calls ADD COLUMN ingested INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE calls ADD COLUMN heat_system INTEGER;
                ALTER TABLE calls ADD COLUMN heat_tools INTEGER;
                ALTER TABLE calls ADD COLUMN heat_context INTEGER;
                ALTER TABLE calls ADD COLUMN heat_history INTEGER;
                ALTER TABLE calls ADD COLUMN heat_query INTEGER;
                ALTER TABLE calls ADD COLUMN waste_whitespace INTEGER;
                ALTER TABLE calls ADD COLUMN waste_filler INTEGER;
                ALTER TABLE calls ADD COLUMN waste_repeated INTEGER;
                ALTER TABLE calls ADD COLUMN empty_messages INTEGER;
                ALTER TABLE calls ADD COLUMN message_count INTEGER;
                ALTER TABLE calls ADD COLUMN complexity INTEGER;
                ALTER TABLE calls ADD COLUMN exact_tokens INTEGER;
                CREATE INDEX calls_session ON calls(session_id) WHERE session_id IS NOT NULL;
                """)
        }
        // Rollups behind the analysis endpoints (see `Rollups.swift`): completed UTC days, and
        // the completed hours of today, are aggregated once, on first use, so a 30-day view
        // reads a few thousand rows instead of a few hundred thousand calls. A call inserted
        // into a period already rolled up (a late write, an ingested back-dated call) drops the
        // period's marker and it is rebuilt on next use; deleting calls (retention) keeps the
        // rollups, so history survives. Hourly rows (`hour` set) give way to the day's row once
        // the day is complete.
        migrator.registerMigration("v4: analysis rollups") { db in
            let measures = """
                calls INTEGER NOT NULL,
                input_tokens INTEGER NOT NULL,
                output_tokens INTEGER NOT NULL,
                cache_read_tokens INTEGER NOT NULL,
                cache_write_tokens INTEGER NOT NULL,
                cache_write_1h_tokens INTEGER NOT NULL,
                reasoning_tokens INTEGER NOT NULL,
                cost_pico INTEGER NOT NULL
                """
            try db.execute(sql: """
                CREATE TABLE rollup_days (
                    day INTEGER PRIMARY KEY NOT NULL,
                    built_at INTEGER NOT NULL,
                    signature TEXT NOT NULL
                );
                CREATE TABLE rollup_hours (
                    hour INTEGER PRIMARY KEY NOT NULL,
                    built_at INTEGER NOT NULL,
                    signature TEXT NOT NULL
                );
                CREATE TABLE rollup_usage (
                    day INTEGER NOT NULL,
                    hour INTEGER,
                    provider TEXT NOT NULL,
                    source TEXT NOT NULL,
                    model TEXT,
                    stream INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    service_tier TEXT,
                    priced INTEGER NOT NULL,
                    bracket INTEGER NOT NULL,
                    \(measures),
                    rate_limited INTEGER NOT NULL,
                    fallback_attempts INTEGER NOT NULL,
                    cost_input_pico INTEGER NOT NULL,
                    cost_output_pico INTEGER NOT NULL,
                    cost_reasoning_pico INTEGER NOT NULL,
                    cost_cache_read_pico INTEGER NOT NULL,
                    cost_cache_write_pico INTEGER NOT NULL,
                    cache_savings_pico INTEGER NOT NULL,
                    latency_ms REAL NOT NULL,
                    ttft_ms REAL NOT NULL,
                    ttft_calls INTEGER NOT NULL,
                    overhead_ms REAL NOT NULL,
                    analysed_calls INTEGER NOT NULL,
                    heat_system INTEGER NOT NULL,
                    heat_tools INTEGER NOT NULL,
                    heat_context INTEGER NOT NULL,
                    heat_history INTEGER NOT NULL,
                    heat_query INTEGER NOT NULL,
                    waste_whitespace INTEGER NOT NULL,
                    waste_filler INTEGER NOT NULL,
                    waste_repeated INTEGER NOT NULL,
                    empty_messages INTEGER NOT NULL,
                    message_count INTEGER NOT NULL,
                    uncached_system_calls INTEGER NOT NULL,
                    uncached_system_tokens INTEGER NOT NULL,
                    capped_calls INTEGER NOT NULL,
                    cap_tokens INTEGER NOT NULL,
                    capped_output_tokens INTEGER NOT NULL,
                    cap_low_use_calls INTEGER NOT NULL,
                    cap_hit_calls INTEGER NOT NULL,
                    large_prompt_calls INTEGER NOT NULL,
                    large_prompt_excess INTEGER NOT NULL,
                    slow_calls INTEGER NOT NULL,
                    long_output_calls INTEGER NOT NULL
                );
                CREATE INDEX rollup_usage_period ON rollup_usage(day, hour);
                CREATE TABLE rollup_tags (
                    day INTEGER NOT NULL,
                    hour INTEGER,
                    tags TEXT NOT NULL,
                    \(measures)
                );
                CREATE INDEX rollup_tags_period ON rollup_tags(day, hour);
                CREATE TABLE rollup_complexity (
                    day INTEGER NOT NULL,
                    hour INTEGER,
                    provider TEXT NOT NULL,
                    source TEXT NOT NULL,
                    model TEXT,
                    service_tier TEXT,
                    priced INTEGER NOT NULL,
                    bracket INTEGER NOT NULL,
                    complexity INTEGER NOT NULL,
                    \(measures)
                );
                CREATE INDEX rollup_complexity_period ON rollup_complexity(day, hour);
                CREATE INDEX calls_rate_limited ON calls(ts) WHERE status_code = 429;
                """)
        }
        // Daily totals per source × model × provider of calls that retention pruned, so
        // history charts and totals survive it. `day` counts UTC days since the epoch.
        migrator.registerMigration("v4-notify: daily rollups") { db in
            try db.execute(sql: """
                CREATE TABLE daily_rollups (
                    day INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    model TEXT NOT NULL,
                    provider TEXT NOT NULL,
                    calls INTEGER NOT NULL,
                    priced_calls INTEGER NOT NULL,
                    unpriced_calls INTEGER NOT NULL,
                    errors INTEGER NOT NULL,
                    blocked INTEGER NOT NULL,
                    cancelled INTEGER NOT NULL,
                    input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL,
                    cache_read_tokens INTEGER NOT NULL,
                    cache_write_tokens INTEGER NOT NULL,
                    reasoning_tokens INTEGER NOT NULL,
                    cost_pico INTEGER,
                    cost_input_pico INTEGER,
                    cost_output_pico INTEGER,
                    cost_reasoning_pico INTEGER,
                    cost_cache_read_pico INTEGER,
                    cost_cache_write_pico INTEGER,
                    cache_savings_pico INTEGER,
                    latency_ms REAL NOT NULL,
                    last_ts INTEGER NOT NULL,
                    PRIMARY KEY (day, source, model, provider)
                ) WITHOUT ROWID;
                """)
        }
        // One row per webhook delivery (its retries update it), with the payload so pending
        // deliveries resume after a restart.
        migrator.registerMigration("v4-notify: webhook deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE webhook_deliveries (
                    id TEXT PRIMARY KEY NOT NULL,
                    event TEXT NOT NULL,
                    url TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    attempts INTEGER NOT NULL,
                    last_status_code INTEGER,
                    last_error TEXT,
                    completed_at INTEGER,
                    next_attempt_at INTEGER,
                    payload TEXT NOT NULL,
                    attempt_log TEXT
                ) WITHOUT ROWID;
                CREATE INDEX webhook_deliveries_status ON webhook_deliveries(status) WHERE status = 'pending';
                """)
        }
        // Request and response bodies, secrets redacted, only when [logging] enabled is on.
        migrator.registerMigration("v4-notify: request logs") { db in
            try db.execute(sql: """
                CREATE TABLE request_logs (
                    call_id TEXT PRIMARY KEY NOT NULL,
                    ts INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    status_code INTEGER NOT NULL,
                    request_headers TEXT,
                    request_body TEXT,
                    request_bytes INTEGER NOT NULL,
                    request_truncated INTEGER NOT NULL,
                    response_headers TEXT,
                    response_body TEXT,
                    response_bytes INTEGER NOT NULL,
                    response_truncated INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX request_logs_ts ON request_logs(ts);
                """)
        }
        // What was already sent or done per window (a cost alert per day, a digest per week,
        // a prune per day), so a restart does not repeat it.
        migrator.registerMigration("v4-notify: notification marks") { db in
            try db.execute(sql: """
                CREATE TABLE notification_marks (
                    kind TEXT NOT NULL,
                    period TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    detail TEXT,
                    PRIMARY KEY (kind, period)
                ) WITHOUT ROWID;
                """)
        }
        // A version per UTC day, bumped whenever a call of that day is written or pruned:
        // answers over completed days are cached until one of their versions changes.
        migrator.registerMigration("v5: day versions") { db in
            try db.execute(sql: """
                CREATE TABLE day_versions (
                    day INTEGER PRIMARY KEY NOT NULL,
                    version INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
