import Foundation
import Policy
import Providers

/// Which limits apply to a call, and what it may cost at most.
public enum LimitPlan {
    /// The limits of the snapshot that apply to `source` calling `model`, with their caps in
    /// picodollars (spend) or calls, in the windows of `windows`.
    public static func limits(snapshot: PolicySnapshot, source: String, model: String?,
                              windows: BudgetWindows) -> [SpendLedger.Limit] {
        var limits: [SpendLedger.Limit] = []
        let budget = snapshot.budget
        if budget.enabled {
            if let daily = budget.dailyLimitUSD.flatMap(Picodollars.from(usd:)) {
                limits.append(.init(key: .globalDay, window: windows.dayKey, cap: daily, isCalls: false, decision: .init(
                    rule: "budget.daily", action: budget.action, retryAfterSeconds: windows.secondsToNextDay,
                    message: "the global daily budget of $\(format(budget.dailyLimitUSD)) ([budget] daily_limit_usd in config.toml) is spent")))
            }
            if let monthly = budget.monthlyLimitUSD.flatMap(Picodollars.from(usd:)) {
                limits.append(.init(key: .globalMonth, window: windows.monthKey, cap: monthly, isCalls: false, decision: .init(
                    rule: "budget.monthly", action: budget.action, retryAfterSeconds: windows.secondsToNextMonth,
                    message: "the global monthly budget of $\(format(budget.monthlyLimitUSD)) ([budget] monthly_limit_usd in config.toml) is spent")))
            }
        }
        if let limit = snapshot.rules.sourceLimits[source] {
            if let daily = limit.dailyUSD.flatMap(Picodollars.from(usd:)) {
                limits.append(.init(key: .sourceDay(source), window: windows.dayKey, cap: daily, isCalls: false, decision: .init(
                    rule: "source_limit:\(source).daily", action: limit.action, retryAfterSeconds: windows.secondsToNextDay,
                    message: "source \"\(source)\" reached its daily limit of $\(format(limit.dailyUSD)) (\(limit.origin))")))
            }
            if let monthly = limit.monthlyUSD.flatMap(Picodollars.from(usd:)) {
                limits.append(.init(key: .sourceMonth(source), window: windows.monthKey, cap: monthly, isCalls: false, decision: .init(
                    rule: "source_limit:\(source).monthly", action: limit.action, retryAfterSeconds: windows.secondsToNextMonth,
                    message: "source \"\(source)\" reached its monthly limit of $\(format(limit.monthlyUSD)) (\(limit.origin))")))
            }
        }
        if let model, let limit = snapshot.rules.modelLimits[model] {
            limits.append(.init(key: .modelCalls(model), window: windows.dayKey, cap: Int64(limit.dailyCalls), isCalls: true, decision: .init(
                rule: "model_limit:\(model)", action: limit.action, retryAfterSeconds: windows.secondsToNextDay,
                message: "model \"\(model)\" reached its limit of \(limit.dailyCalls) calls a day (\(limit.origin))")))
        }
        return limits
    }

    /// Whether any limit can apply, without building them: most calls of most policies meet none.
    public static func mayApply(snapshot: PolicySnapshot, source: String, model: String?) -> Bool {
        (snapshot.budget.enabled && (snapshot.budget.dailyLimitUSD != nil || snapshot.budget.monthlyLimitUSD != nil))
            || snapshot.rules.sourceLimits[source] != nil
            || (model.map { snapshot.rules.modelLimits[$0] != nil } ?? false)
    }

    /// Every limit of the snapshot, whatever source or model it is for, for the status page.
    public static func allLimits(snapshot: PolicySnapshot, windows: BudgetWindows) -> [SpendLedger.Limit] {
        var all = Self.limits(snapshot: snapshot, source: "", model: nil, windows: windows).filter { $0.decision.rule.hasPrefix("budget") }
        for source in snapshot.rules.sourceLimits.keys.sorted() {
            all += Self.limits(snapshot: snapshot, source: source, model: nil, windows: windows).filter { $0.decision.rule.hasPrefix("source_limit") }
        }
        for model in snapshot.rules.modelLimits.keys.sorted() {
            all += Self.limits(snapshot: snapshot, source: "", model: model, windows: windows).filter { $0.decision.rule.hasPrefix("model_limit") }
        }
        return all
    }

    /// The most a call can cost: every prompt token uncached at the input rate (a token is at
    /// least one byte of text, so the text's byte count bounds the token count), plus the
    /// output cap (the request's, else the model's, else 4,096) at the output rate. Unpriced
    /// models reserve nothing: their spend cannot be counted.
    public static func worstCaseCost(prices: PriceTable, model: String?, promptBytes: Int, maxOutputTokens: Int64?) -> Int64 {
        guard let model, let price = prices.price(for: model), price.isPriced else { return 0 }
        let output = maxOutputTokens ?? price.maxOutputTokens.map { min($0, 32_768) } ?? 4_096
        let usage = Usage(inputTokens: Int64(max(promptBytes, 1)), outputTokens: max(output, 0))
        return CostCalculator.cost(of: usage, at: price) ?? 0
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "0" }
        return value == value.rounded() ? String(Int64(value)) : String(format: "%.2f", value)
    }
}
