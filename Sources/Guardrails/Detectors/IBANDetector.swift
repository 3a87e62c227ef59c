import Patterns

/// International bank account numbers: a country code from the IBAN registry, two check
/// digits and the BBAN, compact or in groups of four, with the length that country uses and a
/// valid ISO 7064 mod-97 checksum. Codes outside the registry are not IBANs.
enum IBANDetector {
    // The look-behind is only a fast filter (long runs of capitals and digits, such as hex
    // dumps, would otherwise start a candidate at every pair); `validate` checks the real byte.
    static let pattern = try? CompiledPattern(#"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}+){2,8}+(?: ?[A-Z0-9]{1,3}+)?+"#)
    static let window = 48

    /// IBAN length per country (SWIFT IBAN registry).
    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
        "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
        "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
        "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
        "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
        "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
        "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
        "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]

    static func validate(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        if let previous = text.previous(range.lowerBound), ByteClass.isWord(previous) { return nil }
        let bytes = text.bytes
        let country = String(decoding: bytes[range.lowerBound..<(range.lowerBound + 2)], as: UTF8.self)
        guard let length = lengths[country] else { return nil }
        // Walk to the registry length; a spaced IBAN may be followed by an unrelated group.
        var end = range.lowerBound
        var significant = 0
        while end < range.upperBound, significant < length {
            if bytes[end] != UInt8(ascii: " ") { significant += 1 }
            end += 1
        }
        guard significant == length else { return nil }
        if let next = text.next(end), ByteClass.isWord(next) { return nil }
        var characters = [UInt8]()
        characters.reserveCapacity(length)
        for index in range.lowerBound..<end where bytes[index] != UInt8(ascii: " ") { characters.append(bytes[index]) }
        let check = Int(characters[2] - 0x30) * 10 + Int(characters[3] - 0x30)
        guard (2...98).contains(check), mod97(characters) == 1 else { return nil }
        return Detection(range: range.lowerBound..<end, detail: country)
    }

    /// ISO 7064 MOD 97-10 over the rearranged IBAN (BBAN first, letters as 10–35).
    static func mod97(_ characters: [UInt8]) -> Int {
        var remainder = 0
        for byte in characters[4...] + characters[..<4] {
            if ByteClass.isDigit(byte) {
                remainder = (remainder * 10 + Int(byte - 0x30)) % 97
            } else {
                remainder = (remainder * 100 + Int(byte - 0x41 + 10)) % 97
            }
        }
        return remainder
    }
}
