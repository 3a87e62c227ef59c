import Foundation
import Policy
import Recorder

/// The analysis endpoints (`/api/usage/forecast`, `/api/usage/recommendations`, ... and
/// `POST /api/analyze`) as functions of a path, query parameters and body, so the HTTP routes,
/// the benchmark and the tests run the same code.
public struct AnalysisAPI: Sendable {
    /// A JSON answer and its HTTP status.
    public struct Reply: Sendable, Equatable {
        public var status: Int
        public var json: String
    }

    let service: AnalysisService

    public init(store: CallStore, snapshots: SnapshotStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        service = AnalysisService(store: store, snapshots: snapshots, clock: clock)
    }

    typealias Handler = @Sendable (AnalysisService, AnalysisQuery) async throws -> Reply

    static let handlers: [String: Handler] = [
        "/api/usage/forecast": ForecastEndpoint.reply,
        "/api/usage/by-tag": ByTagEndpoint.reply,
        "/api/usage/token-breakdown": TokenBreakdownEndpoint.reply,
        "/api/usage/cache-trend": CacheTrendEndpoint.reply,
        "/api/usage/compare": CompareEndpoint.reply,
        "/api/usage/sessions": SessionsEndpoint.reply,
        "/api/usage/provider-health": ProviderHealthEndpoint.reply,
        "/api/usage/rate-limits": RateLimitsEndpoint.reply,
        "/api/usage/recommendations": RecommendationsEndpoint.reply,
        "/api/usage/waste-summary": WasteSummaryEndpoint.reply,
        "/api/usage/conversation-efficiency": ConversationEfficiencyEndpoint.reply,
        "/api/usage/token-heatmap": TokenHeatmapEndpoint.reply,
        "/api/usage/anomalies": AnomaliesEndpoint.reply,
        "/api/usage/right-sizing": RightSizingEndpoint.reply,
        "/api/usage/output-utilization": OutputUtilizationEndpoint.reply,
        "/api/usage/digest": DigestEndpoint.reply,
    ]

    /// The GET endpoints, sorted.
    public static var paths: [String] { handlers.keys.sorted() }

    /// Answers a GET endpoint; nil for a path that is not one of `paths`.
    public func get(_ path: String, query: [String: String] = [:]) async throws -> Reply? {
        guard let handler = Self.handlers[path] else { return nil }
        return try await handler(service, AnalysisQuery(query))
    }

    /// `POST /api/analyze`: the cacheability of a prompt trace.
    public func analyze(body: [UInt8], query: [String: String] = [:]) -> Reply {
        AnalyzeEndpoint.reply(body: body, query: AnalysisQuery(query))
    }

    /// Builds the rollups and caches of recent days (run once at start).
    public func warmUp() async throws {
        try await service.warmUp()
    }
}

/// Query parameters of an analysis request.
struct AnalysisQuery: Sendable {
    var values: [String: String]

    init(_ values: [String: String]) {
        self.values = values
    }

    subscript(name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) -> Int {
        min(max(self[name].flatMap(Int.init) ?? value, range.lowerBound), range.upperBound)
    }

    func double(_ name: String, default value: Double, range: ClosedRange<Double>) -> Double {
        min(max(self[name].flatMap(Double.init) ?? value, range.lowerBound), range.upperBound)
    }

    func days(default value: Int) -> Int { int("days", default: value, range: 1...3660) }
}
