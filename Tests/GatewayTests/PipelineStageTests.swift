import Foundation
@testable import Gateway
import Policy
import Providers
import NIOHTTP1
import Testing

/// The gateway's decisions as plain functions of (request facts, snapshot, counters).
struct SpendLedgerTests {
    func limit(_ cap: Int64, action: LimitAction = .block, calls: Bool = false, window: String = "2026-11-28") -> SpendLedger.Limit {
        SpendLedger.Limit(key: calls ? .modelCalls("m") : .sourceDay("agent"), window: window, cap: cap, isCalls: calls,
                          decision: .init(rule: "r", action: action, retryAfterSeconds: 60, message: "m"))
    }

    @Test func reservationsCountUntilSettled() {
        let ledger = SpendLedger()
        guard case .admitted(let first) = ledger.reserve(amount: 60, limits: [limit(100)]) else { Issue.record("refused"); return }
        // 60 reserved + 60 more would pass 100: refused while the first is in flight.
        guard case .refused = ledger.reserve(amount: 60, limits: [limit(100)]) else { Issue.record("admitted"); return }
        ledger.settle(first, actual: 30, calledUpstream: true)
        guard case .admitted = ledger.reserve(amount: 60, limits: [limit(100)]) else { Issue.record("refused after settle"); return }
        #expect(ledger.usage(of: limit(100)) == (settled: 30, reserved: 60))
    }

