import CPCRE2

/// A PCRE2 regular expression compiled once (UTF and Unicode properties on, JIT-compiled
/// where the platform allows) and matched from any thread. Matching is bounded by match and
/// depth limits, so a pathological pattern gives up instead of stalling the daemon.
public final class CompiledPattern: @unchecked Sendable {
    // Safety: `code` and `context` are written only in `init` and freed in `deinit`; PCRE2
    // allows concurrent matching against one compiled pattern with per-call match data.
    private let code: OpaquePointer
    private let context: OpaquePointer?
    public let pattern: String
    public let isCaseInsensitive: Bool
    public let isJITCompiled: Bool

    /// Backtracking budget per match; far above what a sane pattern needs on a prompt.
    public static let matchLimit: UInt32 = 1_000_000
    public static let depthLimit: UInt32 = 10_000

    public struct CompileError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Byte offset in the pattern where PCRE2 stopped.
        public var offset: Int
        public var message: String
        public var description: String { "\(message) (at offset \(offset) of the pattern)" }
    }

    public init(_ pattern: String, caseInsensitive: Bool = false) throws(CompileError) {
        self.pattern = pattern
        self.isCaseInsensitive = caseInsensitive
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        var options = UInt32(PCRE2_UTF | PCRE2_UCP)
        if caseInsensitive { options |= UInt32(PCRE2_CASELESS) }
        let compiled = pattern.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: pattern.utf8.count) { bytes in
                pcre2_compile_8(bytes, pattern.utf8.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            throw CompileError(offset: errorOffset, message: Self.message(for: errorCode))
        }
        code = compiled
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        let matchContext = pcre2_match_context_create_8(nil)
        if let matchContext {
            pcre2_set_match_limit_8(matchContext, Self.matchLimit)
            pcre2_set_depth_limit_8(matchContext, Self.depthLimit)
        }
        context = matchContext
    }

    deinit {
        if let context { pcre2_match_context_free_8(context) }
        pcre2_code_free_8(code)
    }

    /// Byte ranges (in UTF-8) of non-overlapping matches in `text`, at most `limit` of them.
    /// A match that exceeds the limits ends the search: what was found so far is returned.
    public func matches(in text: String, limit: Int = 64) -> [Range<Int>] {
        var text = text
        return text.withUTF8 { utf8 -> [Range<Int>] in
            guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else { return [] }
            defer { pcre2_match_data_free_8(matchData) }
            var results: [Range<Int>] = []
            var start = 0
            while start <= utf8.count, results.count < limit {
                // Swift strings are valid UTF-8: skip PCRE2's check, which would otherwise rescan
                // the rest of the text on every call (quadratic over a long prompt).
                let status = pcre2_match_8(code, utf8.baseAddress, utf8.count, start, UInt32(PCRE2_NO_UTF_CHECK), matchData, context)
                guard status > 0, let vector = pcre2_get_ovector_pointer_8(matchData) else { break }
                let lower = Int(vector[0])
                let upper = Int(vector[1])
                results.append(lower..<upper)
                // An empty match must still move forward, by one whole UTF-8 character.
                start = upper > lower ? upper : Self.nextCharacter(after: upper, in: utf8)
            }
            return results
        }
    }

    public func firstMatch(in text: String) -> Range<Int>? {
        matches(in: text, limit: 1).first
    }

    public func matches(_ text: String) -> Bool {
        firstMatch(in: text) != nil
    }

    static func nextCharacter(after offset: Int, in utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var next = offset + 1
        while next < utf8.count, utf8[next] & 0xC0 == 0x80 { next += 1 }
        return next
    }

    static func message(for errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer[..<Int(length)], as: UTF8.self) : "invalid pattern (PCRE2 error \(errorCode))"
    }
}
