/// Format-preserving edits. Each operation computes the value tree the caller wants, then
/// `DocumentEditor` compares it with the current tree and rewrites only the text of values
/// that differ: replaced values keep their line and trailing comment, new keys go after the
/// last key of their table, new tables become sections, and arrays of tables are diffed so
/// unchanged elements keep their exact text. The result is re-parsed and checked against
/// the intended tree before it replaces the document.
///
/// Layout choices: strings are written as basic strings, or as literal strings when that
/// avoids escapes (regexes stay readable). Removing a key removes its line, its trailing
/// comment and the comment lines directly above it (no blank line between), which are
/// taken as its documentation; comments separated by a blank line, and the comment block
/// at the top of the file, are kept.
extension TOMLDocument {
    /// Sets `value` at `path`, creating tables as needed (`["servers", 0, "port"]`).
    public mutating func setValue(_ value: TOMLValue, at path: TOMLPath) throws(TOMLEditError) {
        // TOML readers (this one included) bound nesting; refuse to write what they reject.
        guard path.count + value.nestingDepth(limit: Parser.maximumDepth) <= Parser.maximumDepth else {
            throw .unsupportedLayout(path, reason: "the value nests more than \(Parser.maximumDepth) levels deep")
        }
        try commit(root.setting(value, at: path), path: path)
    }

    /// Removes the key (or array element) at `path`, with its whole subtree.
    public mutating func removeValue(at path: TOMLPath) throws(TOMLEditError) {
        try commit(root.removing(at: path), path: path)
    }

    /// Appends a `[[path]]` element, creating the array of tables if it does not exist.
    public mutating func appendTable(_ table: TOMLTable, toArrayAt path: TOMLPath) throws(TOMLEditError) {
        let tables = try existingTables(at: path, allowMissing: true)
        try replaceArrayOfTables(at: path, with: tables + [table])
    }

    /// Inserts a `[[path]]` element before position `index` (`index == count` appends).
    public mutating func insertTable(_ table: TOMLTable, at index: Int, inArrayAt path: TOMLPath) throws(TOMLEditError) {
        var tables = try existingTables(at: path, allowMissing: true)
        guard index >= 0, index <= tables.count else {
            throw .indexOutOfRange(path, index: index, count: tables.count)
        }
        tables.insert(table, at: index)
        try replaceArrayOfTables(at: path, with: tables)
    }

    /// Removes element `index` of the array of tables at `path`; removing the last element
    /// removes the key.
    public mutating func removeTable(at index: Int, fromArrayAt path: TOMLPath) throws(TOMLEditError) {
        var tables = try existingTables(at: path, allowMissing: false)
        guard tables.indices.contains(index) else {
            throw .indexOutOfRange(path, index: index, count: tables.count)
        }
        tables.remove(at: index)
        try replaceArrayOfTables(at: path, with: tables)
    }

    /// Replaces the whole array of tables at `path`. Elements equal to an existing one keep
    /// their original text and comments; changed elements are edited key by key, so a diff
    /// of the file shows only the lines that changed. An empty list removes the key.
    public mutating func replaceArrayOfTables(at path: TOMLPath, with tables: [TOMLTable]) throws(TOMLEditError) {
        if tables.isEmpty {
            guard root.value(at: path) != nil else { return }
            try removeValue(at: path)
        } else {
            try setValue(.array(TOMLArray(tables.map { TOMLValue.table($0) })), at: path)
        }
    }

    private func existingTables(at path: TOMLPath, allowMissing: Bool) throws(TOMLEditError) -> [TOMLTable] {
        guard !path.isEmpty else { throw .emptyPath }
        guard let value = root.value(at: path) else {
            if allowMissing { return [] }
            throw .notFound(path)
        }
        guard case .array(let array) = value else { throw .notAnArrayOfTables(path) }
        var tables: [TOMLTable] = []
        for element in array {
            guard case .table(let table) = element else { throw .notAnArrayOfTables(path) }
            tables.append(table)
        }
        return tables
    }