    @Test func concurrentReservationsNeverPassTheLimitByMoreThanOne() async {
        let ledger = SpendLedger()
        let admitted = await withTaskGroup(of: Int64.self) { group in
            for _ in 0..<500 {
                group.addTask {
                    guard case .admitted(let held) = ledger.reserve(amount: 10, limits: [self.limit(1_000)]) else { return 0 }
                    ledger.settle(held, actual: 7, calledUpstream: true)
                    return 7
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted <= 1_000 + 10)
        #expect(admitted >= 1_000 - 10)
    }

    @Test func warnLimitsAdmitAndReport() {
        let ledger = SpendLedger()
        guard case .admitted(let held) = ledger.reserve(amount: 500, limits: [limit(100, action: .warn)]) else {
            Issue.record("warn refused"); return
        }
        #expect(held.warnings.map(\.rule) == ["r"])
    }

    @Test func aNewWindowStartsFromZero() {
        let ledger = SpendLedger()
        if case .admitted(let held) = ledger.reserve(amount: 90, limits: [limit(100)]) { ledger.settle(held, actual: 90, calledUpstream: true) }
        guard case .refused = ledger.reserve(amount: 20, limits: [limit(100)]) else { Issue.record("admitted"); return }
        guard case .admitted = ledger.reserve(amount: 20, limits: [limit(100, window: "2026-11-29")]) else { Issue.record("refused"); return }
    }

    @Test func callLimitsCountCallsNotMoney() {
        let ledger = SpendLedger()
        for _ in 0..<3 {
            guard case .admitted(let held) = ledger.reserve(amount: 1_000_000, limits: [limit(3, calls: true)]) else {
                Issue.record("refused early"); return
            }
            ledger.settle(held, actual: 5, calledUpstream: true)
        }
        guard case .refused = ledger.reserve(amount: 0, limits: [limit(3, calls: true)]) else { Issue.record("4th admitted"); return }
    }

    @Test func windowsFollowTheTimeZone() throws {
        let now = Date(timeIntervalSince1970: 1795916000) // 2026-11-29T01:33:20Z
        let utc = BudgetWindows(now: now, timeZone: TimeZone(identifier: "UTC")!)
        let newYork = BudgetWindows(now: now, timeZone: try #require(TimeZone(identifier: "America/New_York")))
        #expect(utc.dayKey == "2026-11-29" && newYork.dayKey == "2026-11-28")
        #expect(utc.secondsToNextDay == 86_400 - (1 * 3600 + 33 * 60 + 20))
        #expect(utc.monthKey == "2026-11" && utc.secondsToNextMonth == utc.secondsToNextDay + 86_400 && newYork.monthKey == "2026-11")
    }

    @Test func worstCaseCostBoundsTheRealCost() throws {
        let prices = PriceTable.shipped
        let worst = LimitPlan.worstCaseCost(prices: prices, model: "gpt-5-mini", promptBytes: 4_000, maxOutputTokens: 500)
        // 4,000 tokens at most (a token is at least a byte) at $0.25/Mtok plus 500 at $2/Mtok.
        #expect(worst == 4_000 * 250_000 + 500 * 2_000_000)
        #expect(LimitPlan.worstCaseCost(prices: prices, model: "my-llama", promptBytes: 10, maxOutputTokens: 10) == 0)
    }
}

struct RoutingTests {
    static func snapshot(_ routing: String) throws -> PolicySnapshot {
        let sources = PolicySources(config: .init(path: "config.toml", bytes: []),
                                    policies: [.init(path: "policies/routing.toml", bytes: Array(routing.utf8))])
        return try #require(PolicyCompiler.compile(sources, environment: ["HOME": "/tmp"]).snapshot)
    }

    @Test func aliasesResolveToTheEndOfTheChain() throws {
        let snapshot = try Self.snapshot("[[aliases]]\nfrom = \"gpt-4\"\nto = \"smart\"\n[[aliases]]\nfrom = \"smart\"\nto = \"gpt-4.1\"\n")
        let selector = RouteSelector(random: RoutingRandom(seed: 1), latency: LatencyTracker())
        let decision = selector.route(model: "gpt-4", source: "s", provider: .openai, snapshot: snapshot)
        #expect(decision == .init(model: "gpt-4.1", rules: ["alias:gpt-4", "alias:smart"]))
    }

    @Test func seededWeightsAreDeterministicAndProportional() throws {
        let snapshot = try Self.snapshot("""
            [[weights]]
            source = "a"
            [[weights.rules]]
            model = "gpt-4o-mini"
            weight = 3
            [[weights.rules]]
            model = "gpt-4.1-mini"
            weight = 1
            """)
        func draw(seed: UInt64) -> [String?] {
            let selector = RouteSelector(random: RoutingRandom(seed: seed), latency: LatencyTracker())
            return (0..<4_000).map { _ in selector.route(model: "gpt-4o", source: "a", provider: .openai, snapshot: snapshot).model }
        }
        let first = draw(seed: 7)
        #expect(first == draw(seed: 7))
        let share = Double(first.filter { $0 == "gpt-4o-mini" }.count) / 4_000
        #expect(abs(share - 0.75) < 0.03)
        #expect(RouteSelector(random: RoutingRandom(seed: 7), latency: LatencyTracker())
            .route(model: "gpt-4o", source: "b", provider: .openai, snapshot: snapshot).model == "gpt-4o")
    }

    @Test func latencyRoutingLearnsThenPrefersTheFastest() {
        let tracker = LatencyTracker()
        let candidates = ["slow", "fast"]
        // Unknown candidates are tried first.
        #expect(tracker.choose(among: candidates, windowSeconds: 60) == "slow")
        for _ in 0..<5 { tracker.record(model: "slow", latencyMs: 400, failed: false) }
        #expect(tracker.choose(among: candidates, windowSeconds: 60) == "fast")
        for _ in 0..<5 { tracker.record(model: "fast", latencyMs: 100, failed: false) }
        #expect(tracker.choose(among: candidates, windowSeconds: 60) == "fast")
        // Errors count against a candidate: failing half its calls makes 100 ms worse than 250 ms.
        let flaky = LatencyTracker()
        for _ in 0..<10 { flaky.record(model: "fast", latencyMs: 100, failed: false) }
        for _ in 0..<10 { flaky.record(model: "fast", latencyMs: 100, failed: true) }
        for _ in 0..<20 { flaky.record(model: "slow", latencyMs: 250, failed: false) }
        #expect(flaky.choose(among: candidates, windowSeconds: 60) == "slow")
        // Samples age out: an hour later both are unknown again and get retried.
        #expect(tracker.choose(among: candidates, windowSeconds: 60, now: Date(timeIntervalSinceNow: 3_600)) == "slow")
    }

    @Test func latencyTrackerKeepsOnlyTheNewestSamples() {
        let tracker = LatencyTracker()
        // 512 slow calls, then 600 fast ones: only the newest 512 (all fast) remain.
        for _ in 0..<512 { tracker.record(model: "m", latencyMs: 900, failed: true) }
        for index in 0..<600 { tracker.record(model: "m", latencyMs: Double(index % 10), failed: false) }
        let stats = tracker.stats(model: "m", windowSeconds: 60)
        #expect(stats.count == 512)
        #expect(stats.p99Ms == 9)
        #expect(stats.errorRate == 0)
        // Half overwritten: 256 of the failing samples are still there.
        let mixed = LatencyTracker()
        for _ in 0..<512 { mixed.record(model: "m", latencyMs: 900, failed: true) }
        for _ in 0..<256 { mixed.record(model: "m", latencyMs: 1, failed: false) }
        #expect(mixed.stats(model: "m", windowSeconds: 60) == .init(count: 512, p99Ms: 900, errorRate: 0.5))
    }

    @Test func fallbackBackoffIsCappedAndHonoursRetryAfter() {
        let policy = FallbackPolicy(baseDelayMs: 100, maxDelayMs: 2_000)
        #expect(policy.delayMs(afterAttempt: 1, retryAfter: nil) == 100)
        #expect(policy.delayMs(afterAttempt: 3, retryAfter: nil) == 400)
        #expect(policy.delayMs(afterAttempt: 10, retryAfter: nil) == 2_000)
        #expect(policy.delayMs(afterAttempt: 1, retryAfter: "1") == 1_000)
        #expect(policy.delayMs(afterAttempt: 1, retryAfter: "60") == 2_000)
        #expect(FallbackPolicy.isRetryable(status: 429) && FallbackPolicy.isRetryable(status: 503) && !FallbackPolicy.isRetryable(status: 400))
    }
}

struct DedupCacheTests {
    @Test func canonicalKeysIgnoreKeyOrderButNotCredentials() {
        var auth = HTTPHeaders([("Authorization", "Bearer a")])
        let one = DedupCache.key(provider: .openai, method: "POST", path: "/v1/chat/completions", query: nil, model: "m",
                                 body: .init(string: #"{"a":1,"b":[1,2]}"#), headers: auth)
        let two = DedupCache.key(provider: .openai, method: "POST", path: "/v1/chat/completions", query: nil, model: "m",
                                 body: .init(string: #"{ "b": [1,2], "a": 1 }"#), headers: auth)
        auth = HTTPHeaders([("Authorization", "Bearer b")])
        let other = DedupCache.key(provider: .openai, method: "POST", path: "/v1/chat/completions", query: nil, model: "m",
                                   body: .init(string: #"{"a":1,"b":[1,2]}"#), headers: auth)
        #expect(one == two && one != other)
    }

    @Test func entriesExpireAndTheCacheStaysBounded() {
        let cache = DedupCache(maxEntries: 2, maxBytes: 1 << 20, maxEntryBytes: 10)
        let entry = DedupCache.Entry(status: 200, headers: [:], chunks: [.init(string: "hello")], storedAt: Date(),
                                     costPicodollars: 1, model: nil, usage: Usage())
        cache.store("a", entry)
        cache.store("b", entry)
        cache.store("c", entry)
        #expect(cache.count == 2 && cache.lookup("a", ttlSeconds: 60) == nil && cache.lookup("c", ttlSeconds: 60) != nil)
        #expect(cache.lookup("b", ttlSeconds: 60, now: Date(timeIntervalSinceNow: 120)) == nil)
        cache.store("big", DedupCache.Entry(status: 200, headers: [:], chunks: [.init(string: "more than ten bytes")],
                                            storedAt: Date(), costPicodollars: 1, model: nil, usage: Usage()))
        #expect(cache.lookup("big", ttlSeconds: 60) == nil)
    }
}

import HTTPTypes
import NIOCore

