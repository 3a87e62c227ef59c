import Foundation
import Policy
import Providers
import Recorder
import Server

/// The analysis API on a large store: 1,000,000 calls over the last 90 days from 50 sources on
/// 20 models (skewed activity, daily and weekly rhythm, log-normal prompt and answer sizes,
/// caching, errors, tags, sessions, planted retry loops), then every `/api/usage/*` endpoint
/// with its default parameters, in process (query, analysis and JSON; no HTTP). The first
/// call of each endpoint is reported apart: the very first one builds the daily rollups of
/// the 89 completed days. `TOKENLENS_BENCH_ANALYSIS_DB=path` keeps the generated store for
/// later runs; `TOKENLENS_BENCH_ONLY=text` times only the endpoints containing `text`.
enum AnalysisBenchmark {
    static let totalCalls = 1_000_000
    static let days = 90
    /// Timed runs per endpoint after the first (`TOKENLENS_BENCH_RUNS` overrides, for profiling).
    static let runs = ProcessInfo.processInfo.environment["TOKENLENS_BENCH_RUNS"].flatMap(Int.init) ?? 7

    static func run() async throws {
        let keep = ProcessInfo.processInfo.environment["TOKENLENS_BENCH_ANALYSIS_DB"]
        let folder = NSTemporaryDirectory() + "tokenlens-analysis-bench-\(UUID().uuidString)"
        let path = keep ?? folder + "/usage.db"
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let store = try CallStore(path: path)
        var generated = 0.0
        if try await store.callCount() < totalCalls {
            let started = Date()
            var generator = CallGenerator(seed: 42)
            try await generator.fill(store, calls: totalCalls, days: days)
            generated = Date().timeIntervalSince(started)
        }
        let calls = try await store.callCount()
        let api = AnalysisAPI(store: store, snapshots: SnapshotStore(PolicySnapshot(version: "bench")))

        print("## Analysis API\n")
        let size = String(format: "%.0f", Double(store.sizeOnDisk()) / 1_048_576)
        let timing = generated > 0 ? String(format: ", generated in %.1f s", generated) : ""
        print("\(calls) calls over \(days) days, \(CallGenerator.sourceCount) sources, \(CallGenerator.models.count) models; database \(size) MB\(timing).\n")
        let rollupStart = Date()
        _ = try await api.get("/api/usage/token-breakdown", query: ["days": "90"])
        print(String(format: "Building the daily rollups of the 89 completed days (once, then kept): %.0f ms.\n\n",
                     Date().timeIntervalSince(rollupStart) * 1000))
        print("| endpoint | first call ms | median ms | max ms | response bytes |")
        print("|---|---:|---:|---:|---:|")
        let endpoints: [(String, [String: String])] = AnalysisAPI.paths.map { path in
            path == "/api/usage/compare" ? (path, ["from_model": "claude-sonnet-4-5", "to_model": "claude-haiku-4-5"]) : (path, [:])
        } + [("/api/usage/sessions", ["days": "7"]), ("/api/usage/provider-health", ["days": "7"]),
             ("/api/usage/recommendations", ["days": "90"]), ("/api/usage/anomalies", ["days": "90"])]
        // The core read API (kpi, daily, sources, breakdown, recent) answers from the store's
        // queries; what they cost is the queries themselves.
        let window = TimeWindow(days: 30)
        let core: [(String, () async throws -> Int)] = [
            ("/api/usage/kpi", { _ = try await store.totals(in: window); return try await store.unpricedModels(in: window).count }),
            ("/api/usage/daily", { try await store.daily(in: window).count }),
            ("/api/usage/sources", { try await store.sources(in: window).count }),
            ("/api/usage/breakdown?by=model", { try await store.series(in: window, by: .model).count }),
            ("/api/usage/recent?limit=50", { try await store.recent(RecentFilter(limit: 50)).count }),
        ]
        // `TOKENLENS_BENCH_ONLY=/api/usage/digest` times the endpoints whose label contains it
        // (for profiling one of them).
        let only = ProcessInfo.processInfo.environment["TOKENLENS_BENCH_ONLY"]
        for (label, query) in core where only.map(label.contains) ?? true {
            var timings: [Double] = []
            var rows = 0
            for _ in 0..<(runs + 1) {
                let started = DispatchTime.now().uptimeNanoseconds
                rows = try await query()
                timings.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
            }
            let first = timings.removeFirst()
            timings.sort()
            print("| `\(label)` (query) | " + String(format: "%.1f | %.1f | %.1f", first, timings[timings.count / 2], timings.last ?? 0)
                  + " | \(rows) rows |")
        }
        for (path, query) in endpoints where only.map(path.contains) ?? true {
            var timings: [Double] = []
            var bytes = 0
            for _ in 0..<(runs + 1) {
                let started = DispatchTime.now().uptimeNanoseconds
                let reply = try await api.get(path, query: query)
                timings.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
                bytes = reply?.json.utf8.count ?? 0
            }
            let first = timings.removeFirst()
            timings.sort()
            let label = query.isEmpty || path == "/api/usage/compare" ? path
                : path + "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
            print("| `\(label)` | " + String(format: "%.1f | %.1f | %.1f", first, timings[timings.count / 2], timings.last ?? 0)
                  + " | \(bytes) |")
        }
        print("")
    }
}

