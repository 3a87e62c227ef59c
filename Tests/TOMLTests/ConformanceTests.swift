import Foundation
import Testing
@testable import TOML

/// toml-test 1.0.0: every valid file parses to the expected value tree and prints back
/// byte for byte; every invalid file is rejected.
@Suite struct ConformanceTests {
    @Test func corpusIsPresent() {
        #expect(Corpus.validFiles.count > 200)
        #expect(Corpus.invalidFiles.count > 400)
    }

    @Test(arguments: Corpus.validFiles)
    func validFileMatchesExpectedValues(_ file: String) throws {
        let bytes = try Corpus.bytes(file)
        let document: TOMLDocument
        do {
            document = try TOMLDocument(parsing: bytes)
        } catch {
            Issue.record("\(file) rejected: \(error)")
            return
        }
        let expected = try Corpus.expectedJSON(for: file)
        let difference = TaggedJSON.difference(.table(document.root), expected)
        #expect(difference == nil, "\(file): \(difference ?? "")")
    }

    @Test(arguments: Corpus.validFiles)
    func validFileRoundTripsByteForByte(_ file: String) throws {
        let bytes = try Corpus.bytes(file)
        let document = try TOMLDocument(parsing: bytes)
        #expect(document.bytes == bytes)
        #expect(Array(document.text.utf8) == bytes)
        // The statement spans tile the input exactly.
        var next = 0
        for statement in document.statements {
            #expect(statement.span.lowerBound == next)
            next = statement.span.upperBound
        }
        #expect(next == bytes.count)
    }

    @Test(arguments: Corpus.invalidFiles)
    func invalidFileIsRejected(_ file: String) throws {
        let bytes = try Corpus.bytes(file)
        do {
            let document = try TOMLDocument(parsing: bytes)
            Issue.record("\(file) accepted: \(document.root)")
        } catch {
            #expect(error.line >= 1 && error.column >= 1, "\(file): \(error)")
            #expect(!error.message.isEmpty)
        }
    }
}
