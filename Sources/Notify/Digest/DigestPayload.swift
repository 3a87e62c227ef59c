import Foundation
import Insights
import Providers
import Recorder

/// The digest as JSON: the body of `GET /api/digest`, the `digest` member of the
/// `weekly_digest` webhook, and what `tokenlens report --format json` prints. Kept apart from
/// the builder so other digest views can share it.
public enum DigestPayload {
    public static func json(_ digest: WeeklyDigest) -> String {
        JSONWriter.serialize(value(digest))
    }

    public static func value(_ digest: WeeklyDigest) -> JSONValue {
        let totals = digest.totals
        let cost = totals.costPico
        func share(_ part: Int64) -> JSONValue { cost > 0 ? .double(round2(Double(part) / Double(cost) * 100)) : .null }
        return object([
            ("days", .int(Int64(digest.days))),
            ("from", .string(RFC3339.format(micros: digest.fromMicros))),
            ("to", .string(RFC3339.format(micros: digest.toMicros))),
            ("generated_at", .string(RFC3339.format(digest.generatedAt))),
            ("spend", object([
                ("cost_usd", usd(cost)),
                ("previous_cost_usd", usd(digest.previousTotals.costPico)),
                ("change_pct", digest.changePercent.map { .double(round2($0)) } ?? .null),
                ("calls", .int(totals.calls)),
                ("priced_calls", .int(totals.pricedCalls)),
                ("unpriced_calls", .int(totals.unpricedCalls)),
                ("errors", .int(totals.errors)),
                ("blocked", .int(totals.blocked)),
                ("input_tokens", .int(totals.inputTokens)),
                ("output_tokens", .int(totals.outputTokens)),
                ("cache_read_tokens", .int(totals.cacheReadTokens)),
                ("cache_write_tokens", .int(totals.cacheWriteTokens)),
                ("reasoning_tokens", .int(totals.reasoningTokens)),
                ("savings_usd", usd(totals.cacheSavingsPico)),
                ("cache_hit_rate", .double((totals.cacheHitRate * 10_000).rounded() / 10_000)),
            ])),
            ("daily", .array(digest.daily.map { day in
                object([("date", .string(day.date)), ("cost_usd", usd(day.totals.costPico)), ("calls", .int(day.totals.calls))])
            })),
            ("source_count", .int(Int64(digest.sourceCount))),
            ("top_sources", .array(digest.topSources.map { source in
                object([("source", .string(source.source)), ("cost_usd", usd(source.totals.costPico)),
                        ("calls", .int(source.totals.calls)), ("share_pct", share(source.totals.costPico))])
            })),
            ("model_count", .int(Int64(digest.modelCount))),
            ("top_models", .array(digest.topModels.map { model in
                object([("model", .string(model.model)), ("provider", .string(model.provider)),
                        ("cost_usd", usd(model.totals.costPico)), ("calls", .int(model.totals.calls)),
                        ("share_pct", share(model.totals.costPico))])
            })),
            ("waste", object([
                ("tokens", .int(digest.waste.tokens)),
                ("cost_usd", usd(digest.waste.costPico)),
                ("share_pct", .double(round2(digest.waste.share * 100))),
                ("whitespace_tokens", .int(digest.waste.whitespaceTokens)),
                ("filler_tokens", .int(digest.waste.fillerTokens)),
                ("repeated_tokens", .int(digest.waste.repeatedTokens)),
                ("empty_messages", .int(digest.waste.emptyMessages)),
                ("analysed_calls", .int(digest.waste.analysedCalls)),
                ("calls_with_waste", .int(digest.waste.callsWithWaste)),
            ])),
            ("retry_loops", object([
                ("count", .int(Int64(digest.retryLoops.count))),
                ("calls", .int(Int64(digest.retryLoops.reduce(0) { $0 + $1.callIDs.count }))),
                ("top", .array(digest.retryLoops.sorted { $0.callIDs.count > $1.callIDs.count }.prefix(DigestBuilder.topCount).map { loop in
                    object([("source", .string(loop.source)), ("model", loop.model.map(JSONValue.string) ?? .null),
                            ("count", .int(Int64(loop.callIDs.count))), ("first", .string(RFC3339.format(micros: loop.timestampMicros))),
                            ("last", .string(RFC3339.format(micros: loop.lastTimestampMicros)))])
                })),
            ])),
            ("unpriced_models", .array(digest.unpricedModels.map(JSONValue.string))),
            ("budget", budgetValue(digest.budget)),
        ])
    }

    static func budgetValue(_ budget: BudgetProjection) -> JSONValue {
        object([
            ("timezone", .string(budget.timeZone)),
            ("month", .string(budget.month)),
            ("today_usd", usd(budget.todayPico)),
            ("month_to_date_usd", usd(budget.monthToDatePico)),
            ("daily_average_usd", usd(budget.dailyAveragePico)),
            ("days_left", .int(Int64(budget.daysLeft))),
            ("projected_month_usd", usd(budget.projectedMonthPico)),
            ("budget_enabled", .bool(budget.budgetEnabled)),
            ("daily_limit_usd", budget.dailyLimitPico.map(usd) ?? .null),
            ("monthly_limit_usd", budget.monthlyLimitPico.map(usd) ?? .null),
            ("projected_over_limit", budget.projectedOverLimit.map(JSONValue.bool) ?? .null),
        ])
    }

    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.map { (key: $0.0, value: $0.1) }))
    }

    static func usd(_ pico: Int64) -> JSONValue { .double(Picodollars.usd(pico)) }

    static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