/// Deterministic synthetic traffic for the analysis benchmark.
struct CallGenerator {
    static let sourceCount = 50
    /// (model, provider as recorded); all priced by the shipped table.
    static let models: [(String, String)] = [
        ("claude-opus-4-6", "anthropic"), ("claude-sonnet-4-5", "anthropic"), ("claude-sonnet-4-6", "anthropic"),
        ("claude-haiku-4-5", "anthropic"), ("claude-opus-4-5", "anthropic"), ("claude-sonnet-4-5-20250929", "anthropic"),
        ("gpt-5", "openai"), ("gpt-5-mini", "openai"), ("gpt-5-nano", "openai"), ("gpt-4.1", "openai"),
        ("gpt-4.1-mini", "openai"), ("gpt-4o", "openai"), ("gpt-4o-mini", "openai"), ("o3", "openai"),
        ("o4-mini", "openai"), ("gpt-5.1-codex", "openai"),
        ("gemini-2.5-pro", "google"), ("gemini-2.5-flash", "google"), ("gemini-2.5-flash-lite", "google"),
        ("gemini-3-flash-preview", "google"),
    ]
    static let teams = ["search", "billing", "support", "platform", "research"]

    var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// Per source: an activity weight (a few busy agents, a long tail), its models (a main one
    /// and up to two others), whether it caches, streams, tags, and names sessions.
    struct SourceProfile {
        var name: String
        var weight: Double
        var models: [Int]
        var cacheShare: Double
        var streams: Double
        var team: String?
        var explicitSessions: Bool
        var promptMedian: Double
        var startDay: Int
    }

    mutating func profiles(days: Int) -> [SourceProfile] {
        (0..<Self.sourceCount).map { index in
            let main = Int(random.next() % UInt64(Self.models.count))
            var models = [main]
            for _ in 0..<Int(random.next() % 3) { models.append(Int(random.next() % UInt64(Self.models.count))) }
            return SourceProfile(
                name: ["claude-code", "codex", "aider", "cursor", "agent"][index % 5] + "-\(index)",
                weight: 1 / pow(Double(index + 1), 0.9), models: models,
                cacheShare: random.unit() < 0.6 ? 0.5 + random.unit() * 0.4 : 0,
                streams: random.unit(), team: random.unit() < 0.4 ? Self.teams[index % Self.teams.count] : nil,
                explicitSessions: index % 5 == 0, promptMedian: 1_000 + random.unit() * 12_000,
                // A few sources start late in the period (new agents).
                startDay: index % 10 == 9 ? days - 5 - Int(random.next() % 20) : 0)
        }
    }

