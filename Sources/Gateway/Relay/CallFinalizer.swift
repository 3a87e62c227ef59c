import Foundation
import Policy
import Providers
import Synchronization

/// Turns what is known about a call into its `CallRecord` and hands it to the recorder exactly
/// once. If nothing finishes the call explicitly (the client vanished before the response head
/// could be written, so the body was never relayed), the record is written when the finalizer
/// is released, as `client_cancelled`: no call goes unrecorded.
final class CallFinalizer: Sendable {
    struct Outcome: Sendable {
        var statusCode: Int
        var outcome: Providers.Outcome
        var usage: Usage?
        var blockedBy: String?
        var errorMessage: String?
        var ttftMs: Double?
        /// Time spent in TokenLens after the upstream body ended (or failed).
        var postProcessingMs: Double = 0
        /// Response guardrail findings (masked), added to the request's.
        var findings: [String] = []
    }

    private let draft: CallRecord
    private let facts: RequestFacts?
    private let snapshot: PolicySnapshot
    private let stopwatch: Stopwatch
    private let preUpstreamMs: Double
    private let sink: RecordSink
    /// Runs with the finished record before it is recorded: settles budget reservations and
    /// feeds latency routing.
    private let onFinish: @Sendable (CallRecord) -> Void
    private let done = Atomic<Bool>(false)
    private let pendingStatus: Int
    /// Works out the prompt analysis added to the record. The sink runs it on the recorder's
    /// writer, not on the connection's event loop: neither the answer nor the next request on
    /// the connection waits for it.
    private let analyze: RecordSink.Analysis?
    /// The bodies of the call, when request logging is on; sent with the finished record's id.
    let capture: ExchangeCapture?

    init(draft: CallRecord, facts: RequestFacts?, snapshot: PolicySnapshot, stopwatch: Stopwatch,
         preUpstreamMs: Double, pendingStatus: Int, analyze: RecordSink.Analysis? = nil,
         capture: ExchangeCapture? = nil,
         onFinish: @escaping @Sendable (CallRecord) -> Void = { _ in },
         sink: RecordSink) {
        self.analyze = analyze
        self.capture = capture
        self.draft = draft
        self.facts = facts
        self.snapshot = snapshot
        self.stopwatch = stopwatch
        self.preUpstreamMs = preUpstreamMs
        self.pendingStatus = pendingStatus
        self.onFinish = onFinish
        self.sink = sink
    }

    deinit {
        if !done.load(ordering: .acquiring) {
            emit(Outcome(statusCode: pendingStatus, outcome: .clientCancelled, usage: nil,
                         errorMessage: "the client disconnected before the response was sent"))
        }
    }

    var elapsedMs: Double { stopwatch.elapsedMs }

    /// Records the call and returns its record; later calls do nothing and return nil.
    @discardableResult
    func finish(_ outcome: Outcome) -> CallRecord? {
        guard done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return nil }
        return emit(outcome)
    }

    @discardableResult
    private func emit(_ outcome: Outcome) -> CallRecord {
        var record = draft
        record.statusCode = outcome.statusCode
        record.outcome = outcome.outcome
        record.blockedBy = outcome.blockedBy
        record.errorMessage = outcome.errorMessage
        record.ttftMs = outcome.ttftMs
        record.latencyMs = stopwatch.elapsedMs
        if !outcome.findings.isEmpty { record.findings += outcome.findings }
        if record.outcome == .ok && !record.findings.isEmpty { record.outcome = .guardrailWarned }
        if let usage = outcome.usage {
            record.usage = usage
            if let reported = usage.responseModel, !reported.isEmpty { record.model = reported }
        }
        record.cost = Self.price(record: record, prices: snapshot.prices)
        record.overheadMs = preUpstreamMs + outcome.postProcessingMs
        onFinish(record)
        capture?.finish(record)
        sink.record(record, analyze: analyze)
        return record
    }

    /// Prices by the model the provider reported (often a dated id), falling back to the
    /// model that was requested; unpriced when neither is in the table.
    static func price(record: CallRecord, prices: PriceTable) -> CostBreakdown? {
        // A call that used no tokens (refused, failed, or not metered) cost nothing, whatever its model.
        if record.usage.totalTokens == 0 { return CostBreakdown() }
        func priced(_ model: String?) -> ModelPrice? {
            guard let model, let price = prices.price(for: model), price.isPriced else { return nil }
            return price
        }
        guard let price = priced(record.model) ?? priced(record.requestedModel) else { return nil }
        return CostCalculator.breakdown(of: record.usage, at: price)
    }
}
