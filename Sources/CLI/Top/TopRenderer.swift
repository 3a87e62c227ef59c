import Foundation

/// Draws the `tokenlens top` screen for a terminal of a given size: a header of rolling
/// figures and as many of the latest calls as fit, newest first. Returns plain lines (ANSI
/// colour only for blocked and failed calls), each at most `width` characters wide.
struct TopRenderer {
    var width: Int
    var height: Int
    var url: String

    func render(_ model: TopModel, now: Date) -> [String] {
        var lines: [String] = []
        let state = !model.connected ? "disconnected" : model.paused ? "PAUSED (p to resume)" : "live"
        lines.append(fit("tokenlens top — \(url) — \(state)"))
        lines.append(fit(String(format: "calls/min %d   cost/hr $%.4f   cache hit %.1f%%   waste %.1f%%   errors %.1f%%   seen %d",
                                model.callsPerMinute(now: now), model.costPerHour(now: now),
                                model.cacheHitRate(now: now) * 100, model.wasteRate(now: now) * 100,
                                model.errorRate(now: now) * 100, model.totalSeen)))
        lines.append(fit("q quit   p pause"))
        lines.append("")
        let columns = layout()
        lines.append(fit(columns.map { pad($0.title, $0.width, right: $0.right) }.joined(separator: " ")))
        let rows = max(0, height - lines.count)
        for call in model.calls.reversed().prefix(rows) {
            let cells = columns.map { column in column.cell(call) }
            var line = fit(zip(columns, cells).map { pad($1, $0.width, right: $0.right) }.joined(separator: " "))
            if call.outcome == "blocked" { line = "\u{1B}[33m" + line + "\u{1B}[0m" }
            else if call.outcome != "ok" { line = "\u{1B}[31m" + line + "\u{1B}[0m" }
            lines.append(line)
        }
        if model.calls.isEmpty { lines.append(fit("waiting for calls…")) }
        return Array(lines.prefix(height))
    }

    struct Column {
        var title: String
        var width: Int
        var right = false
        var cell: (TopModel.Call) -> String
    }

    /// Columns for the width: narrow terminals drop provider, latency and token counts first;
    /// source and model share what is left.
    func layout() -> [Column] {
        let time = Column(title: "time", width: 8) { TopRenderer.time($0.at) }
        let provider = Column(title: "provider", width: 9) { $0.provider }
        let status = Column(title: "status", width: width >= 110 ? 16 : 10) {
            $0.outcome == "ok" ? String($0.status) : "\($0.status) \($0.outcome)"
        }
        let input = Column(title: "in", width: 7, right: true) { String($0.inputTokens + $0.cacheReadTokens + $0.cacheWriteTokens) }
        let output = Column(title: "out", width: 6, right: true) { String($0.outputTokens) }
        let cost = Column(title: "cost", width: 9, right: true) { $0.costUSD.map { String(format: "$%.5f", $0) } ?? "unpriced" }
        let latency = Column(title: "latency", width: 7, right: true) { String(format: "%.0fms", $0.latencyMs) }
        var fixed: [Column]
        switch width {
        case 110...: fixed = [time, provider, status, input, output, cost, latency]
        case 80..<110: fixed = [time, status, input, output, cost]
        default: fixed = [time, cost]
        }
        let used = fixed.reduce(0) { $0 + $1.width } + fixed.count + 1
        let flexible = max(8, width - used)
        let source = Column(title: "source", width: flexible * 2 / 5) { $0.source }
        let model = Column(title: "model", width: flexible - flexible * 2 / 5) { $0.model }
        let lead = fixed.prefix { $0.title == "time" || $0.title == "provider" }
        return Array(lead) + [source, model] + fixed.dropFirst(lead.count)
    }

    func fit(_ text: String) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let clipped = text.count > width ? String(text.prefix(max(0, width - 1))) + "…" : text
        let space = String(repeating: " ", count: max(0, width - clipped.count))
        return right ? space + clipped : clipped + space
    }

    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter.string(from: date)
    }
}
