/// A token count estimated from text without a tokenizer: about four bytes of English or
/// code per token for the providers' vocabularies. Good to within tens of percent, which is
/// what a cacheability report needs; never used for billing.
public enum TokenEstimate {
    public static func of(_ text: String) -> Int {
        let bytes = text.utf8.count
        return bytes == 0 ? 0 : (bytes + 3) / 4
    }

    static func of(byteCount: Int) -> Int {
        byteCount == 0 ? 0 : (byteCount + 3) / 4
    }
}
