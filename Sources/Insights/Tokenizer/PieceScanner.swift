import CPCRE2

/// A pre-tokenizer pattern compiled for scanning a whole text, match after match. It differs
/// from `Patterns.CompiledPattern` in one way that matters here: PCRE2 is told to skip its
/// UTF-8 validation (Swift strings are valid by construction). Left on, the check re-reads the
/// rest of the text at each of the thousands of matches in a prompt, which is quadratic.
final class PieceScanner: @unchecked Sendable {
    // Safety: `code` is written in `init` and freed in `deinit`; PCRE2 allows concurrent
    // matching against one compiled pattern, each call with its own match data.
    private let code: OpaquePointer
    private let isJITCompiled: Bool

    struct CompileError: Error, Sendable, Equatable {
        var offset: Int
        var code: Int32
    }

    init(_ pattern: String) throws(CompileError) {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options = UInt32(PCRE2_UTF | PCRE2_UCP)
        let length = pattern.utf8.count
        let compiled = pattern.withCString { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                pcre2_compile_8(bytes, length, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else { throw CompileError(offset: errorOffset, code: errorCode) }
        code = compiled
        // Without JIT the interpreter still matches, only slower.
        isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// Reports each match from `start` on as a byte range, in order, and returns where the
    /// scan stopped: `bytes.count`, or the position PCRE2 gave up at (a resource limit).
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (Int, Int) -> Void) -> Int {
        guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else { return start }
        defer { pcre2_match_data_free_8(matchData) }
        let options = UInt32(PCRE2_NO_UTF_CHECK)
        var position = start
        while position < bytes.count {
            // The JIT entry point skips pcre2_match's per-call checks, a fifth of the cost of a short piece.
            let status = isJITCompiled
                ? pcre2_jit_match_8(code, bytes.baseAddress, bytes.count, position, options, matchData, nil)
                : pcre2_match_8(code, bytes.baseAddress, bytes.count, position, options, matchData, nil)
            guard status > 0, let vector = pcre2_get_ovector_pointer_8(matchData) else { return position }
            let lower = Int(vector[0])
            let upper = Int(vector[1])
            // The pre-tokenizer patterns never match empty; stop rather than loop if one did.
            guard upper > lower else { return position }
            body(lower, upper)
            position = upper
        }
        return position
    }
}
