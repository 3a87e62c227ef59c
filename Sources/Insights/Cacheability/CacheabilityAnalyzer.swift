import Providers

/// Scores how well a prompt trace can use providers' prompt caches, and finds what wastes
/// tokens. Caches serve an identical leading part of the prompt (tools, then system prompt,
/// then earlier messages) once it is at least about 1,024 tokens; everything after the first
/// byte that differs is paid in full. Pure: the same trace always gives the same report.
public enum CacheabilityAnalyzer {
    public struct Options: Sendable, Equatable {
        /// Findings about fewer tokens than this are not reported.
        public var minTokens: Int
        /// The shortest prefix a provider caches.
        public var minimumCacheableTokens: Int

        public init(minTokens: Int = 50, minimumCacheableTokens: Int = 1_024) {
            self.minTokens = max(0, minTokens)
            self.minimumCacheableTokens = minimumCacheableTokens
        }
    }

    /// The parts of a prompt in cache order.
    enum Section: String, CaseIterable {
        case tools, system, history, query
    }

    struct Block: Equatable {
        var section: Section
        var segment: PromptSegment
        var tokens: Int
    }

    public static func analyze(_ trace: PromptTrace, options: Options = Options()) -> CacheabilityReport {
        let requests = trace.requests.map { blocks(of: $0) }
        let last = requests.last ?? []
        let lastRequest = trace.requests.last
        func sum(_ section: Section) -> Int { last.filter { $0.section == section }.reduce(0) { $0 + $1.tokens } }
        let total = last.reduce(0) { $0 + $1.tokens }
        let stable = last.filter { $0.section != .query }.reduce(0) { $0 + $1.tokens }

        var findings: [CacheabilityReport.Finding] = []
        let requestNumber = trace.requests.count > 1 ? trace.requests.count : nil

        // Volatile text in the prefix: the cacheable part ends where it starts.
        var cacheable = stable
        var consumed = 0
        var volatileReported = false
        for block in last where block.section != .query {
            if let match = VolatileContent.first(in: block.segment.text) {
                let before = consumed + TokenEstimate.of(byteCount: match.offset)
                let lost = stable - before
                cacheable = before
                if lost >= options.minTokens {
                    volatileReported = true
                    let left = before < options.minimumCacheableTokens
                        ? "; the ~\(NumberText.grouped(before)) tokens before it are below the ~\(NumberText.grouped(options.minimumCacheableTokens))-token minimum, so nothing is cached"
                        : ""
                    findings.append(.init(
                        id: "volatile-prefix", severity: .warning,
                        title: "the \(label(block.section)) contains a \(match.kind) (\"\(match.sample)\")",
                        detail: "a prompt cache serves only a byte-identical prefix: the ~\(NumberText.grouped(lost)) tokens from this \(match.kind) on are paid in full on every request" + left,
                        suggestion: "move dates, times and ids out of the \(label(block.section)) to the end of the last user message, so everything before it stays identical",
                        tokens: lost, request: requestNumber))
                }
                break
            }
            consumed += block.tokens
        }
        if cacheable < options.minimumCacheableTokens {
            if total >= options.minTokens, !volatileReported {
                findings.append(.init(
                    id: "prefix-too-short", severity: .info,
                    title: "the stable prefix (~\(NumberText.grouped(cacheable)) tokens) is below the ~\(NumberText.grouped(options.minimumCacheableTokens))-token minimum providers cache",
                    detail: "prompt caches start at about \(NumberText.grouped(options.minimumCacheableTokens)) identical leading tokens; shorter prompts are always paid in full",
                    suggestion: "nothing to gain from caching at this size; if the prompt grows, keep its fixed parts (tools, system prompt) first",
                    tokens: cacheable, request: requestNumber))
            }
            cacheable = 0
        }

        if let request = lastRequest, request.provider == .anthropic, cacheable > 0, !containsKey("cache_control", in: request.body) {
            findings.append(.init(
                id: "no-cache-control", severity: .warning,
                title: "Anthropic caches only what a `cache_control` breakpoint marks, and this request has none",
                detail: "~\(NumberText.grouped(cacheable)) prefix tokens are sent at the full input rate; cache reads cost a tenth of it",
                suggestion: "add \"cache_control\": {\"type\": \"ephemeral\"} to the last system block (and to the last message for multi-turn use)",
                tokens: cacheable, request: requestNumber))
        }

        findings += wasteFindings(last, requestNumber: requestNumber, options: options)

        // Traces: how much each turn actually reused of the previous one.
        var reused: Int?
        var reusable: Int?
        var breaks: [CacheabilityReport.CacheBreak] = []
        if requests.count > 1 {
            var reusedTotal = 0
            var reusableTotal = 0
            for index in 1..<requests.count {
                let (shared, divergence) = commonPrefix(requests[index - 1], requests[index])
                let prompt = requests[index].reduce(0) { $0 + $1.tokens }
                reusedTotal += shared
                reusableTotal += prompt
                let previousStable = requests[index - 1].filter { $0.section != .query }.reduce(0) { $0 + $1.tokens }
                if let divergence, divergence != .query, shared < previousStable {
                    breaks.append(.init(request: index + 1, section: divergence.rawValue, reusedTokens: shared))
                }
                if toolOrderChanged(requests[index - 1], requests[index]) {
                    findings.append(.init(
                        id: "tool-order", severity: .warning,
                        title: "request \(index + 1) sends the same tools as request \(index) in another order",
                        detail: "tools come first in the cached prefix; reordering them invalidates the whole cache",
                        suggestion: "sort tool definitions (by name) before every request",
                        tokens: requests[index].filter { $0.section == .tools }.reduce(0) { $0 + $1.tokens }, request: index + 1))
                }
            }
            for item in breaks {
                let lost = requests[item.request - 1].filter { $0.section != .query }.reduce(0) { $0 + $1.tokens } - item.reusedTokens
                guard lost >= options.minTokens else { continue }
                findings.append(.init(
                    id: "cache-break", severity: .warning,
                    title: "request \(item.request) changes the \(label(Section(rawValue: item.section) ?? .history)) of request \(item.request - 1)",
                    detail: "only ~\(NumberText.grouped(item.reusedTokens)) leading tokens match the previous request, so ~\(NumberText.grouped(lost)) tokens of what should be a cache hit are paid in full",
                    suggestion: "append to the conversation instead of editing earlier messages, and keep tools and the system prompt byte-identical between turns",
                    tokens: lost, request: item.request))
            }
            reused = reusedTotal
            reusable = reusableTotal
        }

        let basis: Double
        if let reused, let reusable, reusable > 0 {
            // Observed reuse, limited by what the last request could offer.
            basis = min(Double(reused) / Double(reusable), total == 0 ? 0 : Double(cacheable) / Double(total))
        } else {
            basis = total == 0 ? 0 : Double(cacheable) / Double(total)
        }
        let messages = lastRequest.map { PromptExtractor.extract(provider: $0.provider, endpoint: $0.endpoint, body: $0.body).messageCount } ?? 0
        return CacheabilityReport(
            score: Int((basis * 100).rounded()), provider: lastRequest?.provider.rawValue ?? "openai",
            endpoint: lastRequest?.endpoint.rawValue ?? Endpoint.chatCompletions.rawValue,
            requests: trace.requests.count, messages: messages, totalTokens: total, toolTokens: sum(.tools),
            systemTokens: sum(.system), historyTokens: sum(.history), queryTokens: sum(.query),
            stablePrefixTokens: stable, cacheableTokens: cacheable, minimumCacheableTokens: options.minimumCacheableTokens,
            reusedPrefixTokens: reused, reusablePromptTokens: reusable, cacheBreaks: breaks,
            findings: findings.sorted { ($0.severity == .warning ? 0 : 1, -$0.tokens) < ($1.severity == .warning ? 0 : 1, -$1.tokens) })
    }