    /// Rewrites the text so it parses to `newRoot`, or throws and leaves `self` unchanged.
    private mutating func commit(_ newRoot: TOMLTable, path: TOMLPath) throws(TOMLEditError) {
        guard newRoot != root else { return }
        var editor = DocumentEditor(layout: DocumentLayout(self), path: path)
        try editor.syncTable(.block(0), path: [], old: root, new: newRoot)
        let edited = try editor.plan.apply(to: bytes, path: path)
        let reparsed: TOMLDocument
        do {
            reparsed = try TOMLDocument(parsing: edited)
        } catch {
            throw .invalidResult(error)
        }
        guard reparsed.root.droppingEmptyTables == newRoot.droppingEmptyTables else {
            throw .unsupportedLayout(path, reason: "the rewritten text would not hold the requested values")
        }
        self = reparsed
    }
}

/// Computes the splices that turn the current text into one holding a new value tree.
struct DocumentEditor {
    /// Where the keys of a table are written.
    enum Container {
        /// The root block, a `[table]` block or a `[[array]]` element block.
        case block(Int)
        /// A table made by dotted keys (`prefix.key = ...`) inside a block.
        case dotted(block: Int, prefix: [String])
        /// A table that exists only because headers below it name it.
        case implicit(TOMLPath)
        /// An inline `{ ... }` table, rewritten as a value.
        case inline(TOMLNode)
    }

    let layout: DocumentLayout
    let editPath: TOMLPath
    private(set) var plan = EditPlan()

    init(layout: DocumentLayout, path: TOMLPath) {
        self.layout = layout
        editPath = path
    }

    private var newline: String { layout.newline }

    private func unsupported(_ reason: String) -> TOMLEditError {
        .unsupportedLayout(editPath, reason: reason)
    }

    // MARK: Tables

    mutating func syncTable(_ container: Container, path: TOMLPath, old: TOMLTable, new: TOMLTable) throws(TOMLEditError) {
        if case .inline(let node) = container {
            try syncLiteral(node, to: .table(new))
            return
        }
        var added: [TOMLTable.Entry] = []
        for entry in new.entries {
            guard let oldNode = old.node(forKey: entry.key) else {
                added.append(entry)
                continue
            }
            guard oldNode.value != entry.value else { continue }
            if try !syncEntry(oldNode, at: path + [.key(entry.key)], to: entry.value) {
                try removeSubtree(oldNode, at: path + [.key(entry.key)])
                added.append(entry)
            }
        }
        for entry in old.entries where new.node(forKey: entry.key) == nil {
            try removeSubtree(entry.node, at: path + [.key(entry.key)])
        }
        if !added.isEmpty { try write(added, into: container, path: path) }
    }

    /// Edits an existing entry in place; false when it must be removed and re-added
    /// because its kind changed (a table becoming a scalar, say).
    private mutating func syncEntry(_ node: TOMLNode, at path: TOMLPath, to value: TOMLValue) throws(TOMLEditError) -> Bool {
        guard let origin = node.origin else { throw unsupported("a value has no source position") }
        switch origin.definition {
        case .value:
            try syncLiteral(node, to: value)
            return true
        case .tableHeader, .arrayOfTablesHeader, .dottedKey, .implicitByHeader:
            guard case .table(let oldTable) = node.value, case .table(let newTable) = value else { return false }
            try syncTable(container(for: node, at: path), path: path, old: oldTable, new: newTable)
            return true
        case .arrayOfTables:
            guard case .array(let oldArray) = node.value, case .array(let newArray) = value,
                  newArray.isArrayOfTables
            else { return false }
            try syncArrayOfTables(at: path, old: oldArray, new: newArray)
            return true
        }
    }

    private func container(for node: TOMLNode, at path: TOMLPath) throws(TOMLEditError) -> Container {
        guard let origin = node.origin else { throw unsupported("a table has no source position") }
        switch origin.definition {
        case .value:
            return .inline(node)
        case .tableHeader, .arrayOfTablesHeader:
            guard let block = layout.block(ofHeaderAt: origin.valueSpan.lowerBound) else {
                throw unsupported("the header of `\(path.pathDescription)` was not found")
            }
            return .block(block)
        case .dottedKey:
            guard let keyStart = origin.keySpan?.lowerBound,
                  let statement = layout.statementIndex(containing: keyStart)
            else { throw unsupported("the dotted key of `\(path.pathDescription)` was not found") }
            let block = layout.blockOfStatement[statement]
            let prefix = path.dropFirst(layout.blocks[block].path.count).compactMap { component -> String? in
                if case .key(let key) = component { return key }
                return nil
            }
            return .dotted(block: block, prefix: prefix)
        case .implicitByHeader:
            return .implicit(path)
        case .arrayOfTables:
            throw .notATable(path)
        }
    }

