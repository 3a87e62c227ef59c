/// The structure an edit needs on top of the statement list: which table each statement
/// belongs to (blocks, with resolved paths including array-of-tables indices), the key
/// components of every key/value line, and where comments attach. Built on demand from
/// the document, so parsing stays lean.
struct DocumentLayout {
    /// A header and the statements up to the next header (index 0 is the root block).
    struct Block {
        var header: Int?
        var path: TOMLPath
        /// Statements after the header, up to the next header.
        var body: Range<Int>
    }

    let bytes: [UInt8]
    let statements: [TOMLStatement]
    private(set) var blocks: [Block] = []
    /// Block index for every statement.
    private(set) var blockOfStatement: [Int] = []
    /// Key components of key/value statements (relative to their block) and headers.
    private(set) var keys: [[String]] = []
    /// The document's line ending, used for inserted lines.
    let newline: String
    /// Offset after a byte-order mark; nothing may be inserted or removed before it.
    let bodyStart: Int

    init(_ document: TOMLDocument) {
        bytes = document.bytes
        statements = document.statements
        newline = Self.detectNewline(bytes)
        bodyStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        keys = Array(repeating: [], count: statements.count)
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            var parts: [Scanner.KeyPart] = []
            for (index, statement) in statements.enumerated() {
                guard let span = statement.keySpan, statement.kind != .comment else { continue }
                scanner.position = span.lowerBound
                do {
                    try scanner.scanKey(into: &parts)
                    keys[index] = parts.map(\.name)
                } catch {
                    // The document parsed, so its keys scan; leave the entry empty otherwise.
                }
            }
        }
        buildBlocks()
    }

    private static func detectNewline(_ bytes: [UInt8]) -> String {
        guard let lineFeed = bytes.firstIndex(of: 0x0A) else { return "\n" }
        return lineFeed > 0 && bytes[lineFeed - 1] == 0x0D ? "\r\n" : "\n"
    }

    /// Replays the headers to give each block its resolved path: `[[a]]` headers count
    /// elements, and a later `[a.b]` refers to the last element of `a`.
    private mutating func buildBlocks() {
        var arrayCounts: [TOMLPath: Int] = [:]
        blocks = [Block(header: nil, path: [], body: 0..<0)]
        blockOfStatement = Array(repeating: 0, count: statements.count)
        var bodyStart = 0
        for (index, statement) in statements.enumerated() {
            guard statement.isHeader else {
                blockOfStatement[index] = blocks.count - 1
                continue
            }
            blocks[blocks.count - 1].body = bodyStart..<index
            var path: TOMLPath = []
            let components = keys[index]
            for (position, key) in components.enumerated() {
                path.append(.key(key))
                if position == components.count - 1 {
                    if statement.kind == .arrayOfTables {
                        let count = arrayCounts[path, default: 0]
                        arrayCounts[path] = count + 1
                        path.append(.index(count))
                    }
                } else if let count = arrayCounts[path] {
                    path.append(.index(count - 1))
                }
            }
            blocks.append(Block(header: index, path: path, body: (index + 1)..<(index + 1)))
            blockOfStatement[index] = blocks.count - 1
            bodyStart = index + 1
        }
        blocks[blocks.count - 1].body = bodyStart..<statements.count
    }

    // MARK: Lookups

    /// Index of the statement whose span contains `offset`.
    func statementIndex(containing offset: Int) -> Int? {
        var low = 0
        var high = statements.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let span = statements[middle].span
            if offset < span.lowerBound {
                high = middle - 1
            } else if offset >= span.upperBound {
                low = middle + 1
            } else {
                return middle
            }
        }
        return nil
    }

    /// Full path of a key/value statement.
    func fullPath(ofStatement index: Int) -> TOMLPath {
        blocks[blockOfStatement[index]].path + keys[index].map { .key($0) }
    }

    /// The block whose header starts at `offset` (the `[` of the header).
    func block(ofHeaderAt offset: Int) -> Int? {
        guard let index = statementIndex(containing: offset), statements[index].isHeader else { return nil }
        return blockOfStatement[index]
    }

    func isDescendant(_ path: TOMLPath, of ancestor: TOMLPath) -> Bool {
        path.count >= ancestor.count && Array(path.prefix(ancestor.count)) == ancestor
    }

    // MARK: Comments and regions

    /// Start of `statement` including the comment lines directly above it (no blank line
    /// between), which document it. A comment block at the very top of the file is treated
    /// as the file's own header and never attached.
    func attachedStart(of statement: Int) -> Int {
        var first = statement
        while first > 0, statements[first - 1].kind == .comment { first -= 1 }
        if first == 0, first < statement { return max(bodyStart, statements[statement].span.lowerBound) }
        return max(bodyStart, statements[first].span.lowerBound)
    }

    /// Where a block's text starts: its header's attached comments (0 for the root).
    func regionStart(ofBlock block: Int) -> Int {
        guard let header = blocks[block].header else { return bodyStart }
        return attachedStart(of: header)
    }

    /// Where a block's text ends: the start of the next block (optionally skipping the
    /// blocks nested below it), or the end of the document.
    func regionEnd(ofBlock block: Int, includingDescendants: Bool) -> Int {
        var next = block + 1
        if includingDescendants {
            let path = blocks[block].path
            while next < blocks.count, isDescendant(blocks[next].path, of: path) { next += 1 }
        }
        return next < blocks.count ? regionStart(ofBlock: next) : bytes.count
    }

    /// The last key/value statement of a block, optionally only among keys starting with
    /// `prefix` (for tables made of dotted keys).
    func lastKeyValue(inBlock block: Int, prefix: [String] = []) -> Int? {
        blocks[block].body.last { index in
            statements[index].kind == .keyValue && keys[index].count > prefix.count
                && Array(keys[index].prefix(prefix.count)) == prefix
        }
    }

    /// Leading whitespace of a statement, reused to indent inserted lines.
    func indentation(ofStatement index: Int) -> String {
        let statement = statements[index]
        let start = statement.span.lowerBound
        var end = start
        while end < statement.span.upperBound, bytes[end] == 0x20 || bytes[end] == 0x09 { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// True when the line ending just before `offset` closes a blank line (or `offset` is
    /// the start of the document).
    func followsBlankLine(_ offset: Int) -> Bool {
        guard offset > 0, let index = statementIndex(containing: offset - 1) else { return true }
        return statements[index].kind == .blank
    }

    /// True when the line starting at `offset` is blank (or there is none).
    func precedesBlankLine(_ offset: Int) -> Bool {
        guard offset < bytes.count, let index = statementIndex(containing: offset) else { return true }
        return statements[index].kind == .blank
    }
}
