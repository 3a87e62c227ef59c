import Insights
import Providers
import Recorder

/// JSON pieces the analysis endpoints share.
enum AnalysisJSON {
    static func reply(_ json: JSONText, status: Int = 200) -> AnalysisAPI.Reply {
        AnalysisAPI.Reply(status: status, json: json.text)
    }

    static func error(_ status: Int, _ message: String) -> AnalysisAPI.Reply {
        var json = JSONText()
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.field("message", message)
        json.field("status", status)
        json.endObject()
        json.endObject()
        return reply(json, status: status)
    }

    /// `"days", "from", "to"` of a window.
    static func window(_ window: TimeWindow, into json: inout JSONText) {
        json.field("days", window.days)
        json.field("from", Timestamps.rfc3339(micros: window.startMicros))
        json.field("to", Timestamps.rfc3339(micros: window.endMicros))
    }

    static func date(day: Int64) -> String {
        let (year, month, dayOfMonth) = Timestamps.civil(days: Int(day))
        var text = ""
        Timestamps.pad(year, 4, &text); text += "-"; Timestamps.pad(month, 2, &text); text += "-"
        Timestamps.pad(dayOfMonth, 2, &text)
        return text
    }

    /// Dollars from a picodollar amount held as a double (a mean, a trend), to the nanodollar.
    static func usd(_ picodollars: Double) -> Double { (picodollars / 1_000).rounded() / 1_000_000_000 }

    static func ratio(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    static func share(_ part: Int64, of whole: Int64) -> Double { whole == 0 ? 0 : ratio(Double(part) / Double(whole)) }

    /// Calls, cost and tokens of a group.
    static func usage(_ figures: UsageFigures, into json: inout JSONText) {
        json.field("calls", figures.calls)
        json.field("cost_usd", usd: figures.costPico)
        json.field("input_tokens", figures.inputTokens)
        json.field("output_tokens", figures.outputTokens)
        json.field("cache_read_tokens", figures.cacheReadTokens)
        json.field("cache_write_tokens", figures.cacheWriteTokens)
        json.field("reasoning_tokens", figures.reasoningTokens)
        json.field("total_tokens", figures.totalTokens)
    }

    static func figures(_ figures: [EvidenceFigure], into json: inout JSONText) {
        for figure in figures { json.field(figure.name, double: figure.value) }
    }

    static func strings(_ values: [String], into json: inout JSONText) {
        json.beginArray()
        for value in values { json.string(value) }
        json.endArray()
    }
}

extension JSONText {
    mutating func field(_ name: String, usdDouble picodollars: Double) {
        key(name)
        double(AnalysisJSON.usd(picodollars))
    }
}
