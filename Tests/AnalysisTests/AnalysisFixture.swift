import Foundation
import Insights
import Policy
import Providers
@testable import Recorder
@testable import Server

/// A temporary store with the analysis API on a fixed clock (2026-03-15 12:00 UTC), and
/// builders for calls priced from the shipped table.
struct AnalysisFixture {
    static let now = Date(timeIntervalSince1970: 1_773_576_000)
    static let today: Int64 = 20_527
    static let microsPerDay: Int64 = 86_400_000_000

    let folder: String
    let store: CallStore
    let api: AnalysisAPI
    let snapshots: SnapshotStore

    init(snapshot: PolicySnapshot = PolicySnapshot(version: "test")) throws {
        folder = NSTemporaryDirectory() + "tokenlens-analysis-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try CallStore(path: folder + "/usage.db")
        snapshots = SnapshotStore(snapshot)
        api = AnalysisAPI(store: store, snapshots: snapshots, clock: { AnalysisFixture.now })
    }

    /// Microseconds of `hour` (UTC) on the day `offset` days from today.
    static func micros(day offset: Int, hour: Double = 12) -> Int64 {
        (today + Int64(offset)) * microsPerDay + Int64(hour * 3_600_000_000)
    }

    /// A successful call priced from the shipped table (nil cost for an unknown model).
    static func call(_ id: String, at micros: Int64, source: String = "agent", model: String = "claude-sonnet-4-5",
                     provider: String = "anthropic", input: Int64 = 1_000, output: Int64 = 100, cacheRead: Int64 = 0,
                     cacheWrite: Int64 = 0, reasoning: Int64 = 0, outcome: Outcome = .ok, status: Int = 200,
                     stream: Bool = true, latencyMs: Double = 800, tags: [String: String] = [:],
                     sessionID: String? = nil, fingerprint: String? = nil, maxOutput: Int64? = nil,
                     analysis: RequestAnalysis? = nil, serviceTier: String? = nil) -> CallRecord {
        var usage = Usage(inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead,
                          cacheWriteTokens: cacheWrite, reasoningTokens: reasoning)
        usage.serviceTier = serviceTier
        let cost = PriceTable.shipped.price(for: model).flatMap { CostCalculator.breakdown(of: usage, at: $0) }
        var record = CallRecord(
            id: id, timestampMicros: micros, provider: provider, endpoint: "messages", requestedModel: model, model: model,
            source: source, tags: tags, stream: stream, statusCode: status, outcome: outcome, usage: usage,
            cost: usage.totalTokens == 0 ? CostBreakdown() : cost, latencyMs: latencyMs, ttftMs: latencyMs / 4,
            overheadMs: 0.5, attempts: 1, policyVersion: "test")
        record.sessionID = sessionID
        record.fingerprint = fingerprint
        record.maxOutputTokens = maxOutput
        record.analysis = analysis
        return record
    }

    static func analysis(system: Int64 = 0, tools: Int64 = 0, context: Int64 = 0, history: Int64 = 0, query: Int64 = 100,
                         whitespace: Int64 = 0, filler: Int64 = 0, repeated: Int64 = 0, messages: Int64 = 2,
                         complexity: Int64 = 5) -> RequestAnalysis {
        var analysis = RequestAnalysis()
        analysis.systemTokens = system
        analysis.toolTokens = tools
        analysis.contextTokens = context
        analysis.historyTokens = history
        analysis.queryTokens = query
        analysis.whitespaceWasteTokens = whitespace
        analysis.fillerWasteTokens = filler
        analysis.repeatedWasteTokens = repeated
        analysis.messageCount = messages
        analysis.complexity = complexity
        return analysis
    }

    func insert(_ records: [CallRecord]) async throws {
        try await store.insert(records)
    }

    /// GETs an endpoint and parses its JSON object.
    func get(_ path: String, _ query: [String: String] = [:]) async throws -> [String: Any] {
        let reply = try await api.get(path, query: query)
        guard let reply, reply.status == 200 else {
            throw FixtureError.status(path, reply?.status ?? 404, reply?.json ?? "")
        }
        return try Self.object(reply.json)
    }

    static func object(_ json: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw FixtureError.notObject(json)
        }
        return object
    }

    enum FixtureError: Error {
        case status(String, Int, String)
        case notObject(String)
    }
}

extension Dictionary where Key == String, Value == Any {
    func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func string(_ key: String) -> String? { self[key] as? String }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func array(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
