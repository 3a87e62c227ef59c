/// Removes credentials from what request logging stores. Headers that carry credentials
/// (Authorization, x-api-key, x-goog-api-key, cookies, anything named like a key, token or
/// secret) lose their value; query parameters named like keys lose theirs; and in bodies,
/// strings shaped like provider keys (`sk-…`, `AIza…`, `ghp_…`, `AKIA…`, JWTs, PEM private
/// keys) and values written after a secret-sounding name (`"api_key": "…"`, `password=…`,
/// `Bearer …`) become `[REDACTED]`. A single pass over the bytes, no regular expressions:
/// it runs on every captured body.
public enum SecretRedactor {
    public static let marker = "[REDACTED]"
    static let markerBytes = Array(marker.utf8)

    // MARK: - Headers and query strings

    static let secretHeaders: Set<String> = [
        "authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie", "set-cookie",
    ]
    static let secretNameFragments = ["key", "token", "secret", "auth", "password", "passwd", "signature", "credential"]

    /// The value to store for a header. TokenLens's own headers (source, tags, session) are
    /// names, not credentials, whatever their name contains.
    public static func header(name: String, value: String) -> String {
        let lower = name.lowercased()
        if lower.hasPrefix("x-tokenlens-") { return text(value) }
        if secretHeaders.contains(lower) || secretNameFragments.contains(where: { lower.contains($0) }) { return marker }
        return text(value)
    }

    /// Every header with its value redacted as `header(name:value:)` does.
    public static func headers(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.map { ($0.name, header(name: $0.name, value: $0.value)) }
    }

    /// A path with its query: parameters named like credentials (`key`, `api_key`, `token`,
    /// `sig`, ...) keep their name and lose their value.
    public static func path(_ pathAndQuery: String) -> String {
        guard let mark = pathAndQuery.firstIndex(of: "?") else { return text(pathAndQuery) }
        return text(String(pathAndQuery[..<mark])) + "?" + query(String(pathAndQuery[pathAndQuery.index(after: mark)...]))
    }

