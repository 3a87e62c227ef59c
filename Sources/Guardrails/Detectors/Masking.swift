/// Turns a matched value into the sample a finding records: enough to recognise what fired
/// (the shape, a last group, a key's prefix) and never enough to recover the value.
enum Masking {
    /// `john.doe@mail.example.com` → `j***@m***.com`.
    static func email(_ value: String) -> String {
        guard let at = value.lastIndex(of: "@") else { return generic(value) }
        let local = value[..<at]
        let domain = value[value.index(after: at)...]
        let tld = domain.split(separator: ".").last.map(String.init) ?? ""
        return "\(local.first.map(String.init) ?? "")***@\(domain.first.map(String.init) ?? "")***.\(tld)"
    }

    /// Every digit but the last `count` becomes `*`; separators stay, so the shape shows:
    /// `4242 4242 4242 4242` → `**** **** **** 4242`, `123-45-6789` → `***-**-6789`.
    static func keepingLastDigits(_ value: String, count: Int) -> String {
        let digits = value.utf8.reduce(0) { $0 + (ByteClass.isDigit($1) ? 1 : 0) }
        var seen = 0
        var result = ""
        result.unicodeScalars.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            if scalar.isASCII, ByteClass.isDigit(UInt8(scalar.value)) {
                seen += 1
                result.unicodeScalars.append(seen > digits - count ? scalar : "*")
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The country code and the last four characters stay: `DE89 3704 …` → `DE** **** … **30 00`.
    static func iban(_ value: String) -> String {
        let significant = value.unicodeScalars.reduce(0) { $0 + ($1 == " " ? 0 : 1) }
        var index = 0
        var result = ""
        for scalar in value.unicodeScalars {
            if scalar == " " { result.unicodeScalars.append(scalar); continue }
            result.unicodeScalars.append(index < 2 || index >= significant - 4 ? scalar : "*")
            index += 1
        }
        return result
    }

    /// A credential keeps its public prefix (which says what kind of key it is) and its last
    /// four characters, as provider dashboards show keys: `sk-proj-****Wx3Q`. A private key
    /// shows its header only.
    static func secret(_ value: String) -> String {
        if value.hasPrefix("-----BEGIN") {
            let header = value.prefix { $0 != "\n" && $0 != "\r" && $0 != "\\" }
            return header + " ****"
        }
        let prefix = SecretDetector.visiblePrefix(of: value)
        let tail = value.count - prefix.count > 12 ? String(value.suffix(4)) : ""
        return prefix + "****" + tail
    }

    /// Injection phrases are not personal data; the sample is the phrase itself, on one line
    /// and cut to 80 characters.
    static func phrase(_ value: String) -> String {
        let collapsed = value.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return collapsed.count > 80 ? String(collapsed.prefix(77)) + "..." : collapsed
    }

    /// A custom rule may match anything, sensitive or not: first and last characters only.
    static func generic(_ value: String) -> String {
        let characters = Array(value)
        switch characters.count {
        case 0...4: return "****"
        case 5...9: return String(characters[0]) + "***" + String(characters[characters.count - 1])
        default: return String(characters[0..<2]) + "***" + String(characters[(characters.count - 2)...])
        }
    }
}
