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
        return migrator
    }
}
