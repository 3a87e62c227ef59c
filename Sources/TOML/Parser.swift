/// Reads a whole document in one pass over its bytes, producing both the statement list
/// (the lossless layout) and the value tree (through `TableBuilder`). Nesting is bounded so
/// hostile input yields an error instead of exhausting the stack.
struct Parser {
    struct Output {
        var statements: [TOMLStatement]
        var root: TOMLTable
    }

    static let maximumDepth = 128

    private var scanner: Scanner
    private var builder = TableBuilder()
    private var statements: [TOMLStatement] = []
    private var keyParts: [Scanner.KeyPart] = []
    private var currentTable = TableBuilder.root
    private var currentDepth = 0

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(TOMLError) -> Output {
        var parser = Parser(scanner: Scanner(bytes: bytes))
        return try parser.parseDocument()
    }

    private init(scanner: Scanner) {
        self.scanner = scanner
    }

    private mutating func parseDocument() throws(TOMLError) -> Output {
        guard scanner.bytes.count < Int(Int32.max) else {
            throw scanner.error("document is larger than 2 GiB", at: 0)
        }
        let (invalidOffset, isASCII) = validateUTF8(scanner.bytes)
        scanner.setASCII(isASCII)
        if let bad = invalidOffset {
            throw scanner.error("invalid UTF-8 byte 0x\(String(scanner.bytes[bad], radix: 16, uppercase: true)); TOML files must be UTF-8", at: bad)
        }
        // Generous reservations cost nothing until touched, and avoid copying as they grow.
        statements.reserveCapacity(scanner.bytes.count / 16)
        builder.reserveCapacity(tables: scanner.bytes.count / 64)
        var statementStart = 0
        while !scanner.isAtEnd {
            scanner.skipWhitespace()
            guard let byte = scanner.current else {
                append(.blank, statementStart)
                statementStart = scanner.position
                break
            }
            switch byte {
            case 0x0A, 0x0D:
                try scanner.consumeLineBreak()
                append(.blank, statementStart)
            case UInt8(ascii: "#"):
                let comment = try scanner.scanComment()
                _ = try scanner.finishLine(after: "comment")
                append(.comment, statementStart, comment: comment)
            case UInt8(ascii: "["):
                try parseHeader(statementStart)
            default:
                try parseKeyValue(statementStart)
            }
            statementStart = scanner.position
        }
        if statementStart < scanner.bytes.count {
            // Only a byte-order mark: keep it in a statement so spans still tile the input.
            append(.blank, statementStart)
        }
        return Output(statements: statements, root: builder.finishDocument())
    }

    /// Records the statement that ends at the scanner's position.
    private mutating func append(_ kind: TOMLStatement.Kind, _ start: Int, key: Range<Int>? = nil,
                                 value: Range<Int>? = nil, comment: Range<Int>? = nil)
    {
        let end = scanner.position
        var lineEnding = 0
        if end > start, scanner.bytes[end - 1] == 0x0A {
            lineEnding = end - 1 > start && scanner.bytes[end - 2] == 0x0D ? 2 : 1
        }
        statements.append(TOMLStatement(kind: kind, span: start..<end, keySpan: key, valueSpan: value,
                                        commentSpan: comment, lineEndingLength: lineEnding))
    }

    // MARK: Statements

    private mutating func parseHeader(_ start: Int) throws(TOMLError) {
        let open = scanner.position
        let location = scanner.location(at: open)
        scanner.position += 1
        let isArray = scanner.current == UInt8(ascii: "[")
        if isArray { scanner.position += 1 }
        scanner.skipWhitespace()
        try scanner.scanKey(into: &keyParts)
        let keySpan = (keyParts.first?.span.lowerBound ?? open)..<(keyParts.last?.span.upperBound ?? open)
        locateKeyParts()
        scanner.skipWhitespace()
        let closing = isArray ? "]]" : "]"
        guard scanner.current == UInt8(ascii: "]"), !isArray || scanner.byte(at: scanner.position + 1) == UInt8(ascii: "]") else {
            throw scanner.error("expected `\(closing)` to close the table header, found \(scanner.describeCurrent())", at: scanner.position)
        }
        scanner.position += closing.utf8.count
        guard keyParts.count <= Self.maximumDepth else {
            throw scanner.error("table header nests more than \(Self.maximumDepth) levels deep", at: open)
        }
        let headerSpan = open..<scanner.position
        currentTable = try builder.openHeader(keyParts, isArray: isArray, headerLocation: location,
                                              headerSpan: headerSpan)
        currentDepth = keyParts.count
        let bytes = scanner.bytes
        let comment = try scanner.finishLine(after: "table header `\(String(decoding: bytes[headerSpan], as: UTF8.self))`")
        append(isArray ? .arrayOfTables : .table, start, key: keySpan, value: headerSpan, comment: comment)
    }

