import Foundation
import Providers

/// The digest as text for a terminal (`tokenlens report`), rendered from its JSON so a
/// report fetched from the daemon and one built from the database read the same.
public enum DigestText {
    public static func render(_ digest: JSONValue) -> String {
        let spend = digest["spend"]
        var lines: [String] = []
        let from = (digest["from"]?.stringValue ?? "").prefix(10)
        let to = lastDay(digest["to"]?.stringValue)
        lines.append("TokenLens digest: last \(int(digest["days"])) days (\(from) to \(to), UTC)")
        lines.append("")
        var spendLine = "Spend        \(money(spend?["cost_usd"]))"
        if let change = spend?["change_pct"]?.doubleValue {
            spendLine += "  (\(change >= 0 ? "+" : "")\(String(format: "%.1f", change))% vs the \(int(digest["days"])) days before: \(money(spend?["previous_cost_usd"])))"
        }
        lines.append(spendLine)
        lines.append("Calls        \(NumberText.grouped(int(spend?["calls"]))) (\(NumberText.counted(int(spend?["errors"]), "error")), \(int(spend?["blocked"])) blocked, \(int(spend?["unpriced_calls"])) unpriced)")
        lines.append("Tokens       in \(short(spend?["input_tokens"])) · out \(short(spend?["output_tokens"])) · cache read \(short(spend?["cache_read_tokens"])) · cache write \(short(spend?["cache_write_tokens"])) · reasoning \(short(spend?["reasoning_tokens"]))")
        lines.append("Cache        hit rate \(String(format: "%.1f", (spend?["cache_hit_rate"]?.doubleValue ?? 0) * 100))%, saved \(money(spend?["savings_usd"]))")
        lines.append("")
        let sources = (digest["top_sources"]?.arrayValue ?? []).map { (name: $0["source"]?.stringValue ?? "?", item: $0) }
        let models = (digest["top_models"]?.arrayValue ?? []).map { model in
            let name = (model["model"]?.stringValue).flatMap { $0.isEmpty ? nil : $0 } ?? "(no model)"
            return (name: "\(name) (\(model["provider"]?.stringValue ?? "?"))", item: model)
        }
        // One name column for both lists, as wide as the longest name: dated model ids with
        // their provider often pass 32 characters, and a row that overflows loses its column.
        let width = nameColumnWidth(for: (sources + models).map(\.name))
        lines.append("Top sources (\(int(digest["source_count"])))")
        if sources.isEmpty { lines.append("  none") }
        for source in sources { lines.append(row(source.name, source.item, width: width)) }
        lines.append("Top models (\(int(digest["model_count"])))")
        if models.isEmpty { lines.append("  none") }
        for model in models { lines.append(row(model.name, model.item, width: width)) }
        lines.append("")
        let waste = digest["waste"]
        if int(waste?["analysed_calls"]) > 0 {
            let share = String(format: "%.1f", waste?["share_pct"]?.doubleValue ?? 0)
            lines.append("Waste        \(NumberText.grouped(int(waste?["tokens"]))) tokens (~\(money(waste?["cost_usd"])), \(share)% of analysed prompts) in \(int(waste?["calls_with_waste"])) of \(int(waste?["analysed_calls"])) calls")
        } else {
            lines.append("Waste        no analysed calls")
        }
        let loops = digest["retry_loops"]
        lines.append("Retry loops  \(int(loops?["count"]))\(int(loops?["count"]) > 0 ? " (\(NumberText.counted(int(loops?["calls"]), "call")))" : "")")
        let budget = digest["budget"]
        var budgetLine = "Budget       \(budget?["month"]?.stringValue ?? "") (\(budget?["timezone"]?.stringValue ?? "UTC")): \(money(budget?["month_to_date_usd"])) so far, ~\(money(budget?["projected_month_usd"])) projected"
        if let limit = budget?["monthly_limit_usd"], !limit.isNull {
            let over = budget?["projected_over_limit"]?.boolValue == true
            budgetLine += " (monthly limit \(money(limit)): \(over ? "over" : "within"))"
        }
        lines.append(budgetLine)
        let unpriced = (digest["unpriced_models"]?.arrayValue ?? []).compactMap(\.stringValue)
        if !unpriced.isEmpty { lines.append("Unpriced     \(unpriced.joined(separator: ", "))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The name column: at least 32 characters, at most 56 (longer names are cut with "…").
    static func nameColumnWidth(for names: [String]) -> Int {
        min(max(32, names.map(\.count).max() ?? 0), 56)
    }

    static func row(_ name: String, _ item: JSONValue, width: Int) -> String {
        let fitted = name.count > width ? String(name.prefix(width - 1)) + "…" : name
        let padded = fitted + String(repeating: " ", count: width - fitted.count)
        let share = item["share_pct"]?.doubleValue.map { String(format: "%5.1f%%", $0) } ?? "     -"
        return "  \(padded) \(money(item["cost_usd"]).leftPadded(10))  \(share)  \(NumberText.counted(int(item["calls"]), "call"))"
    }

    static func int(_ value: JSONValue?) -> Int { Int(value?.intValue ?? 0) }

    static func money(_ value: JSONValue?) -> String {
        guard let usd = value?.doubleValue else { return "-" }
        return usd != 0 && abs(usd) < 0.01 ? String(format: "$%.4f", usd) : String(format: "$%.2f", usd)
    }


    static func short(_ value: JSONValue?) -> String {
        let count = Double(value?.intValue ?? 0)
        if count >= 1_000_000 { return String(format: "%.1fM", count / 1_000_000) }
        if count >= 10_000 { return String(format: "%.0fk", count / 1_000) }
        return NumberText.grouped(Int(count))
    }

    /// The window's `to` is exclusive (the next midnight): show the last day it covers.
    static func lastDay(_ to: String?) -> String {
        guard let to, let date = ISO8601DateFormatter().date(from: String(to.prefix(19)) + "Z") else { return "" }
        return String(RFC3339.format(date.addingTimeInterval(-1)).prefix(10))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
