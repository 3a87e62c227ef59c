import Testing
@testable import TOML

/// Hostile input: every truncation and many random byte flips of real files must give a
/// document or a `TOMLError`, never a crash, trap or hang. Debug builds trap on overflow
/// and out-of-bounds access, so simply finishing is the assertion.
@Suite struct RobustnessTests {
    static let seeds = [
        "valid/example.toml", "valid/spec-example-1.toml", "valid/string/multiline.toml",
        "valid/array/array.toml", "valid/inline-table/key-dotted-01.toml", "valid/datetime/datetime.toml",
        "valid/table/array-nest.toml", "valid/float/float.toml", "valid/integer/integer.toml",
    ]

    /// Deterministic generator (SplitMix64) so failures reproduce.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Parses and, on success, checks the document still reproduces its input.
    private func check(_ bytes: [UInt8]) {
        do {
            let document = try TOMLDocument(parsing: bytes)
            #expect(document.bytes == bytes)
        } catch {
            #expect(error.line >= 1 && error.column >= 1 && error.offset >= 0 && error.offset <= bytes.count)
        }
    }

    @Test(arguments: seeds)
    func everyTruncation(_ file: String) throws {
        let bytes = try Corpus.bytes(file)
        for length in 0...bytes.count { check(Array(bytes.prefix(length))) }
    }

    @Test(arguments: seeds)
    func randomMutations(_ file: String) throws {
        let bytes = try Corpus.bytes(file)
        guard !bytes.isEmpty else { return }
        var random = SplitMix64(state: UInt64(truncatingIfNeeded: file.utf8.reduce(7) { $0 &* 31 &+ Int($1) }))
        let interesting: [UInt8] = Array("[]{}=,.\"'\\#\n\r\t 0_+-:eEzZTx".utf8) + [0, 0x7F, 0xC3, 0xE2, 0xFF]
        for _ in 0..<1500 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: mutated[position] = UInt8.random(in: 0...255, using: &random)
                case 1: mutated[position] = interesting.randomElement(using: &random) ?? 0
                case 2: mutated.insert(interesting.randomElement(using: &random) ?? 0, at: position)
                default: if mutated.count > 1 { mutated.remove(at: position) }
                }
            }
            check(mutated)
        }
    }

    @Test func invalidCorpusFilesFailCleanly() throws {
        for file in Corpus.invalidFiles {
            let bytes = try Corpus.bytes(file)
            for length in stride(from: 0, through: bytes.count, by: max(1, bytes.count / 16)) {
                check(Array(bytes.prefix(length)))
            }
        }
    }

    @Test func deepNestingIsAnErrorNotAStackOverflow() {
        let cases = [
            "a = " + String(repeating: "[", count: 100_000),
            "a = " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
            "a = " + String(repeating: "{ b = ", count: 5_000),
            "[" + Array(repeating: "k", count: 1_000).joined(separator: ".") + "]",
            Array(repeating: "k", count: 1_000).joined(separator: ".") + " = 1",
            "a = " + String(repeating: "[{ b = ", count: 100),
        ]
        for text in cases {
            #expect(throws: TOMLError.self) { try TOMLDocument(parsing: text) }
        }
        let limit = "a = " + String(repeating: "[", count: 120) + String(repeating: "]", count: 120)
        #expect((try? TOMLDocument(parsing: limit)) != nil)
    }

    @Test func pathologicalButValidInputsAreFast() throws {
        // Long lines, many keys in one table and long strings stay linear.
        let wide = "a = [" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]"
        #expect(try TOMLDocument(parsing: wide).value(at: ["a"])?.arrayValue?.count == 100_000)
        var keys = ""
        for index in 0..<20_000 { keys += "k\(index) = \(index)\n" }
        #expect(try TOMLDocument(parsing: keys).root.count == 20_000)
        let long = "s = \"" + String(repeating: "é", count: 200_000) + "\" # end"
        let node = try #require(try TOMLDocument(parsing: long).node(at: ["s"]))
        #expect(node.sourceColumn(forContentOffset: 2) == 7)
    }
}