    private mutating func parseKeyValue(_ start: Int) throws(TOMLError) {
        if let key = scanner.scanPlainKey() {
            try parsePlainKeyValue(start, key: key)
            return
        }
        try scanner.scanKey(into: &keyParts)
        let keyStart = keyParts.first?.span.lowerBound ?? scanner.position
        let keyEnd = keyParts.last?.span.upperBound ?? scanner.position
        locateKeyParts()
        scanner.skipWhitespace()
        guard scanner.current == UInt8(ascii: "=") else {
            throw scanner.error("expected `=` after key `\(Self.keyDescription(keyParts))`, found \(scanner.describeCurrent())", at: scanner.position)
        }
        scanner.position += 1
        scanner.skipWhitespace()
        try requireValue(after: keyParts)
        let depth = currentDepth + keyParts.count
        var node = try parseValue(depth: depth)
        let valueSpan = node.valueSpan
        if let last = keyParts.last { node.setKey(last.location, end: last.span.upperBound) }
        try builder.insert(consume node, at: keyParts, into: currentTable)
        let parts = keyParts
        let comment = try scanner.finishLine(after: "the value of `\(Self.keyDescription(parts))`")
        append(.keyValue, start, key: keyStart..<keyEnd, value: valueSpan, comment: comment)
    }

    /// The common `name = value` line, without the bookkeeping dotted keys need.
    private mutating func parsePlainKeyValue(_ start: Int, key: Scanner.KeyPart) throws(TOMLError) {
        // `scanPlainKey` stopped at the `=`.
        scanner.position += 1
        scanner.skipWhitespace()
        if scanner.isAtEnd || scanner.isAtLineBreak || scanner.current == UInt8(ascii: "#") {
            throw scanner.error("missing value after `=` for key `\(ValueRenderer.renderKey(key.name))`", at: scanner.position)
        }
        let location = scanner.location(at: key.span.lowerBound)
        var node = try parseValue(depth: currentDepth + 1)
        let valueSpan = node.valueSpan
        node.setKey(location, end: key.span.upperBound)
        try builder.insert(consume node, key: key.name, at: location, into: currentTable)
        let name = key.name
        let comment = try scanner.finishLine(after: "the value of `\(ValueRenderer.renderKey(name))`")
        append(.keyValue, start, key: key.span, value: valueSpan, comment: comment)
    }

    private mutating func locateKeyParts() {
        for index in keyParts.indices {
            keyParts[index].location = scanner.location(at: keyParts[index].span.lowerBound)
        }
    }

    private static func keyDescription(_ parts: [Scanner.KeyPart]) -> String {
        parts.map { ValueRenderer.renderKey($0.name) }.joined(separator: ".")
    }

    private func requireValue(after parts: [Scanner.KeyPart]) throws(TOMLError) {
        if scanner.isAtEnd || scanner.isAtLineBreak || scanner.current == UInt8(ascii: "#") {
            throw scanner.error("missing value after `=` for key `\(Self.keyDescription(parts))`", at: scanner.position)
        }
    }

    // MARK: Values

