import Hummingbird
import Recorder

/// `GET /api/usage/breakdown?by=source|model|provider&days=30`: totals per group with the
/// group's cost and calls per day, for the dashboard's sortable tables and their sparklines.
struct BreakdownRoutes {
    let services: AppServices

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/usage/breakdown") { request, _ in try await breakdown(request) }
    }

    func breakdown(_ request: Request) async throws -> Response {
        let raw = request.uri.queryParameters.get("by") ?? SeriesDimension.model.rawValue
        guard let dimension = SeriesDimension(rawValue: raw) else {
            let names = SeriesDimension.allCases.map(\.rawValue).joined(separator: ", ")
            return AccessGuard<BasicRequestContext>.refusal(.badRequest, "`by` must be one of \(names), not \(raw)")
        }
        let window = APIRoutes.window(request, default: 30)
        let groups = try await services.store.series(in: window, by: dimension)
        var json = JSONText(capacity: 900 * max(groups.count, 1))
        json.beginObject()
        json.field("by", dimension.rawValue)
        json.field("days", window.days)
        json.key("dates")
        json.beginArray()
        for label in window.dayLabels { json.string(label) }
        json.endArray()
        json.key("rows")
        json.beginArray()
        for group in groups {
            json.beginObject()
            json.field("key", group.key)
            json.field("provider", group.provider)
            json.field("last_seen", Timestamps.rfc3339(micros: group.lastSeenMicros))
            UsageJSON.writeTotals(group.totals, into: &json)
            json.key("daily_cost_usd")
            json.beginArray()
            for cost in group.dailyCostPico { json.usd(cost) }
            json.endArray()
            json.key("daily_calls")
            json.beginArray()
            for calls in group.dailyCalls { json.int(calls) }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json.text)
    }
}
