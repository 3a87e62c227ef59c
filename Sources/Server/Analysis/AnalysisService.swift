import Foundation
import Insights
import Policy
import Providers
import Recorder

/// Runs the cost and token analyses: reads the store's rollups and calls, hands them to the
/// pure analyses in Insights, and returns their results for the API to encode. Holds the
/// per-day cache of session patterns; one instance lives as long as the server.
final class AnalysisService: Sendable {
    let store: CallStore
    let snapshots: SnapshotStore
    let clock: @Sendable () -> Date
    let patternCache = DayPatternCache()

    init(store: CallStore, snapshots: SnapshotStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.snapshots = snapshots
        self.clock = clock
    }

    static let microsPerDay: Int64 = 86_400_000_000

    var prices: PriceTable { snapshots.snapshot.prices }

    /// Rollup brackets follow every long-context threshold of the price table, so any model's
    /// re-pricing of a rollup row is exact.
    func plan(_ prices: PriceTable) -> RollupPlan {
        var thresholds: Set<Int64> = []
        for price in prices.entries.values {
            for tier in price.standard.tiers { thresholds.insert(tier.threshold) }
            for schedule in price.serviceTiers.values {
                for tier in schedule.tiers { thresholds.insert(tier.threshold) }
            }
        }
        return RollupPlan(thresholds: Array(thresholds))
    }

    func window(days: Int) -> TimeWindow { TimeWindow(days: days, now: clock()) }

    func today() -> Int64 { Int64(clock().timeIntervalSince1970 * 1_000_000) / Self.microsPerDay }

    /// Usage of the window grouped by `dimensions`, as analysis groups.
    func groups(_ window: TimeWindow, by dimensions: [UsageDimension], filter: UsageFilter? = nil) async throws -> [UsageGroup] {
        let plan = self.plan(prices)
        return try await store.usage(in: window, by: dimensions, filter: filter, plan: plan, now: clock())
            .map { UsageGroup($0, plan: plan) }
    }

    /// The window's figures per day (every day of it, oldest first; zero where there were no
    /// calls) and in total.
    struct DailyFigures {
        var days: [(day: Int64, figures: UsageFigures)]
        var total: UsageFigures
    }

    func daily(_ window: TimeWindow) async throws -> DailyFigures {
        var byDay: [Int64: UsageFigures] = [:]
        var total = UsageFigures()
        for group in try await groups(window, by: [.day]) {
            if let day = group.day { byDay[day] = group.figures }
            total += group.figures
        }
        let firstDay = window.startMicros / Self.microsPerDay
        let days = (0..<Int64(window.days)).map { firstDay + $0 }
        return DailyFigures(days: days.map { ($0, byDay[$0] ?? UsageFigures()) }, total: total)
    }

    // MARK: - Forecast

    struct Forecast {
        var forecast: SpendForecast
        var month: String
        var monthlyBudgetPico: Int64?
        var dailyBudgetPico: Int64?
    }

