import Foundation
import HTTPTypes
import Hummingbird
import Notify
import Providers
import Recorder

/// Notifications: `GET /api/digest?days=7` (the weekly digest as JSON), `POST
/// /api/digest/send?days=7` (send it now as a `weekly_digest` webhook), and
/// `GET /api/webhooks/deliveries[/{id}]` (the delivery history, newest first).
struct NotifyRoutes {
    let services: AppServices
    let notifier: Notifier

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/digest") { request, _ in try await digest(request) }
        router.post("/api/digest/send") { request, _ in try await send(request) }
        router.get("/api/webhooks/deliveries") { request, _ in try await deliveries(request) }
        router.get("/api/webhooks/deliveries/:id") { _, context in try await delivery(context.parameters.get("id") ?? "") }
    }

    static func days(_ request: Request) -> Int {
        min(max(request.uri.queryParameters.get("days", as: Int.self) ?? 7, 1), 366)
    }

    func digest(_ request: Request) async throws -> Response {
        .json(try await notifier.digest(days: Self.days(request)))
    }

    func send(_ request: Request) async throws -> Response {
        let sent = try await notifier.sendDigest(days: Self.days(request))
        var json = JSONText(capacity: sent.digest.utf8.count + 200)
        json.beginObject()
        let status: HTTPResponse.Status
        switch sent.result {
        case .queued(let id):
            json.field("sent", true)
            json.field("delivery_id", id)
            status = .accepted
        case .refused(let id, let reason):
            json.field("sent", false)
            json.field("delivery_id", id)
            json.field("reason", reason)
            status = .unprocessableContent
        case .notConfigured(let reason):
            json.field("sent", false)
            json.field("reason", reason + "; set [webhooks] enabled, url, allow_hosts and add \"weekly_digest\" to events")
            status = .conflict
        case .dropped:
            json.field("sent", false)
            json.field("reason", "the webhook queue is full; try again shortly")
            status = .serviceUnavailable
        }
        json.key("digest")
        json.raw(sent.digest)
        json.endObject()
        return .json(json.text, status: status)
    }

    func deliveries(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let status = query.get("status").flatMap(WebhookDelivery.Status.init(rawValue:))
        if let raw = query.get("status"), status == nil {
            return AccessGuard<BasicRequestContext>.refusal(.badRequest, "status must be one of \(WebhookDelivery.Status.allCases.map(\.rawValue).joined(separator: ", ")), not \(raw)")
        }
        let list = try await services.store.deliveries(limit: query.get("limit", as: Int.self) ?? 50, event: query.get("event"),
                                                       status: status)
        let hooks = services.snapshots.snapshot.webhooks
        let statistics = notifier.dispatcher.statistics
        var json = JSONText(capacity: 400 * max(list.count, 1))
        json.beginObject()
        json.key("webhooks")
        json.beginObject()
        json.field("enabled", hooks.enabled)
        json.key("events")
        json.beginArray()
        for event in hooks.events { json.string(event) }
        json.endArray()
        json.field("signed", hooks.secret != nil)
        json.field("max_attempts", hooks.maxAttempts)
        json.field("queued", statistics.queued)
        json.field("delivered", statistics.delivered)
        json.field("failed", statistics.failed)
        json.field("refused", statistics.refused)
        json.field("dropped", statistics.dropped)
        json.endObject()
        json.key("deliveries")
        json.beginArray()
        for delivery in list { Self.write(delivery, payload: false, into: &json) }
        json.endArray()
        json.endObject()
        return .json(json.text)
    }

    func delivery(_ id: String) async throws -> Response {
        guard let delivery = try await services.store.delivery(id: id) else {
            return AccessGuard<BasicRequestContext>.refusal(.notFound, "no webhook delivery \(id)")
        }
        var json = JSONText(capacity: delivery.payload.utf8.count + 400)
        Self.write(delivery, payload: true, into: &json)
        return .json(json.text)
    }

    static func write(_ delivery: WebhookDelivery, payload: Bool, into json: inout JSONText) {
        json.beginObject()
        json.field("id", delivery.id)
        json.field("event", delivery.event)
        json.field("target", delivery.target)
        json.field("status", delivery.status.rawValue)
        json.field("attempts", delivery.attempts.count)
        json.field("last_status_code", delivery.lastStatusCode.map(Int64.init))
        json.field("last_error", delivery.lastError)
        json.field("created_at", Timestamps.rfc3339(micros: delivery.createdAtMicros))
        json.field("next_attempt_at", delivery.nextAttemptAtMicros.map { Timestamps.rfc3339(micros: $0) })
        json.field("completed_at", delivery.completedAtMicros.map { Timestamps.rfc3339(micros: $0) })
        json.key("attempt_log")
        json.beginArray()
        for attempt in delivery.attempts {
            json.beginObject()
            json.field("at", Timestamps.rfc3339(micros: attempt.atMicros))
            json.field("status_code", attempt.statusCode.map(Int64.init))
            json.field("error", attempt.error)
            json.field("duration_ms", ms: attempt.durationMs)
            json.endObject()
        }
        json.endArray()
        if payload {
            json.key("payload")
            json.raw(delivery.payload)
        }
        json.endObject()
    }
}
