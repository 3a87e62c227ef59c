import Patterns

/// Payment card numbers: 13–19 digits in the groupings cards are printed with (4-4-4-4,
/// 4-4-4-4-3, Amex 4-6-5, Diners 4-6-4) with one separator kind throughout, or unbroken next to
/// a word such as "card" or "visa"; a major network's IIN prefix and length; a valid Luhn
/// checksum. A random 16-digit number passes Luhn one time in ten: the grouping, IIN and
/// context rules keep ids, constants, order numbers and millisecond timestamps out.
enum CreditCardDetector {
    // Unbroken 13–19 digit runs, or a first group of four followed by two to five more groups.
    // Shorter numbers never become candidates, which keeps number-heavy text cheap.
    static let pattern = try? CompiledPattern(#"(?<![0-9A-Za-z])(?:[0-9]{13,19}+|[0-9]{4}[ \-][0-9]{2,6}+(?:[ \-][0-9]{1,6}+){1,4}+)"#)
    static let window = 64

    static let cardWords: Set<String> = [
        "card", "cards", "cardnumber", "ccnum", "cc", "pan", "credit", "debit", "payment", "visa", "mastercard", "mc",
        "amex", "discover", "diners", "jcb", "unionpay", "maestro",
    ]

    static func validate(_ text: ScanText, _ range: Range<Int>) -> Detection? {
        let start = range.lowerBound
        guard NumberBoundary.isClearBefore(text, start) else { return nil }
        let groups = PhoneDetector.groups(in: text, range)
        var separator: UInt8?
        for index in range where !ByteClass.isDigit(text.bytes[index]) {
            if let separator, separator != text.bytes[index] { return nil }
            separator = text.bytes[index]
        }
        for count in stride(from: groups.count, through: 1, by: -1) {
            let kept = Array(groups[..<count])
            let end = kept[kept.count - 1].end
            guard NumberBoundary.isClearAfter(text, end) else { continue }
            let digits = kept.flatMap(\.digits)
            guard (13...19).contains(digits.count), isPrintedGrouping(kept.map(\.digits.count)),
                  network(of: digits) != nil, luhn(digits) else { continue }
            if NumberBoundary.isLabelledIdentifier(text, start, overriding: cardWords) { return nil }
            // An unbroken run of digits is as often a large integer in code or data (ids,
            // constants, counters) as a card: it counts only next to a word that says "card".
            if count == 1, !text.precedingWords(before: start, count: 4, maxBytes: 48).contains(where: cardWords.contains) { return nil }
            return Detection(range: start..<end, detail: network(of: digits))
        }
        return nil
    }

    static func isPrintedGrouping(_ sizes: [Int]) -> Bool {
        if sizes.count == 1 { return true }
        if sizes == [4, 6, 5] || sizes == [4, 6, 4] { return true }
        // Groups of four, the last one shorter for 13-, 17-, 18- or 19-digit numbers.
        return sizes.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(sizes[sizes.count - 1])
    }

    /// The card network for an IIN prefix and length, or nil when no major network issues it.
    static func network(of digits: [UInt8]) -> String? {
        func prefix(_ count: Int) -> Int { digits.prefix(count).reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        let length = digits.count
        switch digits[0] {
        case UInt8(ascii: "4"):
            return [13, 16, 19].contains(length) ? "visa" : nil
        case UInt8(ascii: "5"):
            if (51...55).contains(prefix(2)) { return length == 16 ? "mastercard" : nil }
            if [5018, 5020, 5038, 5893].contains(prefix(4)) { return length >= 16 ? "maestro" : nil }
            return nil
        case UInt8(ascii: "2"):
            return (2221...2720).contains(prefix(4)) && length == 16 ? "mastercard" : nil
        case UInt8(ascii: "3"):
            if [34, 37].contains(prefix(2)) { return length == 15 ? "amex" : nil }
            if (3528...3589).contains(prefix(4)) { return length >= 16 ? "jcb" : nil }
            if (300...305).contains(prefix(3)) || [36, 38, 39].contains(prefix(2)) { return length >= 14 ? "diners" : nil }
            return nil
        case UInt8(ascii: "6"):
            if prefix(4) == 6011 || (644...649).contains(prefix(3)) || prefix(2) == 65 { return length >= 16 ? "discover" : nil }
            if prefix(2) == 62 { return length >= 16 ? "unionpay" : nil }
            if [6304, 6759, 6761, 6762, 6763].contains(prefix(4)) { return length >= 16 ? "maestro" : nil }
            return nil
        default:
            return nil
        }
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, byte) in digits.reversed().enumerated() {
            var value = Int(byte - 0x30)
            if position % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }
}
