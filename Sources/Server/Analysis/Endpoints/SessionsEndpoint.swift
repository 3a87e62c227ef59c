import Insights
import Recorder

/// `GET /api/usage/sessions?days=1&gap_minutes=30&limit=100`: calls grouped into sessions (by
/// the `X-TokenLens-Session` id when the caller sent one, else per source with a gap longer
/// than `gap_minutes` starting a new one), newest first, each with its totals, models and
/// patterns (retry loops, cache breaks, token spikes, duplicate requests) naming their calls.
enum SessionsEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 1))
        let gap = query.double("gap_minutes", default: 30, range: 1...1_440)
        let limit = query.int("limit", default: 100, range: 1...5_000)
        let sessions = try await service.sessions(window: window, gapMinutes: gap)
        var counts: [SessionPattern.Kind: Int] = [:]
        for pattern in sessions.flatMap(\.patterns) { counts[pattern.kind, default: 0] += 1 }
        let shown = sessions.sorted { ($0.endMicros, $0.id) > ($1.endMicros, $1.id) }.prefix(limit)
        var json = JSONText(capacity: 600 * max(shown.count, 1))
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("gap_minutes", double: gap)
        json.field("count", sessions.count)
        json.key("pattern_counts")
        json.beginObject()
        for kind in SessionPattern.Kind.allCases { json.field(kind.rawValue, counts[kind] ?? 0) }
        json.endObject()
        json.key("sessions")
        json.beginArray()
        for session in shown { write(session, into: &json) }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }

    static func write(_ session: CallSession, into json: inout JSONText) {
        json.beginObject()
        json.field("id", session.id)
        json.field("explicit", session.explicit)
        json.field("source", session.source)
        json.key("sources")
        AnalysisJSON.strings(session.sources, into: &json)
        json.field("start", Timestamps.rfc3339(micros: session.startMicros))
        json.field("end", Timestamps.rfc3339(micros: session.endMicros))
        json.field("duration_s", double: (session.durationSeconds * 1000).rounded() / 1000)
        json.field("calls", session.calls.count)
        json.field("failed_calls", session.failedCalls)
        json.field("unpriced_calls", session.unpricedCalls)
        json.field("cost_usd", usd: session.costPico)
        json.field("input_tokens", session.inputTokens)
        json.field("output_tokens", session.outputTokens)
        json.field("cache_read_tokens", session.cacheReadTokens)
        json.field("cache_write_tokens", session.cacheWriteTokens)
        json.field("cache_hit_rate", double: AnalysisJSON.ratio(session.cacheHitRate))
        json.key("models")
        AnalysisJSON.strings(session.models, into: &json)
        json.key("patterns")
        json.beginArray()
        for pattern in session.patterns { writePattern(pattern, into: &json) }
        json.endArray()
        json.endObject()
    }

    static func writePattern(_ pattern: SessionPattern, into json: inout JSONText) {
        json.beginObject()
        json.field("type", pattern.kind.rawValue)
        json.field("at", Timestamps.rfc3339(micros: pattern.timestampMicros))
        json.key("call_ids")
        AnalysisJSON.strings(pattern.callIDs, into: &json)
        json.field("extra_cost_usd", usd: pattern.extraCostPico)
        json.field("detail", pattern.detail)
        json.key("figures")
        json.beginObject()
        AnalysisJSON.figures(pattern.figures, into: &json)
        json.endObject()
        json.endObject()
    }
}