    func forecast() async throws -> Forecast {
        let now = clock()
        let today = Int64(now.timeIntervalSince1970 * 1_000_000) / Self.microsPerDay
        let (year, month, dayOfMonth) = Timestamps.civil(days: Int(today))
        let monthStart = today - Int64(dayOfMonth - 1)
        let daysInMonth = Self.daysInMonth(year: year, month: month)
        let firstDay = min(monthStart, today - Int64(SpendForecast.fullTrendDays))
        let days = try await groups(self.window(days: Int(today - firstDay) + 1), by: [.day])
        var cost: [Int64: Int64] = [:]
        for group in days { if let day = group.day { cost[day] = group.figures.costPico } }
        let firstActive = days.filter { $0.figures.calls > 0 }.compactMap(\.day).min() ?? today
        let trendStart = max(today - Int64(SpendForecast.fullTrendDays), firstActive)
        let recent = trendStart < today ? (trendStart..<today).map { cost[$0] ?? 0 } : []
        let toDate = (monthStart...today).reduce(Int64(0)) { $0 + (cost[$1] ?? 0) }
        let elapsed = (now.timeIntervalSince1970 - Double(today * 86_400)) / 86_400
        let forecast = SpendForecast.forecast(daysInMonth: daysInMonth, dayOfMonth: dayOfMonth, spendToDate: toDate,
                                              spendToday: cost[today] ?? 0, recentDays: recent, todayElapsed: elapsed)
        let budget = snapshots.snapshot.budget
        var monthLabel = ""
        Timestamps.pad(year, 4, &monthLabel)
        monthLabel += "-"
        Timestamps.pad(month, 2, &monthLabel)
        return Forecast(forecast: forecast, month: monthLabel,
                        monthlyBudgetPico: budget.monthlyLimitUSD.flatMap { Picodollars.from(usd: $0) },
                        dailyBudgetPico: budget.dailyLimitUSD.flatMap { Picodollars.from(usd: $0) })
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: - Compare

    struct Comparison {
        var fromModel: String
        var toModel: String
        var matchedModels: [String]
        var calls: Int64
        var pricedCalls: Int64
        var unpricedCalls: Int64
        var tokens: UsageFigures
        var fromCost: CostBreakdown
        var toCost: CostBreakdown
        var sources: [(source: String, calls: Int64, from: Int64, to: Int64)]
    }

    enum CompareError: Error {
        case missing(String)
        case unpriced(String)
    }

    /// What `fromModel`'s calls in the window cost, and what the same tokens would have cost
    /// on `toModel`, re-priced exactly per service tier and prompt bracket.
    func compare(fromModel: String, toModel: String, window: TimeWindow) async throws -> Comparison {
        let prices = self.prices
        guard let target = prices.price(for: toModel), target.isPriced else { throw CompareError.unpriced(toModel) }
        let matcher = PriceTable(entries: [fromModel: ModelPrice(id: fromModel, provider: "", standard: .init())])
        let models = try await store.models(in: window, plan: plan(prices)).map(\.model)
            .filter { $0 == fromModel || matcher.price(for: $0) != nil }
        var comparison = Comparison(fromModel: fromModel, toModel: toModel, matchedModels: models.sorted(), calls: 0,
                                    pricedCalls: 0, unpricedCalls: 0, tokens: UsageFigures(), fromCost: CostBreakdown(),
                                    toCost: CostBreakdown(), sources: [])
        guard !models.isEmpty else { return comparison }
        let slices = try await groups(window, by: [.source, .serviceTier, .bracket, .priced], filter: .models(models))
        var bySource: [String: (calls: Int64, from: Int64, to: Int64)] = [:]
        for group in slices {
            comparison.calls += group.figures.calls
            guard group.priced == true else {
                comparison.unpricedCalls += group.figures.calls
                continue
            }
            guard let repriced = Repricer.cost(of: group, at: target) else { continue }
            comparison.pricedCalls += group.figures.calls
            comparison.tokens += group.figures
            comparison.fromCost = comparison.fromCost + CostBreakdown(
                input: group.figures.costInputPico, output: group.figures.costOutputPico,
                reasoning: group.figures.costReasoningPico, cacheRead: group.figures.costCacheReadPico,
                cacheWrite: group.figures.costCacheWritePico, cacheSavings: group.figures.cacheSavingsPico)
            comparison.toCost = comparison.toCost + repriced
            var entry = bySource[group.source ?? ""] ?? (0, 0, 0)
            entry.calls += group.figures.calls
            entry.from += group.figures.costPico
            entry.to += repriced.total
            bySource[group.source ?? ""] = entry
        }
        comparison.sources = bySource.map { (source: $0.key, calls: $0.value.calls, from: $0.value.from, to: $0.value.to) }
            .sorted { ($0.from, $1.source) > ($1.from, $0.source) }
        return comparison
    }

    // MARK: - Sessions and patterns

    func sessions(window: TimeWindow, gapMinutes: Double) async throws -> [CallSession] {
        let rows = try await store.sessionCalls(fromMicros: window.startMicros, toMicros: window.endMicros)
        return SessionAnalyzer(gapSeconds: gapMinutes * 60).sessions(rows.map(SessionCall.init), prices: prices)
    }

    /// The tally of the session patterns of every day of the window: completed days from the
    /// cache (computed once per rollup build), today's completed hours from the cache too
    /// (until an hour completes or changes), the current hour from its calls. Sessions are cut
    /// at these boundaries here, which loses at most a pattern straddling one.
    func patterns(window: TimeWindow) async throws -> PatternTally {
        let span = RollupSpan(window, now: clock())
        let analyzer = SessionAnalyzer()
        let prices = self.prices
        let stamps = try await store.rollupStamps(firstDay: span.firstDay, untilDay: span.liveDay)
        var runHasher = Hasher()
        for day in stamps.keys.sorted() { runHasher.combine(day); runHasher.combine(stamps[day]) }
        let runStamp = runHasher.finalize()
        let days = span.firstDay..<span.liveDay
        var patterns: PatternTally
        if let merged = patternCache.patterns(days: days, stamp: runStamp) {
            patterns = merged
        } else {
            patterns = PatternTally()
            for day in stamps.keys.sorted() {
                guard let stamp = stamps[day] else { continue }
                patterns.merge(try await cachedPatterns(key: day, stamp: stamp, analyzer: analyzer, prices: prices,
                                                        from: day * Self.microsPerDay, to: (day + 1) * Self.microsPerDay))
            }
            patternCache.store(days: days, stamp: runStamp, patterns: patterns)
        }
        let hours = try await store.hourStamps(firstHour: span.liveDay * 24, untilHour: span.liveHour)
        if !hours.isEmpty {
            var hasher = Hasher()
            hasher.combine(span.liveHour)
            for hour in hours.keys.sorted() { hasher.combine(hour); hasher.combine(hours[hour]) }
            // Keys below zero hold "today so far", apart from whole days.
            patterns.merge(try await cachedPatterns(key: -1 - span.liveDay, stamp: Int64(hasher.finalize()), analyzer: analyzer,
                                                    prices: prices, from: span.liveDay * Self.microsPerDay, to: span.liveMicros))
        }
        let live = try await store.sessionCalls(fromMicros: span.liveMicros, toMicros: span.endMicros)
        patterns.merge(PatternTally(analyzer.sessions(live.map(SessionCall.init), prices: prices).flatMap(\.patterns)))
        return patterns
    }

    private func cachedPatterns(key: Int64, stamp: Int64, analyzer: SessionAnalyzer, prices: PriceTable,
                                from: Int64, to: Int64) async throws -> PatternTally {
        if let cached = patternCache.patterns(day: key, stamp: stamp) { return cached }
        let rows = try await store.sessionCalls(fromMicros: from, toMicros: to)
        let found = PatternTally(analyzer.sessions(rows.map(SessionCall.init), prices: prices).flatMap(\.patterns))
        patternCache.store(day: key, stamp: stamp, patterns: found)
        return found
    }

    // MARK: - Recommendations

    struct Recommendations {
        var spanDays: Int
        var recommendations: [Recommendation]
    }

    func recommendations(window: TimeWindow, exampleLimit: Int = 10) async throws -> Recommendations {
        let prices = self.prices
        let plan = self.plan(prices)
        let groups = try await self.groups(window, by: [.provider, .source, .model, .stream, .outcome, .serviceTier, .priced, .bracket])
        let complexity = try await store.complexity(in: window, plan: plan, now: clock()).map { ComplexityGroup($0, plan: plan) }
        let patterns = try await self.patterns(window: window)
        let spanDays = try await self.spanDays(window)
        let input = RecommendationInput(spanDays: spanDays, groups: groups,
                                        rightSizing: RightSizer().analyze(complexity, prices: prices),
                                        patterns: patterns, prices: prices)
        var found = RecommendationEngine().recommend(input)
        for index in found.indices.prefix(exampleLimit) where found[index].callIDs.isEmpty {
            guard let condition = Self.exampleCondition(found[index]) else { continue }
            found[index].callIDs = try await store.exampleCalls(in: window, source: found[index].source,
                                                                 model: found[index].model, condition: condition)
        }
        return Recommendations(spanDays: spanDays, recommendations: found)
    }

    static func exampleCondition(_ recommendation: Recommendation) -> ExampleCondition? {
        switch recommendation.check {
        case .cacheUtilization: .cacheWrites
        case .uncachedSystemPrompt: .uncachedSystemPrompt
        case .rightSizing: .complexityAtMost(3)
        case .unpricedModels: .unpriced
        case .reasoningOverhead: .reasoningHeavy
        case .promptSize: .largePrompt
        case .waste: .waste
        case .historyBloat: .historyHeavy
        case .outputUtilization: .lowOutputUse
        case .errorRate: .failed
        case .streaming: .slowWithoutStreaming
        case .cacheBreaks, .retryLoops, .duplicateRequests: nil
        }
    }

    /// Days from the window's first call to today: what a window's amounts are scaled from
    /// to a month (a source that started three days ago has three days of data, not thirty).
    func spanDays(_ window: TimeWindow) async throws -> Int {
        let days = try await groups(window, by: [.day])
        let firstActive = days.compactMap(\.day).min() ?? today()
        return Int(today() - firstActive) + 1
    }

    // MARK: - Anomalies

    struct Anomalies {
        var anomalies: [Anomaly]
        var detector: AnomalyDetector
        var sources: Int
    }

    func anomalies(window: TimeWindow) async throws -> Anomalies {
        let detector = AnomalyDetector()
        let firstDay = window.startMicros / Self.microsPerDay
        let lastDay = window.endMicros / Self.microsPerDay - 1
        let extended = TimeWindow(days: window.days + detector.rollingDays, now: clock())
        var bySource: [String: [SourceDay]] = [:]
        for group in try await groups(extended, by: [.day, .source]) {
            guard let day = group.day, let source = group.source else { continue }
            bySource[source, default: []].append(SourceDay(day: day, costPico: group.figures.costPico,
                                                            calls: group.figures.calls, tokens: group.figures.totalTokens))
        }
        let found = bySource.flatMap { source, history in
            detector.detect(source: source, history: history, firstDay: firstDay, lastDay: lastDay)
        }.sorted { ($0.day, $0.zScore ?? .infinity, $1.source) > ($1.day, $1.zScore ?? .infinity, $0.source) }
        return Anomalies(anomalies: found, detector: detector, sources: bySource.count)
    }

    // MARK: - Digest

    func digest(days: Int) async throws -> SpendDigest {
        let current = self.window(days: days)
        let both = self.window(days: days * 2)
        let split = current.startMicros / Self.microsPerDay
        var totals = (current: UsageFigures(), previous: UsageFigures())
        var sources: [String: (current: UsageFigures, previous: UsageFigures)] = [:]
        var models: [String: (current: UsageFigures, previous: UsageFigures)] = [:]
        for group in try await groups(both, by: [.day, .source, .model]) {
            let isCurrent = (group.day ?? 0) >= split
            let source = group.source ?? ""
            let model = group.model ?? "(none)"
            var sourceEntry = sources[source] ?? (UsageFigures(), UsageFigures())
            var modelEntry = models[model] ?? (UsageFigures(), UsageFigures())
            if isCurrent {
                totals.current += group.figures
                sourceEntry.current += group.figures
                modelEntry.current += group.figures
            } else {
                totals.previous += group.figures
                sourceEntry.previous += group.figures
                modelEntry.previous += group.figures
            }
            sources[source] = sourceEntry
            models[model] = modelEntry
        }
        let forecast = try await self.forecast()
        let recommendations = try await self.recommendations(window: current, exampleLimit: 3)
        let anomalies = try await self.anomalies(window: current)
        return SpendDigest.build(days: current.days, current: totals.current, previous: totals.previous, sources: sources,
                                 models: models, forecast: forecast.forecast, monthlyBudgetPico: forecast.monthlyBudgetPico,
                                 recommendations: recommendations.recommendations, anomalies: anomalies.anomalies.count)
    }

    // MARK: - Warm-up

    /// Builds the rollups and the pattern cache of the last `days` days, so the first
    /// requests after a start do not pay for them.
    func warmUp(days: Int = 90) async throws {
        let window = self.window(days: days)
        _ = try await groups(window, by: [])
        _ = try await store.complexity(in: window, plan: plan(prices), now: clock())
        let month = TimeWindow(days: 30, now: clock())
        _ = try await patterns(window: month)
        // The dashboard's first page: its completed days are then answered from memory.
        _ = try await store.totals(in: month)
        _ = try await store.unpricedModels(in: month)
        _ = try await store.daily(in: month)
        _ = try await store.sources(in: month)
        for dimension in SeriesDimension.allCases { _ = try await store.series(in: month, by: dimension) }
    }
}

extension CostBreakdown {
    static func + (lhs: CostBreakdown, rhs: CostBreakdown) -> CostBreakdown {
        CostBreakdown(input: lhs.input + rhs.input, output: lhs.output + rhs.output, reasoning: lhs.reasoning + rhs.reasoning,
                      cacheRead: lhs.cacheRead + rhs.cacheRead, cacheWrite: lhs.cacheWrite + rhs.cacheWrite,
                      cacheSavings: lhs.cacheSavings + rhs.cacheSavings)
    }
}
