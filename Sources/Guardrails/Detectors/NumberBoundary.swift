/// Shared checks for numbers found inside prose: a real phone or card number stands on its
/// own, not glued to a word, a decimal point or a longer run of digits, and not labelled as an
/// order, invoice or ticket number.
enum NumberBoundary {
    /// Whether the number starting at `start` is not the tail of something longer.
    static func isClearBefore(_ text: ScanText, _ start: Int) -> Bool {
        guard let previous = text.previous(start) else { return true }
        if ByteClass.isWord(previous) { return false }
        switch previous {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ":"):
            // `1.415-555-2671`, `12,345 6789`: a digit before the punctuation means one number.
            if let before = text[start - 2], ByteClass.isDigit(before) { return false }
            return previous != UInt8(ascii: ".")
        case UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: "#"), UInt8(ascii: "$"),
             UInt8(ascii: "+"), UInt8(ascii: "\\"), UInt8(ascii: "@"), UInt8(ascii: "&"), UInt8(ascii: "?"):
            // `ID-…`, `/v1/415-…`, `#4242…`, `$1 234 567…`, `?415…`: part of an identifier.
            return false
        case UInt8(ascii: " "):
            // `5390 0754 7034`, `CH93 0076 …`: a group of a longer number or code, not its start.
            return !precededByCodeToken(text, start - 1)
        default:
            return true
        }
    }

    /// Whether the number ending at `end` is followed by a token mixing letters and digits
    /// (`0043 0061 0066 00E9`, hex code units): then it is a run of codes, not a number.
    static func isFollowedByCodeToken(_ text: ScanText, _ end: Int) -> Bool {
        guard text[end] == UInt8(ascii: " ") else { return false }
        var index = end + 1
        var letter = false, digit = false
        while let byte = text[index], ByteClass.isAlnum(byte) {
            if ByteClass.isDigit(byte) { digit = true } else { letter = true }
            index += 1
        }
        return letter && digit
    }

    /// Whether the word just before the separator at `separator` contains a digit.
    static func precededByCodeToken(_ text: ScanText, _ separator: Int) -> Bool {
        var index = separator - 1
        var sawDigit = false
        while let byte = text[index], ByteClass.isAlnum(byte) {
            if ByteClass.isDigit(byte) { sawDigit = true }
            index -= 1
        }
        return sawDigit
    }

    /// Whether the number ending at `end` is not continued by more digits or a word.
    static func isClearAfter(_ text: ScanText, _ end: Int) -> Bool {
        guard let next = text.next(end) else { return true }
        if ByteClass.isWord(next) { return false }
        switch next {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "/"), UInt8(ascii: ":"):
            // Sentence punctuation is fine; `…2671.5`, `…-12`, `…/2`, `…:30` continue the number.
            if let after = text[end + 1], ByteClass.isDigit(after) { return false }
            return true
        default:
            return true
        }
    }

    /// Words that label a number as an identifier rather than personal data.
    static let identifierWords: Set<String> = [
        "order", "orders", "invoice", "inv", "ref", "reference", "ticket", "case", "tracking", "id", "ids",
        "sku", "serial", "po", "confirmation", "transaction", "txn", "receipt", "booking", "reservation",
        "customer", "member", "membership", "policy", "claim", "isbn", "issn", "version", "build", "release",
        "account", "acct", "batch", "lot", "part", "model", "item", "shipment", "parcel", "container",
    ]

    /// Whether a nearby word names the number as an identifier (`Order #415-555-2671`), unless
    /// an even nearer word says what kind of number it is (`phone`, `card`) first.
    static func isLabelledIdentifier(_ text: ScanText, _ start: Int, overriding: Set<String>) -> Bool {
        for word in text.precedingWords(before: start) {
            if overriding.contains(word) { return false }
            if identifierWords.contains(word) { return true }
        }
        return false
    }
}
