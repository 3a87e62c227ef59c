import Foundation
import Providers
import TOML

/// Applies a config API body to the policy or config files, as minimal TOML edits: rules that
/// did not change keep their text and comments, changed ones are edited key by key where they
/// are written, new ones go to the section's own file (`policies/quotas.toml`, ...), removed
/// ones disappear from whichever file held them. Nothing touches the disk here: the result is
/// the edited file contents, which the caller compiles before writing.
public struct ConfigEditor {
    public struct Edit: Sendable {
        /// Every file whose text changes (path → new contents), possibly a new file.
        public var changedFiles: [String: [UInt8]]
        /// The sources as they will be once the files are written.
        public var sources: PolicySources
    }

    public enum EditError: Error, Sendable {
        /// Problems with the body or its result, positioned where possible.
        case invalid([Diagnostic])
        /// A path the API must not write (outside the policy folder).
        case forbiddenPath(String)
        case editFailed(String, TOMLEditError)
    }

    let sources: PolicySources
    let section: ConfigSection

    public init(sources: PolicySources, section: ConfigSection) {
        self.sources = sources
        self.section = section
    }

    public func apply(_ body: JSONValue) throws(EditError) -> Edit {
        guard var object = body.objectValue else {
            throw .invalid([Self.bodyDiagnostic("invalid-body", "the body must be a JSON object")])
        }
        switch section {
        case .pricing: object = Self.unwrapPricing(object)
        case .webhooks: object = Self.normaliseWebhooks(object)
        case .budget, .alerts:
            // Settings bodies are the table's contents: {"enabled": true, ...} is [budget].
            object = JSONObject([(section.rawValue, .object(object))])
        case .quotas, .routing, .guardrails: break
        }
        let unknown = object.keys.filter { !section.topLevelKeys.contains($0) }
        guard unknown.isEmpty else {
            throw .invalid(unknown.map { key in
                Self.bodyDiagnostic("unknown-key", "unknown key `\(key)` for \(section.rawValue)\(DidYouMean.hint(for: key, among: section.topLevelKeys)); expected \(section.topLevelKeys.joined(separator: ", "))")
            })
        }

        var documents: [String: TOMLDocument] = [:]
        var order: [String] = []
        let candidates = section.isPolicy ? sources.policies : [sources.config]
        for file in candidates {
            do {
                documents[file.path] = try TOMLDocument(parsing: file.bytes)
            } catch {
                throw .invalid([Diagnostic(file: file.path, line: error.line, column: error.column, severity: .error,
                                           code: "syntax", message: "\(error.message) (fix the file before changing it through the API)")])
            }
            order.append(file.path)
        }
        let target = section.isPolicy
            ? (sources.policyDirectory as NSString).appendingPathComponent(section.canonicalFileName)
            : sources.config.path
        if documents[target] == nil {
            documents[target] = (try? TOMLDocument(parsing: "# \(section.rawValue) rules, created by the TokenLens config API.\n")) ?? TOMLDocument()
            order.append(target)
        }

        for part in section.parts {
            switch part {
            case .keyedTables(let key, let identity, let defaults):
                guard let value = object[key] else { continue }
                try applyKeyedTables(key: key, identity: identity, defaults: defaults, body: value,
                                     documents: &documents, order: order, target: target)
            case .stringList(let key):
                guard let value = object[key] else { continue }
                try applyStringList(key: key, body: value, documents: &documents, order: order, target: target)
            case .table(let key, let defaults):
                guard let value = object[key] else { continue }
                let holder = order.first { documents[$0]?.root[key] != nil } ?? target
                let existing = documents[holder]?.root[key]?.tableValue
                // A table is patched: keys the body leaves out keep their value; null removes one.
                let preserve = Set(existing?.keys ?? [])
                let new: TOMLTable
                if let bodyTable = value.objectValue {
                    new = Self.merged(existing: existing, body: bodyTable, defaults: defaults, preserveAbsent: preserve)
                } else if value.isNull {
                    new = TOMLTable()
                } else {
                    throw .invalid([Self.bodyDiagnostic("wrong-type", "`\(key)` must be a JSON object")])
                }
                try edit(&documents, holder) { document throws(TOMLEditError) in
                    if new.isEmpty && existing != nil { try document.removeValue(at: [.key(key)]) }
                    else if !new.isEmpty { try document.setValue(.table(new), at: [.key(key)]) }
                }
            }
        }

        var changed: [String: [UInt8]] = [:]
        var edited = sources
        for path in order {
            guard let document = documents[path] else { continue }
            let original = candidates.first { $0.path == path }?.bytes
            guard document.bytes != original, !(original == nil && document.root.isEmpty) else { continue }
            guard Self.isWritable(path, sources: sources) else { throw .forbiddenPath(path) }
            changed[path] = document.bytes
            if path == sources.config.path {
                edited.config.bytes = document.bytes
            } else if let index = edited.policies.firstIndex(where: { $0.path == path }) {
                edited.policies[index].bytes = document.bytes
            } else {
                edited.policies.append(PolicySources.File(path: path, bytes: document.bytes))
                edited.policies.sort { $0.path < $1.path }
            }
        }
        return Edit(changedFiles: changed, sources: edited)
    }

