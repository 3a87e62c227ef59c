extension StringProtocol {
    /// Without leading and trailing spaces and tabs, as a view of the same text (no copy):
    /// header values are trimmed on every proxied call.
    func trimmed() -> Substring {
        let text = Substring(self)
        let utf8 = text.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while start < end {
            let last = utf8.index(before: end)
            guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
            end = last
        }
        return text[start..<end]
    }
}
