import Foundation
@testable import TOML

/// The toml-test corpus checked into Tests/Fixtures, located from this file so the tests
/// work from any checkout (and through the symlinked dev package).
enum Corpus {
    static let root: URL = {
        let thisFile = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return thisFile.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/toml-test")
    }()

    /// Relative paths of the TOML 1.0.0 files, from `files-toml-1.0.0`.
    static let files: [String] = {
        guard let list = try? String(contentsOf: root.appendingPathComponent("files-toml-1.0.0"), encoding: .utf8)
        else { return [] }
        return list.split(whereSeparator: \.isNewline).map(String.init).filter { $0.hasSuffix(".toml") }
    }()

    static let validFiles = files.filter { $0.hasPrefix("valid/") }
    static let invalidFiles = files.filter { $0.hasPrefix("invalid/") }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    static func expectedJSON(for relativePath: String) throws -> Any {
        let jsonPath = String(relativePath.dropLast(".toml".count)) + ".json"
        let data = try Data(contentsOf: root.appendingPathComponent(jsonPath))
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }
}

/// Compares a value tree with toml-test's tagged JSON: tables as objects (key order
/// ignored), arrays as arrays, scalars as {"type", "value"} compared by meaning.
enum TaggedJSON {
    /// nil when equal, otherwise a description of the first difference.
    static func difference(_ value: TOMLValue, _ json: Any, path: String = "") -> String? {
        if let object = json as? [String: Any], let type = object["type"] as? String,
           let text = object["value"] as? String, object.count == 2
        {
            return scalarDifference(value, type: type, text: text, path: path)
        }
        if let object = json as? [String: Any] {
            guard case .table(let table) = value else { return "\(path): expected table, got \(value.typeName)" }
            guard Set(table.keys) == Set(object.keys) else {
                return "\(path): keys \(table.keys.sorted()) != expected \(object.keys.sorted())"
            }
            for (key, expected) in object {
                guard let actual = table[key] else { return "\(path).\(key): missing" }
                if let difference = difference(actual, expected, path: path + "." + key) { return difference }
            }
            return nil
        }
        if let array = json as? [Any] {
            guard case .array(let actual) = value else { return "\(path): expected array, got \(value.typeName)" }
            guard actual.count == array.count else { return "\(path): \(actual.count) elements, expected \(array.count)" }
            for (index, expected) in array.enumerated() {
                if let difference = difference(actual[index], expected, path: "\(path)[\(index)]") { return difference }
            }
            return nil
        }
        return "\(path): unexpected JSON \(json)"
    }

    private static func scalarDifference(_ value: TOMLValue, type: String, text: String, path: String) -> String? {
        let mismatch = "\(path): got \(value.typeName) \(value), expected \(type) \(text)"
        switch (type, value) {
        case ("string", .string(let actual)):
            return actual == text ? nil : mismatch
        case ("integer", .integer(let actual)):
            return Int64(text) == actual ? nil : mismatch
        case ("float", .float(let actual)):
            let expected: Double?
            switch text {
            case "inf", "+inf": expected = .infinity
            case "-inf": expected = -.infinity
            case "nan", "+nan", "-nan": expected = .nan
            default: expected = Double(text)
            }
            guard let expected else { return mismatch }
            return expected == actual || (expected.isNaN && actual.isNaN) ? nil : mismatch
        case ("bool", .bool(let actual)):
            return String(actual) == text ? nil : mismatch
        case ("datetime", .offsetDateTime(let actual)):
            return normalizedDateTime(text) == normalizedDateTime(actual.canonicalText) ? nil : mismatch
        case ("datetime-local", .localDateTime(let actual)):
            return normalizedDateTime(text) == normalizedDateTime(actual.canonicalText) ? nil : mismatch
        case ("date-local", .localDate(let actual)):
            return text == actual.canonicalText ? nil : mismatch
        case ("time-local", .localTime(let actual)):
            return normalizedDateTime(text) == normalizedDateTime(actual.canonicalText) ? nil : mismatch
        default:
            return mismatch
        }
    }

    /// Upper-case separators, `T` between date and time, no trailing fraction zeros and
    /// `Z` for a zero offset, so equal instants written differently compare equal.
    static func normalizedDateTime(_ text: String) -> String {
        var characters = Array(text.uppercased())
        if characters.count > 10, characters[10] == " " { characters[10] = "T" }
        var result = String(characters)
        for zero in ["+00:00", "-00:00"] where result.hasSuffix(zero) {
            result = String(result.dropLast(zero.count)) + "Z"
        }
        // Trim the fraction's trailing zeros: find ".digits" and strip.
        if let dot = result.firstIndex(of: ".") {
            var end = result.index(after: dot)
            while end < result.endIndex, result[end].isNumber { end = result.index(after: end) }
            var fraction = String(result[result.index(after: dot)..<end])
            while fraction.hasSuffix("0") { fraction.removeLast() }
            result = String(result[..<dot]) + (fraction.isEmpty ? "" : "." + fraction) + String(result[end...])
        }
        return result
    }
}
