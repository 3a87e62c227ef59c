import Testing
@testable import TOML

/// The editor against every layout in the corpus: each leaf value is replaced and each
/// top-level key removed, and the result must re-parse to exactly the intended tree.
@Suite struct CorpusEditTests {
    /// Paths of all non-table values, descending into tables and arrays of tables.
    private func leafPaths(_ table: TOMLTable, prefix: TOMLPath = []) -> [TOMLPath] {
        var paths: [TOMLPath] = []
        for entry in table.entries {
            let path = prefix + [.key(entry.key)]
            switch entry.value {
            case .table(let child):
                paths += leafPaths(child, prefix: path)
            case .array(let array) where array.isArrayOfTables:
                for (index, element) in array.enumerated() {
                    paths += leafPaths(element.tableValue ?? TOMLTable(), prefix: path + [.index(index)])
                }
            default:
                paths.append(path)
            }
        }
        return paths
    }

    /// Paths of all tables (including array-of-tables elements and inline tables).
    private func tablePaths(_ table: TOMLTable, prefix: TOMLPath = []) -> [TOMLPath] {
        var paths: [TOMLPath] = [prefix]
        for entry in table.entries {
            let path = prefix + [.key(entry.key)]
            switch entry.value {
            case .table(let child):
                paths += tablePaths(child, prefix: path)
            case .array(let array) where array.isArrayOfTables:
                for (index, element) in array.enumerated() {
                    paths += tablePaths(element.tableValue ?? TOMLTable(), prefix: path + [.index(index)])
                }
            default:
                break
            }
        }
        return paths
    }

    /// Paths of all arrays of tables.
    private func arrayOfTablesPaths(_ table: TOMLTable, prefix: TOMLPath = []) -> [TOMLPath] {
        var paths: [TOMLPath] = []
        for entry in table.entries {
            let path = prefix + [.key(entry.key)]
            switch entry.value {
            case .table(let child):
                paths += arrayOfTablesPaths(child, prefix: path)
            case .array(let array) where array.isArrayOfTables:
                paths.append(path)
                for (index, element) in array.enumerated() {
                    paths += arrayOfTablesPaths(element.tableValue ?? TOMLTable(), prefix: path + [.index(index)])
                }
            default:
                break
            }
        }
        return paths
    }

    @Test(arguments: Corpus.validFiles)
    func everyArrayOfTablesCanBeEdited(_ file: String) throws {
        let original = try TOMLDocument(parsing: Corpus.bytes(file))
        for path in arrayOfTablesPaths(original.root).prefix(20) {
            let tables = (original.value(at: path)?.arrayValue ?? []).compactMap(\.tableValue)
            var variants: [(String, [TOMLTable])] = [
                ("append", tables + [["added": true]]),
                ("prepend", [["added": true]] + tables),
                ("drop first", Array(tables.dropFirst())),
                ("reverse", tables.reversed()),
            ]
            if var last = tables.last {
                last["changed"] = "yes"
                variants.append(("modify last", tables.dropLast() + [last]))
            }
            for (name, replacement) in variants {
                var document = original
                do {
                    try document.replaceArrayOfTables(at: path, with: replacement)
                } catch {
                    Issue.record("\(file): \(name) \(path.pathDescription): \(error)")
                    continue
                }
                let actual = (document.value(at: path)?.arrayValue ?? []).compactMap(\.tableValue)
                #expect(actual == replacement, "\(file): \(name) \(path.pathDescription)")
            }
        }
    }

    @Test(arguments: Corpus.validFiles)
    func everyTableAcceptsNewKeysAndEveryLeafCanBeRemoved(_ file: String) throws {
        let original = try TOMLDocument(parsing: Corpus.bytes(file))
        for path in tablePaths(original.root).prefix(40) {
            for (key, value) in [("zz_new", TOMLValue.integer(7)), ("zz_table", ["k": "v"] as TOMLValue)] {
                var document = original
                let target = path + [.key(key)]
                let expected = try original.root.setting(value, at: target)
                do {
                    try document.setValue(value, at: target)
                } catch {
                    Issue.record("\(file): add \(target.pathDescription): \(error)")
                    continue
                }
                #expect(document.root == expected, "\(file): add \(target.pathDescription)")
            }
        }
        for path in leafPaths(original.root).prefix(40) {
            var document = original
            let expected = try original.root.removing(at: path)
            do {
                try document.removeValue(at: path)
            } catch {
                Issue.record("\(file): remove \(path.pathDescription): \(error)")
                continue
            }
            #expect(document.root.droppingEmptyTables == expected.droppingEmptyTables, "\(file): remove \(path.pathDescription)")
        }
    }

    @Test(arguments: Corpus.validFiles)
    func everyValueCanBeReplacedAndEveryKeyRemoved(_ file: String) throws {
        let original = try TOMLDocument(parsing: Corpus.bytes(file))
        for path in leafPaths(original.root).prefix(40) {
            var document = original
            let expected = try original.root.setting("edited", at: path)
            do {
                try document.setValue("edited", at: path)
            } catch {
                Issue.record("\(file): set \(path.pathDescription): \(error)")
                continue
            }
            #expect(document.root == expected, "\(file): set \(path.pathDescription)")
        }
        for key in original.root.keys {
            var document = original
            do {
                try document.removeValue(at: [.key(key)])
            } catch {
                Issue.record("\(file): remove \(key): \(error)")
                continue
            }
            #expect(document.root[key] == nil, "\(file): remove \(key)")
            #expect(document.root.count == original.root.count - 1, "\(file): remove \(key)")
        }
    }
}
