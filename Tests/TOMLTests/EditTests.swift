import Testing
@testable import TOML

/// Edits on commented files must produce exactly the expected text, and the result must
/// re-parse to the edited value tree.
@Suite struct EditTests {
    /// Applies `edit`, checks the re-parse invariant and returns the new text.
    private func edited(_ text: String, _ edit: (inout TOMLDocument) throws -> Void) throws -> String {
        var document = try TOMLDocument(parsing: text)
        try edit(&document)
        let reparsed = try TOMLDocument(parsing: document.text)
        #expect(reparsed.root == document.root)
        return document.text
    }

    static let gateway = """
        # Gateway config

        [server]
        port = 8080 # listen port
        # The host to bind
        host = "localhost"

        # Limits apply per key
        [limits]
        max = 1

        """

    @Test func replacingAValueKeepsItsComment() throws {
        let result = try edited(Self.gateway) { try $0.setValue(9090, at: ["server", "port"]) }
        #expect(result == """
            # Gateway config

            [server]
            port = 9090 # listen port
            # The host to bind
            host = "localhost"

            # Limits apply per key
            [limits]
            max = 1

            """)
    }

    @Test func newKeyGoesAfterTheTablesLastKey() throws {
        let result = try edited(Self.gateway) { try $0.setValue("info", at: ["server", "log_level"]) }
        #expect(result == """
            # Gateway config

            [server]
            port = 8080 # listen port
            # The host to bind
            host = "localhost"
            log_level = "info"

            # Limits apply per key
            [limits]
            max = 1

            """)
    }

    @Test func missingTableBecomesASectionAtTheEnd() throws {
        let result = try edited(Self.gateway) { try $0.setValue(true, at: ["tls", "enabled"]) }
        #expect(result == Self.gateway + """

            [tls]
            enabled = true

            """)
    }

    @Test func newRootKeyGoesAboveTheFirstTable() throws {
        let result = try edited(Self.gateway) { try $0.setValue("v1", at: ["version"]) }
        #expect(result == """
            # Gateway config

            version = "v1"

            [server]
            port = 8080 # listen port
            # The host to bind
            host = "localhost"

            # Limits apply per key
            [limits]
            max = 1

            """)
    }

    @Test func removingAKeyTakesItsCommentsAlong() throws {
        let result = try edited(Self.gateway) { try $0.removeValue(at: ["server", "host"]) }
        #expect(result == """
            # Gateway config

            [server]
            port = 8080 # listen port

            # Limits apply per key
            [limits]
            max = 1

            """)
        let other = try edited(Self.gateway) { try $0.removeValue(at: ["server", "port"]) }
        #expect(other == """
            # Gateway config

            [server]
            # The host to bind
            host = "localhost"

            # Limits apply per key
            [limits]
            max = 1

            """)
    }

    @Test func removingATableRemovesItsSection() throws {
        let first = try edited(Self.gateway) { try $0.removeValue(at: ["server"]) }
        #expect(first == """
            # Gateway config

            # Limits apply per key
            [limits]
            max = 1

            """)
        let last = try edited(Self.gateway) { try $0.removeValue(at: ["limits"]) }
        #expect(last == """
            # Gateway config

            [server]
            port = 8080 # listen port
            # The host to bind
            host = "localhost"

            """)
    }

    @Test func regexesAreWrittenAsLiteralStrings() throws {
        let result = try edited("[limits]\nmax = 1\n") {
            try $0.setValue(#"^gpt-4o(-mini)?\d+$"#, at: ["limits", "pattern"])
        }
        #expect(result == #"""
            [limits]
            max = 1
            pattern = '^gpt-4o(-mini)?\d+$'

            """#)
        let quoted = try edited("") { try $0.setValue("it's \"quoted\"\n", at: ["s"]) }
        #expect(quoted == #"s = "it's \"quoted\"\n""# + "\n")
    }

    @Test func editsKeepWindowsLineEndings() throws {
        let result = try edited("[a]\r\nx = 1 # one\r\n\r\n[b]\r\ny = 2\r\n") {
            try $0.setValue(3, at: ["a", "z"])
            try $0.setValue(4, at: ["b", "y"])
            try $0.setValue(["k": "v"], at: ["c"])
        }
        #expect(result == "[a]\r\nx = 1 # one\r\nz = 3\r\n\r\n[b]\r\ny = 4\r\n\r\n[c]\r\nk = \"v\"\r\n")
    }

    @Test func editsAtEndOfFileWithoutNewline() throws {
        #expect(try edited("a = 1\nb = 2") { try $0.setValue(3, at: ["c"]) } == "a = 1\nb = 2\nc = 3\n")
        #expect(try edited("a = 1\nb = 2") { try $0.setValue(5, at: ["b"]) } == "a = 1\nb = 5")
        #expect(try edited("a = 1\nb = 2") { try $0.setValue(5, at: ["t", "x"]) } == "a = 1\nb = 2\n\n[t]\nx = 5\n")
        #expect(try edited("a = 1\nb = 2") { try $0.removeValue(at: ["b"]) } == "a = 1\n")
    }

    static let model = """
        [model]
        name = "x"
        limits.max_tokens = 100 # hard cap
        limits.window = "1m"
        retries = 3

        """

    @Test func dottedKeyTables() throws {
        let added = try edited(Self.model) { try $0.setValue(5, at: ["model", "limits", "burst"]) }
        #expect(added == """
            [model]
            name = "x"
            limits.max_tokens = 100 # hard cap
            limits.window = "1m"
            limits.burst = 5
            retries = 3

            """)
        let replaced = try edited(Self.model) { try $0.setValue(200, at: ["model", "limits", "max_tokens"]) }
        #expect(replaced == """
            [model]
            name = "x"
            limits.max_tokens = 200 # hard cap
            limits.window = "1m"
            retries = 3

            """)
        let removed = try edited(Self.model) { try $0.removeValue(at: ["model", "limits"]) }
        #expect(removed == """
            [model]
            name = "x"
            retries = 3

            """)
    }

    @Test func inlineValuesAreEditedInPlace() throws {
        let result = try edited("point = { x = 1, y = 2 } # p\narr = [\n  1, # one\n  2,\n]\n") {
            try $0.setValue(5, at: ["point", "y"])
            try $0.setValue(9, at: ["arr", 1])
        }
        #expect(result == "point = { x = 1, y = 5 } # p\narr = [\n  1, # one\n  9,\n]\n")
        let grown = try edited("point = { x = 1 } # p\n") { try $0.setValue(2, at: ["point", "y"]) }
        #expect(grown == "point = { x = 1, y = 2 } # p\n")
    }

    @Test func implicitTableGetsItsOwnHeader() throws {
        let result = try edited("# top\n\n[a.b]\nx = 1\n") { try $0.setValue(2, at: ["a", "y"]) }
        #expect(result == "# top\n\n[a]\ny = 2\n\n[a.b]\nx = 1\n")
    }

    @Test func emptyDocumentGrows() throws {
        let result = try edited("") {
            try $0.setValue(1, at: ["a"])
            try $0.setValue(["port": 1], at: ["server"])
            try $0.appendTable(["x": 1], toArrayAt: ["items"])
        }
        #expect(result == "a = 1\n\n[server]\nport = 1\n\n[[items]]\nx = 1\n")
    }

    @Test func byteOrderMarkStaysFirst() throws {
        let text = "\u{FEFF}# c\n[a]\nx = 1\n"
        #expect(try edited(text) { try $0.setValue(1, at: ["top"]) } == "\u{FEFF}# c\ntop = 1\n\n[a]\nx = 1\n")
        #expect(try edited("\u{FEFF}[a]\nx = 1\n") { try $0.removeValue(at: ["a"]) } == "\u{FEFF}")
        #expect(try edited("\u{FEFF}") { try $0.setValue(["k": 1], at: ["t"]) } == "\u{FEFF}[t]\nk = 1\n")
    }

    @Test func invalidEditsThrowAndLeaveTheDocumentAlone() throws {
        var document = try TOMLDocument(parsing: Self.gateway)
        #expect(throws: TOMLEditError.notATable(["server", "port"])) {
            try document.setValue(1, at: ["server", "port", "x"])
        }
        #expect(throws: TOMLEditError.notFound(["nope"])) { try document.removeValue(at: ["nope"]) }
        #expect(throws: TOMLEditError.emptyPath) { try document.setValue(1, at: []) }
        #expect(throws: TOMLEditError.notAnArrayOfTables(["server"])) {
            try document.appendTable([:], toArrayAt: ["server"])
        }
        var deep: TOMLValue = 1
        for _ in 0..<500 { deep = [deep] }
        #expect(throws: TOMLEditError.self) { try document.setValue(deep, at: ["deep"]) }
        #expect(document.text == Self.gateway)
    }
}
