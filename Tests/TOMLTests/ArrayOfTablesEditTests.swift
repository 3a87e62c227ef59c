import Testing
@testable import TOML

/// `[[x]]` edits: unchanged elements keep their exact text and comments.
@Suite struct ArrayOfTablesEditTests {
    static let limits = """
        # Per-source limits
        [[source_limits]]
        source = "team-a" # first
        max_tokens = 100

        # The second team
        [[source_limits]]
        source = "team-b"
        max_tokens = 200

        [[source_limits]]
        source = "team-c"
        max_tokens = 300

        [other]
        x = 1

        """

    private func edited(_ edit: (inout TOMLDocument) throws -> Void) throws -> String {
        var document = try TOMLDocument(parsing: Self.limits)
        try edit(&document)
        #expect(try TOMLDocument(parsing: document.text).root == document.root)
        return document.text
    }

    @Test func append() throws {
        let result = try edited { try $0.appendTable(["source": "team-d", "max_tokens": 400], toArrayAt: ["source_limits"]) }
        #expect(result == """
            # Per-source limits
            [[source_limits]]
            source = "team-a" # first
            max_tokens = 100

            # The second team
            [[source_limits]]
            source = "team-b"
            max_tokens = 200

            [[source_limits]]
            source = "team-c"
            max_tokens = 300

            [[source_limits]]
            source = "team-d"
            max_tokens = 400

            [other]
            x = 1

            """)
    }

    @Test func insertKeepsTheNextElementsComment() throws {
        let result = try edited { try $0.insertTable(["source": "team-x", "max_tokens": 1], at: 1, inArrayAt: ["source_limits"]) }
        #expect(result == """
            # Per-source limits
            [[source_limits]]
            source = "team-a" # first
            max_tokens = 100

            [[source_limits]]
            source = "team-x"
            max_tokens = 1

            # The second team
            [[source_limits]]
            source = "team-b"
            max_tokens = 200

            [[source_limits]]
            source = "team-c"
            max_tokens = 300

            [other]
            x = 1

            """)
    }

    @Test func removeTakesTheElementsComments() throws {
        let middle = try edited { try $0.removeTable(at: 1, fromArrayAt: ["source_limits"]) }
        #expect(middle == """
            # Per-source limits
            [[source_limits]]
            source = "team-a" # first
            max_tokens = 100

            [[source_limits]]
            source = "team-c"
            max_tokens = 300

            [other]
            x = 1

            """)
        // The comment block at the top of the file is the file's, not the element's.
        let first = try edited { try $0.removeTable(at: 0, fromArrayAt: ["source_limits"]) }
        #expect(first == """
            # Per-source limits

            # The second team
            [[source_limits]]
            source = "team-b"
            max_tokens = 200

            [[source_limits]]
            source = "team-c"
            max_tokens = 300

            [other]
            x = 1

            """)
    }

    @Test func replaceTouchesOnlyChangedLines() throws {
        let result = try edited {
            try $0.replaceArrayOfTables(at: ["source_limits"], with: [
                ["source": "team-a", "max_tokens": 100],
                ["max_tokens": 250, "source": "team-b"],
                ["source": "team-c", "max_tokens": 300],
                ["source": "team-e", "max_tokens": 500, "models": ["gpt-4o"]],
            ])
        }
        #expect(result == """
            # Per-source limits
            [[source_limits]]
            source = "team-a" # first
            max_tokens = 100

            # The second team
            [[source_limits]]
            source = "team-b"
            max_tokens = 250

            [[source_limits]]
            source = "team-c"
            max_tokens = 300

            [[source_limits]]
            source = "team-e"
            max_tokens = 500
            models = ["gpt-4o"]

            [other]
            x = 1

            """)
    }

    @Test func replaceWithReorderedAndRemovedElements() throws {
        let result = try edited {
            try $0.replaceArrayOfTables(at: ["source_limits"], with: [
                ["source": "team-b", "max_tokens": 200],
                ["source": "team-c", "max_tokens": 300, "enabled": false],
            ])
        }
        #expect(result == """
            # Per-source limits

            # The second team
            [[source_limits]]
            source = "team-b"
            max_tokens = 200

            [[source_limits]]
            source = "team-c"
            max_tokens = 300
            enabled = false

            [other]
            x = 1

            """)
    }

    @Test func subTableOfAnElementGoesInsideThatElement() throws {
        let result = try edited { try $0.setValue(["cert": "/x.pem"], at: ["source_limits", 1, "tls"]) }
        #expect(result == """
            # Per-source limits
            [[source_limits]]
            source = "team-a" # first
            max_tokens = 100

            # The second team
            [[source_limits]]
            source = "team-b"
            max_tokens = 200

            [source_limits.tls]
            cert = "/x.pem"

            [[source_limits]]
            source = "team-c"
            max_tokens = 300

            [other]
            x = 1

            """)
    }

    @Test func removingEveryElementRemovesTheKey() throws {
        var document = try TOMLDocument(parsing: "[[a]]\nx = 1\n\n[b]\ny = 2\n")
        try document.removeTable(at: 0, fromArrayAt: ["a"])
        #expect(document.text == "[b]\ny = 2\n")
        #expect(document.value(at: ["a"]) == nil)
    }

    @Test func largeArrayRoundTripsThroughReplace() throws {
        var text = ""
        for index in 0..<300 { text += "[[t]]\nid = \(index) # row \(index)\n\n" }
        var document = try TOMLDocument(parsing: text)
        var tables = try #require(document.value(at: ["t"])?.arrayValue).compactMap(\.tableValue)
        tables[150]["id"] = 9999
        tables.remove(at: 10)
        tables.append(["id": 300])
        try document.replaceArrayOfTables(at: ["t"], with: tables)
        var expected = ""
        for index in 0..<300 where index != 10 {
            expected += index == 150 ? "[[t]]\nid = 9999 # row 150\n\n" : "[[t]]\nid = \(index) # row \(index)\n\n"
        }
        expected += "[[t]]\nid = 300\n"
        #expect(document.text == expected)
    }
}