    public static func query(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<equals].lowercased()
            if name == "sig" || secretNameFragments.contains(where: { name.contains($0) }) {
                return pair[...equals] + marker
            }
            return pair[...equals] + text(String(pair[pair.index(after: equals)...]))
        }.joined(separator: "&")
    }

    // MARK: - Bodies

    public static func text(_ text: String) -> String {
        String(decoding: bytes(Array(text.utf8)), as: UTF8.self)
    }

    /// Prefixes of provider and platform keys. A word starting with one is a key when it is
    /// long enough and has a digit (which keeps ordinary hyphenated words such as
    /// `sk-learn-examples` readable).
    static let keyPrefixes: [[UInt8]] = [
        "sk-", "sk_live_", "sk_test_", "rk_live_", "rk_test_", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
        "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "AKIA", "ASIA", "hf_", "gsk_", "r8_",
        "pplx-", "nvapi-", "tlk_",
    ].map { Array($0.utf8) }
    static let minimumKeyLength = 20

    /// Names after which a value is a credential (compared in lower case, as substrings).
    static let secretNames = ["api_key", "apikey", "api-key", "secret", "password", "passwd", "token", "authorization",
                              "credential", "private_key", "privatekey", "access_key", "accesskey"]
        .map { Array($0.utf8) }

    public static func bytes(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "-"), let end = privateKeyBlockEnd(input, from: index) {
                out += markerBytes
                index = end
                continue
            }
            guard isWord(byte), index == 0 || !isWord(input[index - 1]) else {
                out.append(byte)
                index += 1
                continue
            }
            var end = index
            while end < input.count, isWord(input[end]) { end += 1 }
            if let jwtEnd = jwtEnd(input, start: index, wordEnd: end) {
                out += markerBytes
                index = jwtEnd
            } else if isProviderKey(input[index..<end]) {
                out += markerBytes
                index = end
            } else if let value = valueAfterSecretName(input, nameStart: index, nameEnd: end) {
                out += input[index..<value.lowerBound]
                out += markerBytes
                index = value.upperBound
            } else {
                out += input[index..<end]
                index = end
            }
        }
        return out
    }

    static func isWord(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    static func isProviderKey(_ word: ArraySlice<UInt8>) -> Bool {
        guard word.count >= minimumKeyLength else { return false }
        for prefix in keyPrefixes where word.starts(with: prefix) {
            return word.dropFirst(prefix.count).contains(where: isDigit)
        }
        return false
    }

    /// A JSON Web Token: three base64url parts joined by dots, the first starting `eyJ`.
    static func jwtEnd(_ input: [UInt8], start: Int, wordEnd: Int) -> Int? {
        guard wordEnd - start >= 10, input[start..<wordEnd].starts(with: Array("eyJ".utf8)) else { return nil }
        var end = wordEnd
        var dots = 0
        while end < input.count, input[end] == UInt8(ascii: "."), dots < 2 {
            var next = end + 1
            while next < input.count, isWord(input[next]) { next += 1 }
            guard next > end + 1 else { break }
            end = next
            dots += 1
        }
        return dots == 2 ? end : nil
    }

    /// `-----BEGIN … PRIVATE KEY-----` through the matching END line (or the end of a
    /// truncated body).
    static func privateKeyBlockEnd(_ input: [UInt8], from start: Int) -> Int? {
        let begin = Array("-----BEGIN ".utf8)
        guard input[start...].starts(with: begin) else { return nil }
        let lineEnd = input[start...].firstIndex(where: { $0 == 0x0A || $0 == UInt8(ascii: "\\") }) ?? input.count
        guard contains(input[start..<lineEnd], Array("PRIVATE KEY".utf8)) else { return nil }
        let endMarker = Array("-----END ".utf8)
        var cursor = lineEnd
        while cursor < input.count {
            if input[cursor...].starts(with: endMarker) {
                var close = cursor + endMarker.count
                while close < input.count, input[close] != UInt8(ascii: "-") { close += 1 }
                while close < input.count, input[close] == UInt8(ascii: "-") { close += 1 }
                return close
            }
            cursor += 1
        }
        return input.count
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var index = haystack.startIndex
        while index + needle.count <= haystack.endIndex {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// When the word at `nameStart..<nameEnd` names a secret (`api_key`, `password`, ...) and
    /// is followed by `:` or `=` (JSON, headers, query strings, `.env` lines) or is `Bearer`
    /// followed by a space, the range of the value to hide.
    static func valueAfterSecretName(_ input: [UInt8], nameStart: Int, nameEnd: Int) -> Range<Int>? {
        let name = input[nameStart..<nameEnd].map(\.asciiLowercased)
        let isBearer = name == Array("bearer".utf8)
        guard isBearer || name == Array("key".utf8)
                || secretNames.contains(where: { contains(name[...], $0) }) else { return nil }
        var cursor = nameEnd
        // The closing quote of a JSON key, possibly escaped inside a JSON string.
        if cursor < input.count, input[cursor] == UInt8(ascii: "\"") || input[cursor] == UInt8(ascii: "'") {
            cursor += 1
        } else if cursor + 1 < input.count, input[cursor] == UInt8(ascii: "\\"), input[cursor + 1] == UInt8(ascii: "\"") {
            cursor += 2
        }
        let beforeSpaces = cursor
        cursor = skipSpaces(input, cursor)
        var minimumLength = 6
        if cursor < input.count, input[cursor] == UInt8(ascii: ":") || input[cursor] == UInt8(ascii: "=") {
            cursor = skipSpaces(input, cursor + 1)
        } else if isBearer, cursor > beforeSpaces {
            minimumLength = 16
        } else {
            return nil
        }
        // The opening quote of the value.
        if cursor < input.count, input[cursor] == UInt8(ascii: "\"") || input[cursor] == UInt8(ascii: "'") {
            cursor += 1
        } else if cursor + 1 < input.count, input[cursor] == UInt8(ascii: "\\"), input[cursor + 1] == UInt8(ascii: "\"") {
            cursor += 2
        }
        // `Authorization: Bearer xyz`: the scheme stays, the credential goes.
        for scheme in ["bearer ", "basic ", "token "] {
            let bytes = Array(scheme.utf8)
            if cursor + bytes.count < input.count, input[cursor..<(cursor + bytes.count)].map(\.asciiLowercased) == bytes {
                cursor += bytes.count
                break
            }
        }
        var end = cursor
        while end < input.count, !isValueTerminator(input[end]) { end += 1 }
        let value = input[cursor..<end]
        guard value.count >= minimumLength, value.count >= 16 || value.contains(where: isLetter) else { return nil }
        return cursor..<end
    }

    static func skipSpaces(_ input: [UInt8], _ start: Int) -> Int {
        var cursor = start
        while cursor < input.count, input[cursor] == 0x20 || input[cursor] == 0x09 { cursor += 1 }
        return cursor
    }

    static func isValueTerminator(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: ","),
             UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"):
            return true
        default:
            return false
        }
    }
}