    private mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLNode {
        let start = scanner.position
        guard depth <= Self.maximumDepth else {
            throw scanner.error("value nests more than \(Self.maximumDepth) levels deep", at: start)
        }
        let location = scanner.location(at: start)
        guard let first = scanner.current else {
            throw scanner.error("expected a value, found end of input", at: start)
        }
        switch first {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let isTriple = scanner.byte(at: start + 1) == first && scanner.byte(at: start + 2) == first
            let style: TOMLStringSource.Style
            let scanned: Scanner.ScannedString
            if first == UInt8(ascii: "\"") {
                style = isTriple ? .multilineBasic : .basic
                scanned = isTriple ? try scanner.scanMultilineBasicString() : try scanner.scanBasicString()
            } else {
                style = isTriple ? .multilineLiteral : .literal
                scanned = isTriple ? try scanner.scanMultilineLiteralString() : try scanner.scanLiteralString()
            }
            let raw = scanned.isVerbatim
                ? nil : String(decoding: scanner.bytes[scanned.contentStart..<scanned.contentEnd], as: UTF8.self)
            return TOMLNode(string: scanned.value, valueLocation: location, valueEnd: scanner.position, style: style,
                            contentStart: scanned.contentStart, rawContent: raw)
        case UInt8(ascii: "["):
            let array = try parseArray(depth: depth)
            return TOMLNode(.array(array), valueLocation: location, valueEnd: scanner.position)
        case UInt8(ascii: "{"):
            let table = try parseInlineTable(depth: depth, location: location)
            return TOMLNode(.table(table), valueLocation: location, valueEnd: scanner.position)
        default:
            let token = scanner.scanBareToken()
            guard !token.isEmpty else {
                throw scanner.error("expected a value, found \(scanner.describeCurrent())", at: start)
            }
            let value: TOMLValue
            do {
                value = try BareValueParser.parse(scanner.bytes[token])
            } catch {
                throw scanner.error(error.message, at: start)
            }
            return TOMLNode(value, valueLocation: location, valueEnd: scanner.position)
        }
    }

    private mutating func parseArray(depth: Int) throws(TOMLError) -> TOMLArray {
        let open = scanner.position
        scanner.position += 1
        var nodes: [TOMLNode] = []
        while true {
            try scanner.skipArrayTrivia()
            guard let byte = scanner.current else {
                throw scanner.error("unterminated array: missing `]`", at: open)
            }
            if byte == UInt8(ascii: "]") {
                scanner.position += 1
                return TOMLArray(nodes: nodes)
            }
            if nodes.isEmpty { nodes.reserveCapacity(2) }
            nodes.append(try parseValue(depth: depth + 1))
            try scanner.skipArrayTrivia()
            switch scanner.current {
            case UInt8(ascii: ","):
                scanner.position += 1
            case UInt8(ascii: "]"):
                scanner.position += 1
                return TOMLArray(nodes: nodes)
            case nil:
                throw scanner.error("unterminated array: missing `]`", at: open)
            default:
                throw scanner.error("expected `,` or `]` after an array element, found \(scanner.describeCurrent())", at: scanner.position)
            }
        }
    }

    private mutating func parseInlineTable(depth: Int, location: SourceLocation) throws(TOMLError) -> TOMLTable {
        let open = scanner.position
        scanner.position += 1
        let table = builder.beginInlineTable(TOMLOrigin(definition: .value, keyLocation: nil, keySpan: nil,
                                                        valueLocation: location, valueSpan: open..<open))
        var parts: [Scanner.KeyPart] = []
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
            return builder.finishInlineTable(table)
        }
        while true {
            try checkInlineTableContinues(open)
            try scanner.scanKey(into: &parts)
            for index in parts.indices { parts[index].location = scanner.location(at: parts[index].span.lowerBound) }
            scanner.skipWhitespace()
            guard scanner.current == UInt8(ascii: "=") else {
                throw scanner.error("expected `=` after key `\(Self.keyDescription(parts))`, found \(scanner.describeCurrent())", at: scanner.position)
            }
            scanner.position += 1
            scanner.skipWhitespace()
            try requireValue(after: parts)
            var node = try parseValue(depth: depth + parts.count)
            if let last = parts.last { node.setKey(last.location, end: last.span.upperBound) }
            try builder.insert(node, at: parts, into: table)
            scanner.skipWhitespace()
            switch scanner.current {
            case UInt8(ascii: ","):
                scanner.position += 1
                scanner.skipWhitespace()
                if scanner.current == UInt8(ascii: "}") {
                    throw scanner.error("trailing comma is not allowed in an inline table", at: scanner.position - 1)
                }
            case UInt8(ascii: "}"):
                scanner.position += 1
                return builder.finishInlineTable(table)
            default:
                try checkInlineTableContinues(open)
                throw scanner.error("expected `,` or `}` in inline table, found \(scanner.describeCurrent())", at: scanner.position)
            }
        }
    }

    private func checkInlineTableContinues(_ open: Int) throws(TOMLError) {
        if scanner.isAtEnd {
            throw scanner.error("unterminated inline table: missing `}`", at: open)
        }
        if scanner.isAtLineBreak {
            throw scanner.error("inline tables must be on one line (no line breaks inside `{ }`); use a [table] section for longer tables", at: scanner.position)
        }
    }
}
