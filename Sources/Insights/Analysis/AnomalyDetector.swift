/// One source's activity on one UTC day (day = days since the Unix epoch).
public struct SourceDay: Sendable, Equatable {
    public var day: Int64
    public var costPico: Int64
    public var calls: Int64
    public var tokens: Int64

    public init(day: Int64, costPico: Int64, calls: Int64, tokens: Int64) {
        self.day = day
        self.costPico = costPico
        self.calls = calls
        self.tokens = tokens
    }
}

/// A day on which a source's spend, call count or tokens per call rose far above its own
/// recent history.
public struct Anomaly: Sendable, Equatable {
    public enum Metric: String, Sendable, CaseIterable {
        case spend
        /// Calls in the day.
        case calls
        case tokensPerCall = "tokens_per_call"
    }

    public var day: Int64
    public var source: String
    public var metric: Metric
    /// Picodollars for spend.
    public var value: Double
    public var mean: Double
    public var standardDeviation: Double
    public var threshold: Double
    /// How many standard deviations above the mean; nil when the history did not vary at all.
    public var zScore: Double?
    public var baselineDays: Int
}

/// Rolling mean + kσ over each source's daily spend, calls and tokens per call. A day is
/// anomalous when its value is above mean + `sigma`·σ of the preceding `rollingDays` days,
/// at least `minimumIncrease` above the mean (so a perfectly steady history does not flag a
/// 1% wobble), and large enough to matter. A source needs `minimumBaselineDays` days since it
/// first appeared before any of its days can be anomalous, so a new source is not one.
public struct AnomalyDetector: Sendable {
    public var sigma = 2.0
    public var rollingDays = 14
    public var minimumBaselineDays = 7
    public var minimumIncrease = 0.25
    /// A day spending less than this (picodollars; 1 cent) is never a spend anomaly.
    public var minimumSpendPico: Int64 = 10_000_000_000
    /// A day with fewer calls than this is never an anomaly of calls or tokens per call.
    public var minimumCalls: Int64 = 10

    public init() {}

    /// Anomalies of `source` on the days `firstDay...lastDay`, judged against the days of
    /// `history` before each (history may start before `firstDay`; missing days had no calls).
    public func detect(source: String, history: [SourceDay], firstDay: Int64, lastDay: Int64) -> [Anomaly] {
        guard let firstActive = history.filter({ $0.calls > 0 }).map(\.day).min(),
              max(firstDay, firstActive) <= lastDay else { return [] }
        var byDay: [Int64: SourceDay] = [:]
        for entry in history { byDay[entry.day] = entry }
        var anomalies: [Anomaly] = []
        for day in max(firstDay, firstActive)...lastDay {
            let start = max(firstActive, day - Int64(rollingDays))
            let baselineDays = Int(day - start)
            guard baselineDays >= minimumBaselineDays else { continue }
            let baseline = (start..<day).map { byDay[$0] ?? SourceDay(day: $0, costPico: 0, calls: 0, tokens: 0) }
            let today = byDay[day] ?? SourceDay(day: day, costPico: 0, calls: 0, tokens: 0)
            if today.costPico >= minimumSpendPico,
               let anomaly = judge(Double(today.costPico), baseline.map { Double($0.costPico) },
                                   day: day, source: source, metric: .spend, baselineDays: baselineDays) {
                anomalies.append(anomaly)
            }
            guard today.calls >= minimumCalls else { continue }
            if let anomaly = judge(Double(today.calls), baseline.map { Double($0.calls) },
                                   day: day, source: source, metric: .calls, baselineDays: baselineDays) {
                anomalies.append(anomaly)
            }
            let perCall = baseline.filter { $0.calls > 0 }.map { Double($0.tokens) / Double($0.calls) }
            if perCall.count >= minimumBaselineDays / 2,
               let anomaly = judge(Double(today.tokens) / Double(today.calls), perCall,
                                   day: day, source: source, metric: .tokensPerCall, baselineDays: baselineDays) {
                anomalies.append(anomaly)
            }
        }
        return anomalies
    }

    func judge(_ value: Double, _ baseline: [Double], day: Int64, source: String, metric: Anomaly.Metric,
               baselineDays: Int) -> Anomaly? {
        let mean = Statistics.mean(baseline)
        let deviation = Statistics.standardDeviation(baseline)
        let threshold = max(mean + sigma * deviation, mean * (1 + minimumIncrease))
        guard value > threshold else { return nil }
        return Anomaly(day: day, source: source, metric: metric, value: value, mean: mean,
                       standardDeviation: deviation, threshold: threshold,
                       zScore: deviation > 0 ? (value - mean) / deviation : nil, baselineDays: baselineDays)
    }
}