    /// A value written literally (`key = value`, array element, inline member): edit the
    /// elements that changed when the shape is the same, otherwise rewrite the value.
    private mutating func syncLiteral(_ node: TOMLNode, to value: TOMLValue) throws(TOMLEditError) {
        guard let origin = node.origin else { throw unsupported("a value has no source position") }
        switch (node.value, value) {
        case let (.array(old), .array(new)) where old.count == new.count && old.nodes.allSatisfy({ $0.origin != nil }):
            for (oldNode, newValue) in zip(old.nodes, new) where oldNode.value != newValue {
                try syncLiteral(oldNode, to: newValue)
            }
        case let (.table(old), .table(new))
            where Set(old.keys) == Set(new.keys) && old.entries.allSatisfy({ $0.node.origin?.definition == .value }):
            // Members made by dotted keys inside the braces have no value text of their own,
            // so a table holding any is rewritten whole (the default case).
            for entry in new.entries {
                guard let oldNode = old.node(forKey: entry.key), oldNode.value != entry.value else { continue }
                try syncLiteral(oldNode, to: entry.value)
            }
        default:
            plan.replace(origin.valueSpan, with: ValueRenderer.render(value))
        }
    }

    // MARK: Arrays of tables

    private mutating func syncArrayOfTables(at path: TOMLPath, old: TOMLArray, new: TOMLArray) throws(TOMLEditError) {
        var oldBlocks: [Int] = []
        for node in old.nodes {
            guard let offset = node.origin?.valueSpan.lowerBound, let block = layout.block(ofHeaderAt: offset) else {
                throw unsupported("an element of `\(path.pathDescription)` has no header")
            }
            oldBlocks.append(block)
        }
        guard let lastBlock = oldBlocks.last else { return }
        let keys = path.compactMap { component -> String? in
            if case .key(let key) = component { return key }
            return nil
        }
        let matches = Self.matchingElements(Array(old), Array(new))
        var oldIndex = 0
        var newIndex = 0
        for (matchedOld, matchedNew) in matches + [(old.count, new.count)] {
            let removed = oldIndex..<matchedOld
            let inserted = newIndex..<matchedNew
            let paired = min(removed.count, inserted.count)
            // Elements at the same position in a changed stretch are edited key by key.
            for step in 0..<paired {
                let oldPosition = removed.lowerBound + step
                guard case .table(let oldTable) = old[oldPosition],
                      case .table(let newTable) = new[inserted.lowerBound + step]
                else { continue }
                try syncTable(.block(oldBlocks[oldPosition]), path: path + [.index(oldPosition)],
                              old: oldTable, new: newTable)
            }
            for oldPosition in removed.dropFirst(paired) {
                let block = oldBlocks[oldPosition]
                removeRegion(layout.regionStart(ofBlock: block)..<layout.regionEnd(ofBlock: block, includingDescendants: true))
            }
            let additions = inserted.dropFirst(paired)
            if !additions.isEmpty {
                var lines: [String] = []
                for newPosition in additions {
                    if !lines.isEmpty { lines.append("") }
                    lines += ValueRenderer.sectionLines(keys: keys, isArray: true, table: new[newPosition].tableValue ?? TOMLTable())
                }
                let offset = matchedOld < old.count
                    ? layout.regionStart(ofBlock: oldBlocks[matchedOld])
                    : layout.regionEnd(ofBlock: lastBlock, includingDescendants: true)
                insertSection(lines, at: offset)
            }
            oldIndex = matchedOld + 1
            newIndex = matchedNew + 1
        }
    }