    mutating func fill(_ store: CallStore, calls total: Int, days: Int) async throws {
        let profiles = profiles(days: days)
        let weights = profiles.map(\.weight)
        let weightSum = weights.reduce(0, +)
        let today = Int64(Date().timeIntervalSince1970) / 86_400
        let firstDay = today - Int64(days - 1)
        let prices = PriceTable.shipped
        // Calls per day grow 30% over the period and dip at weekends.
        let dayWeights = (0..<days).map { day -> Double in
            let weekday = (firstDay + Int64(day) + 4) % 7   // 1970-01-01 was a Thursday
            return (1 + 0.3 * Double(day) / Double(days)) * (weekday == 0 || weekday == 6 ? 0.45 : 1)
        }
        let dayWeightSum = dayWeights.reduce(0, +)
        var batch: [CallRecord] = []
        batch.reserveCapacity(20_000)
        var serial = 0
        for (dayIndex, dayWeight) in dayWeights.enumerated() {
            let count = dayIndex == days - 1 ? total - serial : Int(Double(total) * dayWeight / dayWeightSum)
            let dayStart = (firstDay + Int64(dayIndex)) * 86_400_000_000
            // Sorted times within the day, busier in working hours; today's only up to now (a
            // real store has no calls from the future, and the current hour is read live).
            let nowMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let span = Double(min(86_400_000_000, max(nowMicros - dayStart, 1)))
            var times = (0..<count).map { _ -> Int64 in
                let hour = random.unit() < 0.8 ? 8 + random.unit() * 10 : random.unit() * 24
                return dayStart + Int64(hour / 24 * span)
            }
            times.sort()
            for micros in times {
                var pick = random.unit() * weightSum
                var sourceIndex = 0
                while sourceIndex < profiles.count - 1 && pick > weights[sourceIndex] {
                    pick -= weights[sourceIndex]
                    sourceIndex += 1
                }
                if dayIndex < profiles[sourceIndex].startDay { sourceIndex = 0 }
                serial += 1
                batch.append(call(serial, micros: micros, profile: profiles[sourceIndex], prices: prices))
                if random.unit() < 0.0005 {
                    // A planted retry loop: the same request, failing, four more times in seconds.
                    let loop = batch[batch.count - 1]
                    for repeatIndex in 1...4 {
                        var again = loop
                        again.id = loop.id + "r\(repeatIndex)"
                        again.timestampMicros += Int64(repeatIndex) * 1_500_000
                        again.outcome = .upstreamError
                        again.statusCode = 500
                        again.usage = Usage()
                        again.cost = CostBreakdown()
                        batch.append(again)
                    }
                }
                if batch.count >= 20_000 {
                    try await store.insert(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        try await store.insert(batch)
    }

    mutating func call(_ serial: Int, micros: Int64, profile: SourceProfile, prices: PriceTable) -> CallRecord {
        let modelIndex = random.unit() < 0.75 ? profile.models[0] : profile.models[Int(random.next() % UInt64(profile.models.count))]
        let (model, provider) = Self.models[modelIndex]
        let prompt = Int64(min(400_000, max(50, random.logNormal(median: profile.promptMedian, sigma: 1.0))))
        let cached = profile.cacheShare > 0 && random.unit() < 0.85 ? Int64(Double(prompt) * profile.cacheShare) : 0
        let written = profile.cacheShare > 0 && provider == "anthropic" && cached == 0 ? prompt / 2 : 0
        let output = Int64(min(32_000, max(1, random.logNormal(median: 400, sigma: 0.9))))
        let reasoningModel = model.hasPrefix("o") || model.hasPrefix("gpt-5") || model.hasPrefix("gemini-2.5-pro")
        let reasoning = reasoningModel ? Int64(Double(output) * random.unit() * 0.8) : 0
        let roll = random.unit()
        let outcome: Outcome = roll < 0.965 ? .ok : roll < 0.985 ? .upstreamError : roll < 0.993 ? .blocked : .clientCancelled
        let status = outcome == .ok ? 200 : outcome == .blocked ? 429 : outcome == .clientCancelled ? 499
            : (random.unit() < 0.5 ? 429 : 529)
        var usage = Usage(inputTokens: prompt - cached - written, outputTokens: output, cacheReadTokens: cached,
                          cacheWriteTokens: written, reasoningTokens: reasoning)
        if outcome == .blocked || outcome == .upstreamError { usage = Usage() }
        let cost = usage.totalTokens == 0 ? CostBreakdown()
            : prices.price(for: model).flatMap { CostCalculator.breakdown(of: usage, at: $0) }
        let latency = random.logNormal(median: 600 + Double(output) * 8, sigma: 0.5)
        var tags: [String: String] = [:]
        if let team = profile.team { tags["team"] = team }
        if random.unit() < 0.2 { tags["env"] = random.unit() < 0.7 ? "prod" : "dev" }
        var record = CallRecord(
            id: String(format: "B%015lld%07ld", micros, serial), timestampMicros: micros, provider: provider,
            endpoint: provider == "google" ? "generateContent" : provider == "anthropic" ? "messages" : "chat.completions",
            requestedModel: model, model: model, source: profile.name, tags: tags, stream: random.unit() < profile.streams,
            statusCode: status, outcome: outcome, usage: usage, cost: cost, latencyMs: latency,
            ttftMs: outcome == .ok ? latency * (0.1 + random.unit() * 0.3) : nil, overheadMs: 0.1 + random.unit() * 0.3,
            attempts: 1, policyVersion: "bench")
        record.maxOutputTokens = random.unit() < 0.7 ? [1_024, 4_096, 8_192, 32_000][Int(random.next() % 4)] : nil
        record.sessionID = profile.explicitSessions ? "\(profile.name)-\(micros / 3_600_000_000)" : nil
        record.fingerprint = String(random.next(), radix: 16)
        if outcome != .blocked, random.unit() < 0.8 {
            var analysis = RequestAnalysis()
            let share = { (part: Double) in Int64(Double(prompt) * part) }
            analysis.systemTokens = share(0.15)
            analysis.toolTokens = share(0.1)
            analysis.contextTokens = share(0.2)
            analysis.historyTokens = share(0.2 + random.unit() * 0.3)
            analysis.queryTokens = max(1, prompt - analysis.systemTokens - analysis.toolTokens - analysis.contextTokens
                                       - analysis.historyTokens)
            analysis.whitespaceWasteTokens = share(random.unit() * 0.03)
            analysis.fillerWasteTokens = share(random.unit() * 0.01)
            analysis.messageCount = 1 + Int64(random.next() % 40)
            analysis.complexity = Int64(min(9, random.logNormal(median: 3, sigma: 0.6)))
            record.analysis = analysis
        }
        return record
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Log-normal with the given median (Box–Muller).
    mutating func logNormal(median: Double, sigma: Double) -> Double {
        let u1 = max(unit(), 1e-12)
        let u2 = unit()
        let normal = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        return median * exp(sigma * normal)
    }
}
