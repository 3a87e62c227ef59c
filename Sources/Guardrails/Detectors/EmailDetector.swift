import Patterns

/// Email addresses: `local@domain.tld` with an RFC 5321-sized local part and a domain whose
/// last label is an alphabetic TLD. Not flagged: hosts without a TLD (`user@localhost`),
/// reserved documentation domains (`example.com`, `.test`, `.invalid`, `.local`), asset names
/// that only look like addresses (`icon@2x.png`), npm/pip version pins (`pkg@1.2.3`) and SSH
/// remotes (`git@github.com`).
enum EmailDetector {
    // The pattern finds `@domain.tld` and the local part is read backwards in Swift: a pattern
    // starting with the local part would try every letter of the text as a start (6× slower).
    static let pattern = try? CompiledPattern(#"@[A-Za-z0-9\-]{1,63}+(?:\.[A-Za-z0-9\-]{1,63}+){1,8}+"#)
    static let window = 1 + 9 * 64
    static let maxLocalLength = 64

    /// Last labels that are file extensions, not domains people receive mail at.
    static let fileExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "heic", "avif",
        "js", "mjs", "cjs", "ts", "tsx", "jsx", "css", "scss", "less", "map", "json", "yaml", "yml",
        "toml", "xml", "html", "htm", "md", "txt", "py", "rb", "rs", "go", "swift", "kt", "java",
        "lock", "zip", "gz", "tgz", "tar", "pdf", "mp3", "mp4", "mov", "wav", "log", "csv", "sh",
        "exe", "dll", "so", "dylib", "wasm", "woff", "woff2", "ttf", "otf", "vue", "svelte",
    ]

    /// RFC 2606 / 6761 names that never deliver mail to a person.
    static let reservedTLDs: Set<String> = ["test", "invalid", "example", "localhost", "local", "internal", "lan", "home", "corp", "tld"]
    static let reservedDomains: Set<String> = ["example.com", "example.org", "example.net"]

    static func validate(_ text: ScanText, _ match: Range<Int>) -> Detection? {
        var start = match.lowerBound
        while let byte = text[start - 1], isLocalCharacter(byte), match.lowerBound - start < maxLocalLength { start -= 1 }
        guard start < match.lowerBound else { return nil }
        let range = start..<match.upperBound
        // A local part glued to more address characters (or a second `@`) is not one address;
        // after `/` it is the user part of a URL (`https://token@host`).
        if let previous = text.previous(range.lowerBound),
           isLocalCharacter(previous) || previous == UInt8(ascii: "@") || previous == UInt8(ascii: "/") { return nil }
        if let next = text.next(range.upperBound), next == UInt8(ascii: "@") { return nil }
        let value = text.string(range)
        guard let at = value.firstIndex(of: "@") else { return nil }
        let local = value[..<at]
        let domain = value[value.index(after: at)...].lowercased()
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return nil }
        if local == "git" { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
              let tld = labels.last else { return nil }
        let isPunycode = tld.hasPrefix("xn--") && tld.count > 4
        guard isPunycode || (tld.count >= 2 && tld.count <= 24 && tld.utf8.allSatisfy(ByteClass.isLetter)) else { return nil }
        if fileExtensions.contains(String(tld)) || reservedTLDs.contains(String(tld)) { return nil }
        let registered = labels.suffix(2).joined(separator: ".")
        if reservedDomains.contains(registered) { return nil }
        return Detection(range: range)
    }

    static func isLocalCharacter(_ byte: UInt8) -> Bool {
        ByteClass.isAlnum(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
    }
}
