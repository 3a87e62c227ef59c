import Foundation
import NIOCore
import Policy
import Providers

/// A proxied call whose head has arrived, while its body is read: everything decided from
/// the head, under the one snapshot that decides the whole call. A class: it is handed from
/// state to state per body chunk, and a reference moves where a struct of this size would
/// retain each of its fields.
final class ProxyCall {
    let head: ProxyRequestHead
    let snapshot: PolicySnapshot
    let stopwatch: Stopwatch
    let now: Date
    let route: ProxyRoute?
    let attribution: CallAttribution
    let draft: CallRecord

    init(head: ProxyRequestHead, snapshot: PolicySnapshot, stopwatch: Stopwatch, now: Date, route: ProxyRoute?,
         attribution: CallAttribution, draft: CallRecord) {
        self.head = head
        self.snapshot = snapshot
        self.stopwatch = stopwatch
        self.now = now
        self.route = route
        self.attribution = attribution
        self.draft = draft
    }

    var bodyLimit: Int { snapshot.server.maxBodyBytes }
}

/// What the engine decided once the body was read.
enum ProxyDecision {
    /// Answer without calling the provider (a refusal, an invalid request, a dedup replay).
    case respond(ProxyResponse)
    /// Send it upstream.
    case forward(ForwardPlan)
}

/// A call cleared to go upstream: the models to try in order (the primary, then its
/// fallbacks), the budget reservation to settle, and what to record. A class, shared by the
/// exchange and the closures it hands out, for the reason `ProxyCall` is one.
final class ForwardPlan {
    let head: ProxyRequestHead
    let route: ProxyRoute
    let provider: Provider
    let facts: RequestFacts
    let body: ByteBuffer
    let models: [String?]
    let draft: CallRecord
    let reservation: SpendLedger.Reservation?
    let dedupKey: String?
    /// Works out the prompt analysis; run once, when the call is recorded.
    let analyze: RecordSink.Analysis?
    let snapshot: PolicySnapshot
    let stopwatch: Stopwatch
    let capture: ExchangeCapture?

    init(head: ProxyRequestHead, route: ProxyRoute, provider: Provider, facts: RequestFacts, body: ByteBuffer,
         models: [String?], draft: CallRecord, reservation: SpendLedger.Reservation?, dedupKey: String?,
         analyze: RecordSink.Analysis?, snapshot: PolicySnapshot, stopwatch: Stopwatch,
         capture: ExchangeCapture?) {
        self.head = head
        self.route = route
        self.provider = provider
        self.facts = facts
        self.body = body
        self.models = models
        self.draft = draft
        self.reservation = reservation
        self.dedupKey = dedupKey
        self.analyze = analyze
        self.snapshot = snapshot
        self.stopwatch = stopwatch
        self.capture = capture
    }
}