    // MARK: - Parts

    private func applyKeyedTables(key: String, identity: String, defaults: [String: TOMLDefault], body: JSONValue,
                                  documents: inout [String: TOMLDocument], order: [String], target: String) throws(EditError) {
        guard let elements = body.arrayValue else {
            throw .invalid([Self.bodyDiagnostic("wrong-type", "`\(key)` must be a JSON array of objects")])
        }
        var pending: [(id: String?, table: JSONObject)] = []
        for element in elements {
            guard let object = element.objectValue else {
                throw .invalid([Self.bodyDiagnostic("wrong-type", "every entry of `\(key)` must be a JSON object")])
            }
            pending.append((object[identity]?.stringValue, object))
        }
        for path in order {
            guard let document = documents[path], let existing = document.root[key]?.arrayValue else { continue }
            var kept: [TOMLTable] = []
            for element in existing {
                guard let table = element.tableValue else { continue }
                let id = table[identity]?.stringValue
                guard let index = pending.firstIndex(where: { $0.id != nil && $0.id == id }) else { continue }
                kept.append(Self.merged(existing: table, body: pending[index].table, defaults: defaults, preserveAbsent: []))
                pending.remove(at: index)
            }
            try edit(&documents, path) { document throws(TOMLEditError) in
                try document.replaceArrayOfTables(at: [.key(key)], with: kept)
            }
        }
        guard !pending.isEmpty else { return }
        let existing = documents[target]?.root[key]?.arrayValue?.compactMap(\.tableValue) ?? []
        let added = pending.map { Self.merged(existing: nil, body: $0.table, defaults: defaults, preserveAbsent: []) }
        try edit(&documents, target) { document throws(TOMLEditError) in
            try document.replaceArrayOfTables(at: [.key(key)], with: existing + added)
        }
    }

    private func applyStringList(key: String, body: JSONValue, documents: inout [String: TOMLDocument],
                                 order: [String], target: String) throws(EditError) {
        guard let elements = body.arrayValue, elements.allSatisfy({ $0.stringValue != nil }) else {
            throw .invalid([Self.bodyDiagnostic("wrong-type", "`\(key)` must be a JSON array of strings")])
        }
        var pending = elements.compactMap(\.stringValue)
        var holders: [String] = []
        for path in order {
            guard let document = documents[path], let existing = document.root[key]?.arrayValue else { continue }
            holders.append(path)
            let kept = existing.compactMap(\.stringValue).filter { name in
                guard let index = pending.firstIndex(of: name) else { return false }
                pending.remove(at: index)
                return true
            }
            try edit(&documents, path) { document throws(TOMLEditError) in
                try document.setValue(.array(TOMLArray(kept.map(TOMLValue.string))), at: [.key(key)])
            }
        }
        guard !pending.isEmpty else { return }
        let current = documents[target]?.root[key]?.arrayValue?.compactMap(\.stringValue) ?? []
        try edit(&documents, target) { document throws(TOMLEditError) in
            try document.setValue(.array(TOMLArray((current + pending).map(TOMLValue.string))), at: [.key(key)])
        }
    }

