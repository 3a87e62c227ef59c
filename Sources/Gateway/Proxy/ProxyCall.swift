import Foundation
import NIOCore
import Policy
import Providers

/// A proxied call whose head has arrived, while its body is read: everything decided from
/// the head, under the one snapshot that decides the whole call.
struct ProxyCall {
    let head: ProxyRequestHead
    let snapshot: PolicySnapshot
    let stopwatch: Stopwatch
    let now: Date
    let route: ProxyRoute?
    let attribution: CallAttribution
    let draft: CallRecord

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
/// fallbacks), the budget reservation to settle, and what to record.
struct ForwardPlan {
    let head: ProxyRequestHead
    let route: ProxyRoute
    let provider: Provider
    let facts: RequestFacts
    let body: ByteBuffer
    let models: [String?]
    let draft: CallRecord
    let reservation: SpendLedger.Reservation?
    let dedupKey: String?
    /// Works out the prompt analysis; the exchange runs it once, while the provider answers.
    let analyze: (@Sendable () -> RequestAnalysis?)?
    let snapshot: PolicySnapshot
    let stopwatch: Stopwatch
    let capture: ExchangeCapture?
}
