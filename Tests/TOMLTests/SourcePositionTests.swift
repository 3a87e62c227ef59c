import Testing
@testable import TOML

/// Every node reports where its key and value were written, so diagnostics can point at
/// `file:line:column`.
@Suite struct SourcePositionTests {
    static let policy = #"""
        # policy
        [quotas]
        name = "default"   # c
        pattern = "^a\tb(c"
        literal = 'x(y'
        [[rules]]
        id = 1
        [[rules]]
          id = 2
        [a.b.c]
        d = 1
        e.f = 2
        "名前" = "値"
        multi = """
        first
        se(cond"""
        """#

    private func node(_ path: TOMLPath) throws -> TOMLNode {
        try #require(try TOMLDocument(parsing: Self.policy).node(at: path))
    }

    @Test func keysAndValuesHaveLineAndColumn() throws {
        let quotas = try node(["quotas"])
        #expect(quotas.keyLocation == SourceLocation(offset: 10, line: 2, column: 2))
        #expect(quotas.valueLocation == SourceLocation(offset: 9, line: 2, column: 1))
        #expect(quotas.origin?.definition == .tableHeader)
        let name = try node(["quotas", "name"])
        #expect(name.keyLocation?.line == 3)
        #expect(name.keyLocation?.column == 1)
        #expect(name.valueLocation?.column == 8)
        let document = try TOMLDocument(parsing: Self.policy)
        #expect(document.text(of: try #require(name.origin?.keySpan)) == "name")
        #expect(document.text(of: try #require(name.origin?.valueSpan)) == "\"default\"")
        let d = try node(["a", "b", "c", "d"])
        #expect(d.keyLocation?.line == 11)
    }

    @Test func columnsCountUnicodeScalars() throws {
        let value = try node(["a", "b", "c", "名前"])
        #expect(value.keyLocation?.column == 1)
        #expect(value.valueLocation?.column == 8)
        #expect(value.origin?.string?.contentStart.column == 9)
    }

    @Test func implicitTablesPointAtWhatCreatedThem() throws {
        let a = try node(["a"])
        #expect(a.origin?.definition == .implicitByHeader)
        #expect(a.keyLocation == SourceLocation(offset: 114, line: 10, column: 2))
        let e = try node(["a", "b", "c", "e"])
        #expect(e.origin?.definition == .dottedKey)
        #expect(e.keyLocation?.line == 12)
        #expect(e.keyLocation?.column == 1)
    }

    @Test func arrayOfTablesElementsKnowTheirHeaders() throws {
        let rules = try node(["rules"])
        #expect(rules.origin?.definition == .arrayOfTables)
        #expect(rules.valueLocation?.line == 6)
        let second = try node(["rules", 1])
        #expect(second.origin?.definition == .arrayOfTablesHeader)
        #expect(second.valueLocation?.line == 8)
        #expect(try node(["rules", 1, "id"]).keyLocation?.column == 3)
    }

    @Test func stringContentOffsetsMapBackToColumns() throws {
        let pattern = try node(["quotas", "pattern"])
        #expect(pattern.origin?.string?.style == .basic)
        #expect(pattern.origin?.string?.contentStart.column == 12)
        // Decoded "^a<TAB>b(c": the tab came from the two-character escape `\t`.
        #expect(pattern.sourceColumn(forContentOffset: 0) == 12)
        #expect(pattern.sourceColumn(forContentOffset: 2) == 14)
        #expect(pattern.sourceColumn(forContentOffset: 3) == 16)
        #expect(pattern.sourceColumn(forContentOffset: 4) == 17)
        let literal = try node(["quotas", "literal"])
        #expect(literal.origin?.string?.style == .literal)
        #expect(literal.sourceColumn(forContentOffset: 1) == 13)
        let multi = try node(["a", "b", "c", "multi"])
        #expect(multi.origin?.string?.style == .multilineBasic)
        // The newline after the opening quotes is not content; "se(cond" is on line 16.
        #expect(multi.sourceLocation(forContentOffset: 0) == SourceLocation(offset: 164, line: 15, column: 1))
        #expect(multi.sourceLocation(forContentOffset: 8)?.line == 16)
        #expect(multi.sourceLocation(forContentOffset: 8)?.column == 3)
    }

    @Test func unicodeEscapesMapToTheirBackslash() throws {
        let document = try TOMLDocument(parsing: #"s = "é\u00E9x""#)
        let node = try #require(document.node(at: ["s"]))
        #expect(node.value == .string("ééx"))
        #expect(node.sourceColumn(forContentOffset: 0) == 6)
        #expect(node.sourceColumn(forContentOffset: 2) == 7)
        #expect(node.sourceColumn(forContentOffset: 3) == 7)
        #expect(node.sourceColumn(forContentOffset: 4) == 13)
    }

    @Test func statementsDescribeTheLayout() throws {
        let document = try TOMLDocument(parsing: "# c\n\n[t] # h\nk = 1 # v\n")
        #expect(document.statements.map(\.kind) == [.comment, .blank, .table, .keyValue])
        let value = document.statements[3]
        #expect(document.text(of: try #require(value.keySpan)) == "k")
        #expect(document.text(of: try #require(value.valueSpan)) == "1")
        #expect(document.text(of: try #require(value.commentSpan)) == "# v")
        #expect(document.location(ofOffset: value.contentStart) == SourceLocation(offset: 13, line: 4, column: 1))
    }

    @Test func dateTimesKeepComponentsAndText() throws {
        let document = try TOMLDocument(parsing: """
            a = 1979-05-27T07:32:00.999999-07:00
            b = 1979-05-27 07:32:00
            c = 1979-05-27
            d = 00:32:00.5
            """)
        guard case .offsetDateTime(let a) = document.value(at: ["a"]) else { Issue.record("a"); return }
        #expect(a.date == LocalDate(year: 1979, month: 5, day: 27))
        #expect(a.time.nanosecond == 999_999_000)
        #expect(a.offsetMinutes == -420)
        #expect(a.text == "1979-05-27T07:32:00.999999-07:00")
        guard case .localDateTime(let b) = document.value(at: ["b"]) else { Issue.record("b"); return }
        #expect(b.text == "1979-05-27 07:32:00")
        #expect(b.canonicalText == "1979-05-27T07:32:00")
        #expect(document.value(at: ["c"]) == .localDate(LocalDate(year: 1979, month: 5, day: 27)))
        #expect(document.value(at: ["d"]) == .localTime(LocalTime(hour: 0, minute: 32, second: 0, nanosecond: 500_000_000)))
    }
}
