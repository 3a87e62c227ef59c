import Patterns

/// Telephone numbers written the way people write them, and nothing that merely has as many
/// digits. Three shapes are accepted:
/// - international: `+` and a valid ITU country code, 8–15 digits in all (E.164), separators
///   optional (`+44 20 7946 0958`, `+1 (415) 555-2671`, `+4915112345678`);
/// - North American with separators: `415-555-2671`, `(415) 555-2671`, `1-800-555-0199`, with
///   area and exchange codes starting 2–9 and no N11 area code;
/// - trunk-prefix national (`0` first) with separators: `020 7946 0958`, `01 23 45 67 89`,
///   `(030) 1234567`, 9–12 digits.
/// Bare digit runs (ids, Unix timestamps), dates, versions, IP addresses and numbers labelled
/// as orders, invoices or tickets are not phone numbers.
enum PhoneDetector {
    static let pattern = try? CompiledPattern(
        #"(?<![0-9A-Za-z])(?:\+[1-9][0-9]{0,3}+(?:[ .\-]?(?:\(0\)[ .\-]?)?(?:\([0-9]{1,4}\)|[0-9]{1,6}+)){1,6}+"#
        + #"|(?:1[ .\-])?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[ .\-])[2-9][0-9]{2}[ .\-][0-9]{4}"#
        + #"|\(0[0-9]{1,4}\) ?[0-9]{2,8}+(?:[ \-][0-9]{2,8}+){0,3}+"#
        + #"|0[0-9]{1,4}+(?:[ \-][0-9]{2,8}+){1,4}+)"#)
    static let window = 48

    /// Words that say the number is a phone number, overriding an identifier word further back.
    static let phoneWords: Set<String> = ["phone", "tel", "telephone", "mobile", "cell", "fax", "call", "text", "whatsapp", "contact", "reach"]

    /// ITU-T E.164 country codes: one digit (1, 7), the assigned two-digit codes, and the
    /// two-digit prefixes under which three-digit codes are assigned.
    static let twoDigitCodes: Set<Int> = [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ]
    static let threeDigitPrefixes: Set<Int> = [21, 22, 23, 24, 25, 26, 29, 35, 37, 38, 42, 50, 59, 67, 68, 69, 80, 85, 87, 88, 96, 97, 99]

    /// A digit group of the match and where it ends.
    struct Group {
        var digits: [UInt8]
        var end: Int
    }

    static func validate(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        let start = range.lowerBound
        guard NumberBoundary.isClearBefore(text, start) else { return nil }
        if NumberBoundary.isLabelledIdentifier(text, start, overriding: phoneWords) { return nil }
        let groups = groups(in: text, range)
        guard !groups.isEmpty else { return nil }
        let first = text.bytes[start]
        // Dropping trailing groups recovers `+1 415 555 2671` from `+1 415 555 2671 10 times`.
        for count in stride(from: groups.count, through: 1, by: -1) {
            let kept = groups[..<count]
            let end = kept[kept.index(before: kept.endIndex)].end
            guard NumberBoundary.isClearAfter(text, end) else { continue }
            let digits = kept.flatMap(\.digits)
            // Nibbles written in binary (`0101 0001 1010`) are not dialled.
            if digits.allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") }) { return nil }
            if NumberBoundary.isFollowedByCodeToken(text, end) { continue }
            let valid: Bool
            if first == UInt8(ascii: "+") {
                valid = isInternational(digits, separated: count > 1 || text.bytes[start..<end].contains(UInt8(ascii: "(")))
            } else if first == UInt8(ascii: "0") || (first == UInt8(ascii: "(") && text[start + 1] == UInt8(ascii: "0")) {
                // `078-05-1120` has the shape of a US Social Security number, not of a phone number.
                let sizes = kept.map(\.digits.count)
                let dashed = text.bytes[start..<end].contains(UInt8(ascii: "-"))
                let ssnShaped = sizes == [3, 2, 4] && dashed
                // `02026-05-07`: a date with a padded year.
                let dateShaped = sizes.count == 3 && sizes[0] >= 4 && sizes[1] == 2 && sizes[2] == 2 && dashed
                valid = !ssnShaped && !dateShaped && (count > 1 || first == UInt8(ascii: "(")) && isTrunkNational(digits)
            } else {
                valid = isNorthAmerican(text, start..<end, digits: digits)
            }
            if valid { return Detection(range: start..<end) }
        }
        return nil
    }

    /// Splits a match into its digit groups (parentheses and separators end a group).
    static func groups(in text: ScanText, _ range: Range<Int>) -> [Group] {
        var groups: [Group] = []
        var current: [UInt8] = []
        for index in range {
            let byte = text.bytes[index]
            if ByteClass.isDigit(byte) {
                current.append(byte)
            } else if !current.isEmpty {
                groups.append(Group(digits: current, end: index + (byte == UInt8(ascii: ")") ? 1 : 0)))
                current = []
            }
        }
        if !current.isEmpty { groups.append(Group(digits: current, end: range.upperBound)) }
        return groups
    }

    static func isInternational(_ digits: [UInt8], separated: Bool) -> Bool {
        guard (8...15).contains(digits.count), let codeLength = countryCodeLength(digits) else { return false }
        // `+1` numbers follow the North American plan: ten digits, area and exchange 2–9.
        if codeLength == 1, digits[0] == UInt8(ascii: "1") {
            return digits.count == 11 && digits[1] >= UInt8(ascii: "2") && digits[4] >= UInt8(ascii: "2")
                && !(digits[2] == UInt8(ascii: "1") && digits[3] == UInt8(ascii: "1"))
        }
        // Unseparated `+` runs need enough digits to be a full number, not `+12345678` in a diff.
        return separated || digits.count >= 10
    }

    static func countryCodeLength(_ digits: [UInt8]) -> Int? {
        let first = Int(digits[0] - 0x30)
        if first == 1 || first == 7 { return 1 }
        let two = first * 10 + Int(digits[1] - 0x30)
        if twoDigitCodes.contains(two) { return 2 }
        if threeDigitPrefixes.contains(two) { return 3 }
        return nil
    }

    static func isTrunkNational(_ digits: [UInt8]) -> Bool {
        // `00` is the international call prefix: what follows is a country code and number.
        if digits.count > 2, digits[1] == UInt8(ascii: "0") {
            return isInternational(Array(digits.dropFirst(2)), separated: true)
        }
        return (9...12).contains(digits.count)
    }

    static func isNorthAmerican(_ text: ScanText, _ range: Range<Int>, digits: [UInt8]) -> Bool {
        let national = digits.count == 11 && digits[0] == UInt8(ascii: "1") ? Array(digits.dropFirst()) : digits
        guard national.count == 10, national[0] >= UInt8(ascii: "2"), national[3] >= UInt8(ascii: "2"),
              !(national[1] == UInt8(ascii: "1") && national[2] == UInt8(ascii: "1")) else { return false }
        // Mixed dots and dashes (`415.555-2671`) read as a version or an id, not a number to dial.
        var separators = Set<UInt8>()
        for index in range where !ByteClass.isDigit(text.bytes[index]) && text.bytes[index] != UInt8(ascii: "(") && text.bytes[index] != UInt8(ascii: ")") {
            separators.insert(text.bytes[index])
        }
        return !(separators.contains(UInt8(ascii: ".")) && separators.count > 1)
    }
}
