import Patterns

/// Credentials in formats that identify themselves, so a match is almost surely a live key:
/// OpenAI (`sk-…`, `sk-proj-…`), Anthropic (`sk-ant-…`), Stripe live keys, AWS access key ids
/// (and a secret key named as such), GitHub tokens, Slack tokens, Google API keys, PEM private
/// keys (header plus key material) and JWTs (whose header decodes to JSON with `"alg"`).
/// Generic high-entropy strings (git SHAs, UUIDs, digests) are deliberately not secrets.
enum SecretDetector {
    static let pattern = try? CompiledPattern(
        #"(?<![A-Za-z0-9_\-])(?:sk-ant-[a-z0-9]{2,12}-[A-Za-z0-9_\-]{32,300}+"#
        + #"|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,300}+"#
        + #"|sk-[A-Za-z0-9]{32,200}+"#
        + #"|[sr]k_live_[A-Za-z0-9]{24,120}+"#
        + #"|(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}+"#
        + #"|gh[pousr]_[A-Za-z0-9]{36,255}+"#
        + #"|github_pat_[A-Za-z0-9_]{40,255}+"#
        + #"|xox[abposr]-[0-9]{6,20}+-[A-Za-z0-9\-]{10,250}+"#
        + #"|AIza[A-Za-z0-9_\-]{35}+"#
        + #"|-----BEGIN [A-Z ]{0,20}PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[rn]){1,8}(?:[A-Za-z\-]{1,20}: ?[^\n\\]{0,100}(?:\s|\\[rn]){1,4}){0,4}(?:\s|\\[rn]){0,4}[A-Za-z0-9+/]{40}"#
        + #"|(?i:aws_secret_access_key)["']?\s{0,4}[:=]\s{0,4}["']?[A-Za-z0-9/+]{40}+)"#)
    static let window = 512

    /// JWTs can be long, so they get their own pattern and stream window.
    static let jwtPattern = try? CompiledPattern(#"(?<![A-Za-z0-9_\-.])eyJ[A-Za-z0-9_\-]{8,500}+\.eyJ[A-Za-z0-9_\-]{8,2000}+\.[A-Za-z0-9_\-]{16,512}+"#)
    static let jwtWindow = 3072

    /// Fillers of documentation and templates: `sk-proj-XXXXXXXX…`, `AKIAIOSFODNN7EXAMPLE`.
    static let placeholders = ["xxxx", "example", "your", "placeholder", "redacted", "dummy", "sample", "0000000000", "1234567890"]

    static func validate(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        let value = text.string(range)
        if value.hasPrefix("-----BEGIN") { return Detection(range: range, detail: "private_key") }
        // A token glued to more token characters is part of some longer identifier.
        if let previous = text.previous(range.lowerBound), isTokenCharacter(previous) { return nil }
        if let next = text.next(range.upperBound), isTokenCharacter(next) { return nil }
        let lowered = value.lowercased()
        if lowered.hasPrefix("aws_secret_access_key") {
            guard let body = value.split(whereSeparator: { "=: \"'".contains($0) }).last, isRandomLooking(body, classes: 2),
                  !placeholders.contains(where: { body.lowercased().contains($0) }) else { return nil }
            return Detection(range: range, detail: "aws_secret_key")
        }
        let prefix = visiblePrefix(of: value)
        let body = value.dropFirst(prefix.count)
        if placeholders.contains(where: { lowered.dropFirst(prefix.count).contains($0) }) { return nil }
        let kind: String
        switch prefix {
        case _ where prefix.hasPrefix("sk-ant-"): kind = "anthropic_key"
        case _ where prefix.hasPrefix("sk-"): kind = "openai_key"
        case "sk_live_", "rk_live_": kind = "stripe_key"
        case _ where prefix.hasPrefix("gh") || prefix.hasPrefix("github_pat_"): kind = "github_token"
        case _ where prefix.hasPrefix("xox"): kind = "slack_token"
        case "AIza": kind = "google_api_key"
        default: kind = "aws_access_key"
        }
        // Real keys are random: mixed letter cases and digits. A slug like `sk-learn-…` is not.
        let classes = kind == "aws_access_key" || kind == "slack_token" ? 2 : 3
        guard isRandomLooking(body, classes: classes) else { return nil }
        return Detection(range: range, detail: kind)
    }

    static func validateJWT(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        if let previous = text.previous(range.lowerBound), isTokenCharacter(previous) || previous == UInt8(ascii: ".") { return nil }
        if let next = text.next(range.upperBound), isTokenCharacter(next) || next == UInt8(ascii: ".") { return nil }
        guard let dot = text.bytes[range].firstIndex(of: UInt8(ascii: ".")),
              let header = base64URLDecode(text.bytes[range.lowerBound..<dot]) else { return nil }
        let json = String(decoding: header, as: UTF8.self)
        guard json.hasPrefix("{"), json.contains("\"alg\"") else { return nil }
        return Detection(range: range, detail: "jwt")
    }

    /// The part of a key that names its kind and is safe to show: `sk-proj-`, `ghp_`, `AKIA`.
    static func visiblePrefix(of value: String) -> String {
        if value.hasPrefix("sk-ant-") {
            // `sk-ant-api03-`: the kind and version of the key.
            let rest = value.dropFirst(7)
            if let dash = rest.firstIndex(of: "-") { return "sk-ant-" + rest[..<dash] + "-" }
            return "sk-ant-"
        }
        for prefix in ["sk-proj-", "sk-svcacct-", "sk-admin-", "sk_live_", "rk_live_", "github_pat_"] where value.hasPrefix(prefix) {
            return prefix
        }
        if value.hasPrefix("sk-") { return "sk-" }
        if value.hasPrefix("xox") { return String(value.prefix(5)) }
        if value.hasPrefix("gh") { return String(value.prefix(4)) }
        if value.hasPrefix("eyJ") { return "eyJ" }
        if value.lowercased().hasPrefix("aws_secret_access_key") { return "aws_secret_access_key=" }
        return String(value.prefix(4))
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        ByteClass.isWord(byte) || byte == UInt8(ascii: "-")
    }

    /// Whether `body` mixes at least `classes` of: lowercase, uppercase, digits.
    static func isRandomLooking(_ body: Substring, classes: Int) -> Bool {
        var lower = false, upper = false, digit = false
        for byte in body.utf8 {
            if ByteClass.isLower(byte) { lower = true } else if ByteClass.isUpper(byte) { upper = true } else if ByteClass.isDigit(byte) { digit = true }
        }
        return [lower, upper, digit].filter { $0 }.count >= classes
    }

    static func base64URLDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-"), UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "_"), UInt8(ascii: "/"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }
}
