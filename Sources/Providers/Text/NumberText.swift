/// Numbers as people read them in reports.
public enum NumberText {
    /// `1234567` → `"1,234,567"`: thousands grouped with commas, whatever the locale, so
    /// reports and tests read the same everywhere.
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    /// `1, "error"` → `"1 error"`, `3, "error"` → `"3 errors"`; the count grouped. Nouns here
    /// take an `s`; pass `plural` for the ones that do not.
    public static func counted(_ value: Int, _ noun: String, plural: String? = nil) -> String {
        "\(grouped(value)) \(value == 1 ? noun : plural ?? noun + "s")"
    }
}
