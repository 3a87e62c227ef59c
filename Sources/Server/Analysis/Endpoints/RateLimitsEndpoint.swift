import Recorder

/// `GET /api/usage/rate-limits?days=1`: the provider's 429 answers per UTC hour and provider,
/// totals per provider and model, and apart from them the calls TokenLens itself refused with
/// a 429 (budgets and quotas).
enum RateLimitsEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 1))
        let (hours, refused) = try await service.store.rateLimits(in: window)
        var perHour: [Int64: [String: Int64]] = [:]
        var perProvider: [String: [String: Int64]] = [:]
        for entry in hours {
            perHour[entry.hourMicros, default: [:]][entry.provider, default: 0] += entry.count
            perProvider[entry.provider, default: [:]][entry.model ?? "", default: 0] += entry.count
        }
        var json = JSONText(capacity: 1024)
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("total", hours.reduce(Int64(0)) { $0 + $1.count })
        json.field("refused_by_tokenlens", refused)
        json.key("providers")
        json.beginArray()
        for provider in perProvider.keys.sorted() {
            let models = perProvider[provider] ?? [:]
            json.beginObject()
            json.field("provider", provider)
            json.field("count", models.values.reduce(0, +))
            json.key("models")
            json.beginArray()
            for (model, count) in models.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                json.beginObject()
                json.field("model", model.isEmpty ? nil : model)
                json.field("count", count)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
        json.endArray()
        json.key("hourly")
        json.beginArray()
        for hour in perHour.keys.sorted() {
            for (provider, count) in (perHour[hour] ?? [:]).sorted(by: { $0.key < $1.key }) {
                json.beginObject()
                json.field("hour", Timestamps.rfc3339(micros: hour))
                json.field("provider", provider)
                json.field("count", count)
                json.endObject()
            }
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