    // MARK: - Blocks

    /// The request's prompt in cache order: tools, system, history, then the last user
    /// message and what follows it (the query).
    static func blocks(of request: PromptTrace.Request) -> [Block] {
        let content = PromptExtractor.extract(provider: request.provider, endpoint: request.endpoint, body: request.body)
        let queryStart = content.lastUserMessageIndex ?? Int.max
        var blocks: [Block] = []
        for segment in content.segments {
            let section: Section
            if segment.kind == .toolDefinition { section = .tools }
            else if segment.role == .system { section = .system }
            else if segment.messageIndex >= queryStart { section = .query }
            else { section = .history }
            blocks.append(Block(section: section, segment: segment, tokens: TokenEstimate.of(segment.text)))
        }
        let order = Dictionary(uniqueKeysWithValues: Section.allCases.enumerated().map { ($1, $0) })
        return blocks.enumerated().sorted { a, b in
            let (x, y) = (order[a.element.section] ?? 0, order[b.element.section] ?? 0)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// Tokens two requests share from the start, and the section where they first differ.
    static func commonPrefix(_ previous: [Block], _ next: [Block]) -> (tokens: Int, divergence: Section?) {
        var tokens = 0
        for (a, b) in zip(previous, next) {
            // The previous request's last message is history in the next one.
            if a.segment.text == b.segment.text && (a.section == b.section || b.section == .history) {
                tokens += b.tokens
                continue
            }
            let shared = zip(a.segment.text.utf8, b.segment.text.utf8).prefix { $0 == $1 }.count
            return (tokens + TokenEstimate.of(byteCount: shared), b.section)
        }
        return (tokens, nil)
    }

    static func toolOrderChanged(_ previous: [Block], _ next: [Block]) -> Bool {
        let a = previous.filter { $0.section == .tools }.map(\.segment.text)
        let b = next.filter { $0.section == .tools }.map(\.segment.text)
        return a != b && a.count == b.count && a.sorted() == b.sorted()
    }

    // MARK: - Waste

    static func wasteFindings(_ blocks: [Block], requestNumber: Int?, options: Options) -> [CacheabilityReport.Finding] {
        var findings: [CacheabilityReport.Finding] = []
        // The same long text more than once.
        var seen: [String: (count: Int, tokens: Int, section: Section)] = [:]
        for block in blocks where block.tokens >= max(options.minTokens, 1) {
            let key = block.segment.text.trimmingSpaces
            seen[key, default: (0, block.tokens, block.section)].count += 1
        }
        let repeated = seen.values.filter { $0.count > 1 }.reduce(0) { $0 + $1.tokens * ($1.count - 1) }
        if repeated >= options.minTokens, repeated > 0 {
            findings.append(.init(
                id: "duplicate-content", severity: .warning,
                title: "the same text is sent more than once (~\(NumberText.grouped(repeated)) repeated tokens)",
                detail: "\(seen.values.filter { $0.count > 1 }.count) block(s) appear several times in one prompt: each copy is paid for",
                suggestion: "send shared documents or instructions once (in the system prompt) and refer to them",
                tokens: repeated, request: requestNumber))
        }
        // Whitespace beyond what separates words and paragraphs.
        let excess = blocks.reduce(0) { $0 + excessWhitespace($1.segment.text) }
        let whitespaceTokens = TokenEstimate.of(byteCount: excess)
        if whitespaceTokens >= options.minTokens, whitespaceTokens > 0 {
            findings.append(.init(
                id: "whitespace-bloat", severity: .info,
                title: "~\(NumberText.grouped(whitespaceTokens)) tokens of extra whitespace (runs of spaces, blank lines, trailing spaces)",
                detail: "\(NumberText.grouped(excess)) bytes of whitespace carry no meaning for the model",
                suggestion: "collapse runs of spaces and blank lines before sending (keep indentation inside code blocks)",
                tokens: whitespaceTokens, request: requestNumber))
        }
        // Large tool results kept in the history.
        let threshold = max(options.minTokens * 10, 500)
        let large = blocks.filter { $0.section == .history && $0.segment.kind == .toolResult && $0.tokens >= threshold }
        let largeTokens = large.reduce(0) { $0 + $1.tokens }
        if !large.isEmpty, largeTokens >= options.minTokens {
            findings.append(.init(
                id: "large-tool-results", severity: .warning,
                title: "\(large.count) tool result(s) of ~\(NumberText.grouped(threshold))+ tokens stay in the history (~\(NumberText.grouped(largeTokens)) tokens)",
                detail: "every later turn pays for them again (at the cache-read rate at best)",
                suggestion: "truncate or summarise tool output before returning it, or drop old tool results once they were used",
                tokens: largeTokens, request: requestNumber))
        }
        // History dominating the prompt.
        let prompt = blocks.reduce(0) { $0 + $1.tokens }
        let history = blocks.filter { $0.section == .history }.reduce(0) { $0 + $1.tokens }
        if prompt > 0, Double(history) / Double(prompt) > 0.6, history >= options.minTokens {
            findings.append(.init(
                id: "history-bloat", severity: .info,
                title: "conversation history is \(Int((Double(history) / Double(prompt) * 100).rounded()))% of the prompt (~\(NumberText.grouped(history)) tokens)",
                detail: "long histories grow the cost of every turn; above 60% they usually carry stale context",
                suggestion: "summarise or trim older turns, keeping the recent ones verbatim",
                tokens: history, request: requestNumber))
        }
        return findings
    }

    /// Bytes of whitespace beyond one space between words and one blank line between
    /// paragraphs, plus trailing spaces.
    static func excessWhitespace(_ text: String) -> Int {
        var excess = 0
        var spaces = 0
        var newlines = 0
        for byte in text.utf8 {
            switch byte {
            case 0x20, 0x09:
                spaces += 1
            case 0x0A:
                excess += spaces // trailing spaces
                spaces = 0
                newlines += 1
                if newlines > 2 { excess += 1 }
            case 0x0D:
                continue
            default:
                // Leading indentation after a newline is kept (code); runs inside a line are not.
                if newlines == 0, spaces > 1 { excess += spaces - 1 }
                spaces = 0
                newlines = 0
            }
        }
        return excess + spaces
    }

    static func containsKey(_ key: String, in value: JSONValue) -> Bool {
        switch value {
        case .object(let object):
            return object.entries.contains { $0.key == key || containsKey(key, in: $0.value) }
        case .array(let items):
            return items.contains { containsKey(key, in: $0) }
        default:
            return false
        }
    }

    static func label(_ section: Section) -> String {
        switch section {
        case .tools: "tool definitions"
        case .system: "system prompt"
        case .history: "conversation history"
        case .query: "last message"
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
