import Insights
import Recorder

/// `GET /api/usage/anomalies?days=30`: days on which a source's spend, call count or tokens
/// per call rose above the rolling mean + 2σ of its previous 14 days (and at least 25% above
/// the mean), newest first. A source needs 7 days of history first, so a new source is not
/// an anomaly.
enum AnomaliesEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let window = service.window(days: query.days(default: 30))
        let result = try await service.anomalies(window: window)
        var json = JSONText(capacity: 400 * (result.anomalies.count + 2))
        json.beginObject()
        AnalysisJSON.window(window, into: &json)
        json.field("sigma", double: result.detector.sigma)
        json.field("rolling_days", result.detector.rollingDays)
        json.field("min_baseline_days", result.detector.minimumBaselineDays)
        json.field("min_increase", double: result.detector.minimumIncrease)
        json.field("sources_checked", result.sources)
        json.field("count", result.anomalies.count)
        json.key("anomalies")
        json.beginArray()
        for anomaly in result.anomalies {
            // Spend is kept in picodollars; shown in dollars.
            let scale = anomaly.metric == .spend ? 1e-12 : 1.0
            let round = { (value: Double) in anomaly.metric == .spend ? (value * 1e9).rounded() / 1e9 : AnalysisJSON.ratio(value) }
            json.beginObject()
            json.field("date", AnalysisJSON.date(day: anomaly.day))
            json.field("source", anomaly.source)
            json.field("metric", anomaly.metric.rawValue)
            json.field("unit", anomaly.metric == .spend ? "usd" : (anomaly.metric == .calls ? "calls" : "tokens"))
            json.field("value", double: round(anomaly.value * scale))
            json.field("mean", double: round(anomaly.mean * scale))
            json.field("stddev", double: round(anomaly.standardDeviation * scale))
            json.field("threshold", double: round(anomaly.threshold * scale))
            json.field("z_score", double: anomaly.zScore.map { ($0 * 100).rounded() / 100 })
            json.field("baseline_days", anomaly.baselineDays)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
