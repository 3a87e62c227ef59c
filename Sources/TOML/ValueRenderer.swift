/// Writes values as TOML text in one canonical style, used by the edit API and by
/// `description`. Strings are basic strings unless a literal string avoids escapes (so
/// regexes stay readable), arrays and tables are inline, floats use Swift's shortest
/// round-tripping form, integers are decimal.
enum ValueRenderer {
    static func render(_ value: TOMLValue) -> String {
        var output = ""
        render(value, into: &output)
        return output
    }

    static func render(_ value: TOMLValue, into output: inout String) {
        switch value {
        case .string(let string): output += renderString(string)
        case .integer(let integer): output += String(integer)
        case .float(let float): output += renderFloat(float)
        case .bool(let bool): output += bool ? "true" : "false"
        case .offsetDateTime(let dateTime): output += dateTime.text
        case .localDateTime(let dateTime): output += dateTime.text
        case .localDate(let date): output += date.text
        case .localTime(let time): output += time.text
        case .array(let array):
            output += "["
            for (position, node) in array.nodes.enumerated() {
                if position > 0 { output += ", " }
                render(node.value, into: &output)
            }
            output += "]"
        case .table(let table):
            guard !table.isEmpty else {
                output += "{}"
                return
            }
            output += "{ "
            for (position, entry) in table.entries.enumerated() {
                if position > 0 { output += ", " }
                output += renderKey(entry.key)
                output += " = "
                render(entry.node.value, into: &output)
            }
            output += " }"
        }
    }

    /// Bare when the key is made only of `A-Za-z0-9_-`, otherwise a quoted basic string.
    static func renderKey(_ key: String) -> String {
        if !key.isEmpty, key.utf8.allSatisfy(isBareKeyByte) { return key }
        return renderBasicString(key)
    }

    static func renderString(_ string: String) -> String {
        var needsEscape = false
        var hasControl = false
        var hasApostrophe = false
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "\""): needsEscape = true
            case UInt8(ascii: "'"): hasApostrophe = true
            case 0x09: break
            case 0x00...0x1F, 0x7F: hasControl = true
            default: break
            }
        }
        if needsEscape, !hasControl, !hasApostrophe { return "'" + string + "'" }
        return renderBasicString(string)
    }

    static func renderBasicString(_ string: String) -> String {
        var output = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\t": output += "\t"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
        return output
    }

    static func renderFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        // Swift prints the shortest digits that round-trip; it always includes `.` or `e`,
        // which TOML needs to read the number back as a float.
        let text = value.description
        if text.contains(".") || text.contains("e") { return text }
        return text + ".0"
    }
}

@inline(__always)
func isBareKeyByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
         UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
        return true
    default:
        return false
    }
}

extension ValueRenderer {
    /// Whether a value reads better as its own `[section]` / `[[section]]` than inline.
    static func isSectionValue(_ value: TOMLValue) -> Bool {
        switch value {
        case .table: return true
        case .array(let array): return array.isArrayOfTables
        default: return false
        }
    }

    /// Lines of a new section for `table` at header path `keys` (without line endings; ""
    /// marks a blank separator line). Scalars and inline arrays come first, then nested
    /// tables as `[keys.k]` and arrays of tables as `[[keys.k]]`. A table holding only
    /// sub-tables gets no header of its own, as a person would write it.
    static func sectionLines(keys: [String], isArray: Bool, table: TOMLTable) -> [String] {
        var lines: [String] = []
        let header = keys.map(renderKey).joined(separator: ".")
        let inline = table.entries.filter { !isSectionValue($0.value) }
        let sections = table.entries.filter { isSectionValue($0.value) }
        if isArray || !inline.isEmpty || sections.isEmpty {
            lines.append(isArray ? "[[\(header)]]" : "[\(header)]")
        }
        for entry in inline {
            lines.append(renderKey(entry.key) + " = " + render(entry.value))
        }
        for entry in sections {
            switch entry.value {
            case .table(let child):
                if !lines.isEmpty { lines.append("") }
                lines += sectionLines(keys: keys + [entry.key], isArray: false, table: child)
            case .array(let array):
                for element in array {
                    if !lines.isEmpty { lines.append("") }
                    lines += sectionLines(keys: keys + [entry.key], isArray: true, table: element.tableValue ?? TOMLTable())
                }
            default:
                break
            }
        }
        return lines
    }
}
