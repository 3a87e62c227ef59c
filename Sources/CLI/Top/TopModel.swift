import Foundation
import Providers

/// What `tokenlens top` shows, updated from `/api/live` events: the latest calls and rolling
/// figures over the last minute and hour. Pure state, so rendering can be tested.
struct TopModel {
    struct Call: Equatable {
        var at: Date
        var provider: String
        var model: String
        var source: String
        var outcome: String
        var status: Int
        var inputTokens: Int64
        var outputTokens: Int64
        var cacheReadTokens: Int64
        var cacheWriteTokens: Int64
        var wasteTokens: Int64
        var costUSD: Double?
        var latencyMs: Double
        var stream: Bool
    }

    private(set) var calls: [Call] = []
    var paused = false
    var connected = true
    var totalSeen = 0
    var lastError: String?
    static let keep = 2_000

    /// Parses one live event (`{"type":"call","call":{...}}`); other event types are ignored.
    static func call(fromEvent text: String) -> Call? {
        guard let event = try? JSONReader.parse(Array(text.utf8)), event["type"]?.stringValue == "call",
              let call = event["call"], call.objectValue != nil else { return nil }
        return Call(fromRecord: call)
    }

    mutating func add(_ call: Call) {
        totalSeen += 1
        calls.append(call)
        if calls.count > Self.keep { calls.removeFirst(calls.count - Self.keep) }
    }

    func recent(within seconds: TimeInterval, now: Date) -> [Call] {
        calls.filter { now.timeIntervalSince($0.at) <= seconds }
    }

    func callsPerMinute(now: Date) -> Int { recent(within: 60, now: now).count }

    func costPerHour(now: Date) -> Double { recent(within: 3600, now: now).compactMap(\.costUSD).reduce(0, +) }

    /// Share of prompt tokens served from cache over the last hour.
    func cacheHitRate(now: Date) -> Double {
        let window = recent(within: 3600, now: now)
        let prompt = window.reduce(0) { $0 + $1.inputTokens + $1.cacheReadTokens + $1.cacheWriteTokens }
        return prompt == 0 ? 0 : Double(window.reduce(0) { $0 + $1.cacheReadTokens }) / Double(prompt)
    }

    /// Share of prompt tokens that were waste over the last hour.
    func wasteRate(now: Date) -> Double {
        let window = recent(within: 3600, now: now)
        let prompt = window.reduce(0) { $0 + $1.inputTokens + $1.cacheReadTokens + $1.cacheWriteTokens }
        return prompt == 0 ? 0 : Double(window.reduce(0) { $0 + $1.wasteTokens }) / Double(prompt)
    }

    func errorRate(now: Date) -> Double {
        let window = recent(within: 3600, now: now)
        return window.isEmpty ? 0 : Double(window.filter { $0.outcome != "ok" }.count) / Double(window.count)
    }
}

extension TopModel.Call {
    init?(fromRecord call: JSONValue) {
        guard let id = call["id"]?.stringValue, !id.isEmpty else { return nil }
        at = call["ts"]?.stringValue.flatMap(TopModel.parseTimestamp) ?? Date()
        provider = call["provider"]?.stringValue ?? "?"
        model = call["model"]?.stringValue ?? call["requested_model"]?.stringValue ?? "-"
        source = call["source"]?.stringValue ?? "unknown"
        outcome = call["outcome"]?.stringValue ?? "?"
        status = Int(call["status_code"]?.intValue ?? 0)
        inputTokens = call["input_tokens"]?.intValue ?? 0
        outputTokens = call["output_tokens"]?.intValue ?? 0
        cacheReadTokens = call["cache_read_tokens"]?.intValue ?? 0
        cacheWriteTokens = call["cache_write_tokens"]?.intValue ?? 0
        wasteTokens = call["analysis"]?["waste"]?["total"]?.intValue ?? 0
        costUSD = call["cost_usd"]?.doubleValue
        latencyMs = call["latency_ms"]?.doubleValue ?? 0
        stream = call["stream"]?.boolValue ?? false
    }
}

extension TopModel {
    /// `2026-11-28T06:44:30.706Z`
    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
