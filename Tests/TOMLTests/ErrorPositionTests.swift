import Testing
@testable import TOML

/// Errors say where (1-based line, column in Unicode scalars) and what to fix.
@Suite struct ErrorPositionTests {
    private func parseError(_ text: String) -> TOMLError? {
        do {
            _ = try TOMLDocument(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingValue() throws {
        let error = try #require(parseError("a = 1\nname = \n"))
        #expect(error.line == 2)
        #expect(error.column == 8)
        #expect(error.message == "missing value after `=` for key `name`")
    }

    @Test func missingEquals() throws {
        let error = try #require(parseError("name \"x\""))
        #expect((error.line, error.column) == (1, 6))
        #expect(error.message == "expected `=` after key `name`, found `\"`")
    }

    @Test func tableDefinedTwice() throws {
        let error = try #require(parseError("[servers]\na = 1\n\n[servers]\nb = 2\n"))
        #expect((error.line, error.column, error.offset) == (4, 2, 18))
        #expect(error.message == "table `servers` is defined twice (first at line 1)")
        #expect(error.formatted(file: "policies/quotas.toml")
            == "policies/quotas.toml:4:2: error: table `servers` is defined twice (first at line 1)")
    }

    @Test func unterminatedString() throws {
        let error = try #require(parseError("a = \"abc\nb = 1\n"))
        #expect((error.line, error.column) == (1, 5))
        #expect(error.message.hasPrefix("unterminated string"))
    }

    @Test func invalidEscape() throws {
        let error = try #require(parseError(#"s = "a\qb""#))
        #expect((error.line, error.column) == (1, 7))
        #expect(error.message.hasPrefix(#"invalid escape `\q` in string"#))
    }

    @Test func columnsCountScalarsNotBytes() throws {
        let error = try #require(parseError("\"名前\" = tru\n"))
        #expect((error.line, error.column, error.offset) == (1, 8, 11))
        #expect(error.message.hasPrefix("invalid value `tru`"))
    }

    @Test func integerOverflow() throws {
        let error = try #require(parseError("big = 9223372036854775808"))
        #expect((error.line, error.column) == (1, 7))
        #expect(error.message.hasPrefix("integer `9223372036854775808` does not fit in 64 bits"))
        #expect(parseError("small = -9223372036854775808") == nil)
    }

    @Test func dottedKeyIntoHeaderTable() throws {
        let error = try #require(parseError("[a.b]\nx = 1\n[a]\nb.y = 2\n"))
        #expect((error.line, error.column) == (4, 1))
        #expect(error.message.hasPrefix("cannot add keys to table `b` with a dotted key"))
    }

    @Test func invalidDate() throws {
        let error = try #require(parseError("d = 2023-02-29\n"))
        #expect((error.line, error.column) == (1, 5))
        #expect(error.message == "invalid date `2023-02-29`: day 29 does not exist in month 2 of 2023")
    }
}
