import GRDB
import Providers

/// Per-model totals and prompt waste, for the digest and the CLI.
extension CallStore {
    /// Totals per model and provider in the window (rollups of pruned days included), most
    /// expensive first.
    public func models(in window: TimeWindow) async throws -> [ModelUsage] {
        let parts = try await completedDaysAndToday("models", window: window) { db, from, to in
            try Row.fetchAll(db, sql: """
                SELECT model, provider, \(CallStore.rollupTotalsSelect) FROM (
                    SELECT COALESCE(model, requested_model, '') AS model, provider, \(CallStore.totalsSelect)
                    FROM calls WHERE ts >= ? AND ts < ? GROUP BY 1, provider
                    UNION ALL
                    SELECT model, provider, \(CallStore.rollupTotalsSelect)
                    FROM daily_rollups WHERE day >= ? AND day < ? GROUP BY model, provider)
                GROUP BY model, provider
                """, arguments: CallStore.unionArguments(from, to)).map { row in
                    ModelUsage(model: row["model"], provider: row["provider"], totals: CallStore.totals(from: row))
                }
        }
        var merged: [String: ModelUsage] = [:]
        for part in (parts.completed ?? []) + parts.today {
            let key = part.model + "\u{1F}" + part.provider
            if var model = merged[key] {
                model.totals.add(part.totals)
                merged[key] = model
            } else {
                merged[key] = part
            }
        }
        return merged.values.sorted {
            ($0.totals.costPico, $0.totals.calls, $1.model, $1.provider) > ($1.totals.costPico, $1.totals.calls, $0.model, $0.provider)
        }
    }

    /// Waste over the window's analysed calls. Rollups keep no waste, so pruned days count as
    /// unanalysed.
    public func waste(in window: TimeWindow) async throws -> WasteTotals {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS analysed,
                       SUM(waste_whitespace + waste_filler + waste_repeated > 0) AS with_waste,
                       TOTAL(waste_whitespace) AS whitespace, TOTAL(waste_filler) AS filler,
                       TOTAL(waste_repeated) AS repeated, TOTAL(empty_messages) AS empty,
                       TOTAL(heat_system + heat_tools + heat_context + heat_history + heat_query) AS prompt,
                       TOTAL(CASE WHEN input_tokens > 0 AND cost_input_pico IS NOT NULL
                                  THEN (waste_whitespace + waste_filler + waste_repeated) * CAST(cost_input_pico AS REAL) / input_tokens
                                  ELSE 0 END) AS cost
                FROM calls WHERE ts >= ? AND ts < ? AND heat_system IS NOT NULL
                """, arguments: [window.startMicros, window.endMicros]) else { return WasteTotals() }
            var waste = WasteTotals()
            waste.analysedCalls = row["analysed"] ?? 0
            waste.callsWithWaste = row["with_waste"] ?? 0
            waste.whitespaceTokens = Int64((row["whitespace"] as Double?) ?? 0)
            waste.fillerTokens = Int64((row["filler"] as Double?) ?? 0)
            waste.repeatedTokens = Int64((row["repeated"] as Double?) ?? 0)
            waste.emptyMessages = Int64((row["empty"] as Double?) ?? 0)
            waste.promptTokens = Int64((row["prompt"] as Double?) ?? 0)
            waste.costPico = Int64(((row["cost"] as Double?) ?? 0).rounded())
            return waste
        }
    }
}