    /// Pairs of (old, new) indices of equal elements, in order: common prefix and suffix,
    /// and a longest common subsequence of the middle when it is small enough to afford.
    static func matchingElements(_ old: [TOMLValue], _ new: [TOMLValue]) -> [(Int, Int)] {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
              old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        var matches = (0..<prefix).map { ($0, $0) }
        let oldMiddle = prefix..<(old.count - suffix)
        let newMiddle = prefix..<(new.count - suffix)
        if !oldMiddle.isEmpty, !newMiddle.isEmpty, oldMiddle.count * newMiddle.count <= 250_000 {
            // lengths[i][j]: LCS length of old[i...] and new[j...] within the middle.
            let rows = oldMiddle.count + 1
            let columns = newMiddle.count + 1
            var lengths = [Int](repeating: 0, count: rows * columns)
            for i in stride(from: oldMiddle.count - 1, through: 0, by: -1) {
                for j in stride(from: newMiddle.count - 1, through: 0, by: -1) {
                    lengths[i * columns + j] = old[oldMiddle.lowerBound + i] == new[newMiddle.lowerBound + j]
                        ? lengths[(i + 1) * columns + j + 1] + 1
                        : max(lengths[(i + 1) * columns + j], lengths[i * columns + j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < oldMiddle.count, j < newMiddle.count {
                if old[oldMiddle.lowerBound + i] == new[newMiddle.lowerBound + j] {
                    matches.append((oldMiddle.lowerBound + i, newMiddle.lowerBound + j))
                    i += 1
                    j += 1
                } else if lengths[(i + 1) * columns + j] >= lengths[i * columns + j + 1] {
                    i += 1
                } else {
                    j += 1
                }
            }
        }
        matches += (0..<suffix).map { (old.count - suffix + $0, new.count - suffix + $0) }
        return matches
    }

    // MARK: Removing

    /// Removes everything that defines `path`: its key/value line, or for tables every
    /// header block and dotted key below it.
    private mutating func removeSubtree(_ node: TOMLNode, at path: TOMLPath) throws(TOMLEditError) {
        guard let origin = node.origin else { throw unsupported("a value has no source position") }
        if origin.definition == .value {
            guard let statement = layout.statementIndex(containing: origin.valueSpan.lowerBound),
                  layout.statements[statement].kind == .keyValue
            else { throw unsupported("the line defining `\(path.pathDescription)` was not found") }
            removeStatement(statement)
            return
        }
        var removedBlocks: [Range<Int>] = []
        for (index, block) in layout.blocks.enumerated() where block.header != nil && layout.isDescendant(block.path, of: path) {
            removedBlocks.append(block.body)
            removeRegion(layout.regionStart(ofBlock: index)..<layout.regionEnd(ofBlock: index, includingDescendants: false))
        }
        for index in layout.statements.indices where layout.statements[index].kind == .keyValue {
            guard !removedBlocks.contains(where: { $0.contains(index) }),
                  layout.isDescendant(layout.fullPath(ofStatement: index), of: path)
            else { continue }
            removeStatement(index)
        }
    }

    /// Removes a key/value line with its trailing comment and documenting comments.
    private mutating func removeStatement(_ index: Int) {
        plan.remove(layout.attachedStart(of: index)..<max(layout.bodyStart, layout.statements[index].span.upperBound))
    }

    /// Removes a block's text; at the end of the file the blank lines before it go too, so
    /// the file does not end in a gap. When a kept comment sits right above the block, the
    /// block's trailing blank lines stay so that comment does not run into the next one.
    private mutating func removeRegion(_ range: Range<Int>) {
        var start = max(layout.bodyStart, range.lowerBound)
        var end = max(start, range.upperBound)
        if start > 0, let previous = layout.statementIndex(containing: start - 1),
           layout.statements[previous].kind == .comment
        {
            while end > start, let last = layout.statementIndex(containing: end - 1),
                  layout.statements[last].kind == .blank, layout.statements[last].span.lowerBound >= start
            {
                end = layout.statements[last].span.lowerBound
            }
        }
        if range.upperBound == layout.bytes.count {
            while start > layout.bodyStart, let previous = layout.statementIndex(containing: start - 1),
                  layout.statements[previous].kind == .blank
            {
                start = layout.statements[previous].span.lowerBound
            }
        }
        plan.remove(start..<end)
    }

    // MARK: Adding

    /// Writes new keys of a table: scalars and inline arrays as `key = value` lines after
    /// the table's last key, nested tables and arrays of tables as new sections.
    private mutating func write(_ entries: [TOMLTable.Entry], into container: Container, path: TOMLPath) throws(TOMLEditError) {
        let headerKeys = path.compactMap { component -> String? in
            if case .key(let key) = component { return key }
            return nil
        }
        switch container {
        case .inline:
            throw unsupported("inline tables are rewritten whole")
        case .dotted(let block, let prefix):
            let lines = entries.map { entry in
                (prefix + [entry.key]).map(ValueRenderer.renderKey).joined(separator: ".") + " = "
                    + ValueRenderer.render(entry.value)
            }
            insertKeyLines(lines, inBlock: block, prefix: prefix)
        case .block(let block):
            let lines = entries.filter { !ValueRenderer.isSectionValue($0.value) }.map { entry in
                ValueRenderer.renderKey(entry.key) + " = " + ValueRenderer.render(entry.value)
            }
            if !lines.isEmpty { insertKeyLines(lines, inBlock: block, prefix: []) }
            var sections: [String] = []
            for entry in entries where ValueRenderer.isSectionValue(entry.value) {
                var table = TOMLTable()
                table[entry.key] = entry.value
                if !sections.isEmpty { sections.append("") }
                sections += ValueRenderer.sectionLines(keys: headerKeys, isArray: false, table: table)
            }
            if !sections.isEmpty {
                insertSection(sections, at: layout.regionEnd(ofBlock: block, includingDescendants: true))
            }
        case .implicit(let tablePath):
            // The table gets its own `[header]`, placed before the first header below it.
            guard let first = layout.blocks.indices.first(where: {
                layout.blocks[$0].header != nil && layout.isDescendant(layout.blocks[$0].path, of: tablePath)
            }) else { throw unsupported("no header defines `\(tablePath.pathDescription)`") }
            var table = TOMLTable()
            for entry in entries { table.setNode(entry.node, forKey: entry.key) }
            var lines = ValueRenderer.sectionLines(keys: headerKeys, isArray: false, table: table)
            if lines.first?.hasPrefix("[") != true {
                lines.insert("[\(headerKeys.map(ValueRenderer.renderKey).joined(separator: "."))]", at: 0)
            }
            insertSection(lines, at: layout.regionStart(ofBlock: first))
        }
    }

    /// Inserts key/value lines after the last key of a block (matching its indentation),
    /// or right after the header when the block has no keys yet.
    private mutating func insertKeyLines(_ lines: [String], inBlock block: Int, prefix: [String]) {
        let anchor = layout.lastKeyValue(inBlock: block, prefix: prefix) ?? layout.lastKeyValue(inBlock: block)
        let indent = anchor.map { layout.indentation(ofStatement: $0) } ?? ""
        var text = lines.map { indent + $0 + newline }.joined()
        let offset: Int
        if let anchor {
            offset = layout.statements[anchor].span.upperBound
        } else if let header = layout.blocks[block].header {
            offset = layout.statements[header].span.upperBound
        } else if layout.blocks.count > 1 {
            // Root keys go above the first table, before the comments that introduce it.
            offset = layout.regionStart(ofBlock: 1)
            if !layout.precedesBlankLine(offset) { text += newline }
        } else {
            offset = layout.bytes.count
        }
        if offset > layout.bodyStart, layout.bytes[offset - 1] != 0x0A { text = newline + text }
        plan.insert(text, at: offset)
    }

    /// Inserts section lines at a line boundary, separated by blank lines from the text
    /// around them.
    private mutating func insertSection(_ lines: [String], at proposedOffset: Int) {
        let offset = max(layout.bodyStart, proposedOffset)
        var text = ""
        if offset > layout.bodyStart, layout.bytes[offset - 1] != 0x0A { text += newline }
        if offset > layout.bodyStart, !layout.followsBlankLine(offset) || !text.isEmpty { text += newline }
        text += lines.map { $0 + newline }.joined()
        if !layout.precedesBlankLine(offset) { text += newline }
        plan.insert(text, at: offset)
    }
}