    private func edit(_ documents: inout [String: TOMLDocument], _ path: String,
                      _ change: (inout TOMLDocument) throws(TOMLEditError) -> Void) throws(EditError) {
        guard var document = documents[path] else { return }
        do {
            try change(&document)
        } catch {
            throw .editFailed(path, error)
        }
        documents[path] = document
    }

    // MARK: - Helpers

    /// The table to write for `body`, starting from `existing` so that what did not change
    /// keeps its text: equal values stay, defaults the file leaves implicit stay implicit, and
    /// keys the body leaves out (or sets to null) are removed unless they hold the default.
    static func merged(existing: TOMLTable?, body: JSONObject, defaults: [String: TOMLDefault],
                       preserveAbsent: Set<String>) -> TOMLTable {
        var result = existing ?? TOMLTable()
        var mentioned: Set<String> = []
        for (key, member) in body.entries {
            mentioned.insert(key)
            guard let value = JSONToTOML.value(member) else {
                result[key] = nil
                continue
            }
            if let old = result[key] {
                if JSONToTOML.same(old, value) { continue }
                if case .table(let oldTable) = old, case .object(let inner) = member {
                    result[key] = .table(merged(existing: oldTable, body: inner, defaults: [:], preserveAbsent: []))
                    continue
                }
            } else if let fallback = defaults[key], JSONToTOML.same(fallback, value) {
                continue
            }
            result[key] = value
        }
        for key in (existing?.keys ?? []) where !mentioned.contains(key) && !preserveAbsent.contains(key) {
            if let fallback = defaults[key], let old = result[key], JSONToTOML.same(fallback, old) { continue }
            result[key] = nil
        }
        return result
    }

    /// `PUT /api/settings/pricing` takes `{"overrides": {"model": {...}}}`.
    static func unwrapPricing(_ object: JSONObject) -> JSONObject {
        let unknown = object.keys.filter { $0 != "overrides" && $0 != "models_priced" }
        guard unknown.isEmpty else { return JSONObject(unknown.map { ($0, JSONValue.null) }) }
        return JSONObject([("pricing", object["overrides"] ?? .object(JSONObject()))])
    }

    /// Webhook settings accept `events` as a list or as a comma-separated string.
    static func normaliseWebhooks(_ object: JSONObject) -> JSONObject {
        var inner = object
        inner.entries.removeAll { $0.key == "secret_set" }
        if let events = inner["events"]?.stringValue {
            let list = events.split(separator: ",").map { JSONValue.string($0.trimmingCharacters(in: .whitespaces)) }
            inner.entries = inner.entries.map { $0.key == "events" ? ("events", .array(list)) : $0 }
        }
        return JSONObject([("webhooks", .object(inner))])
    }

    static func bodyDiagnostic(_ code: String, _ message: String) -> Diagnostic {
        Diagnostic(file: "(request body)", line: 1, column: 1, severity: .error, code: code, message: message)
    }

    /// Only the config file itself and files directly inside the policy folder (symlinks
    /// resolved) may be written.
    static func isWritable(_ path: String, sources: PolicySources) -> Bool {
        let resolved = realPath(path)
        if resolved == realPath(sources.config.path) { return true }
        let folder = realPath(sources.policyDirectory)
        return (resolved as NSString).deletingLastPathComponent == folder && PolicySources.isPolicyFileName((resolved as NSString).lastPathComponent)
    }

    static func realPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        // A file not yet created: resolve its folder.
        let folder = (path as NSString).deletingLastPathComponent
        guard !folder.isEmpty, let resolvedFolder = realpath(folder, nil) else { return (path as NSString).standardizingPath }
        defer { free(resolvedFolder) }
        return (String(cString: resolvedFolder) as NSString).appendingPathComponent((path as NSString).lastPathComponent)
    }
}
