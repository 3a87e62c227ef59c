import Providers

/// Which vocabulary counts a model's tokens, and whether that vocabulary is the model's own.
/// Follows tiktoken's model table (exact ids, then prefixes); Claude, Gemini and unknown
/// models get o200k, the most recent public vocabulary, as an estimate.
public struct EncodingSelection: Sendable, Equatable {
    public var encoding: TokenEncoding
    /// True when `encoding` is the model's own tokenizer, so counts are exact.
    public var isModelsOwn: Bool

    public init(encoding: TokenEncoding, isModelsOwn: Bool) {
        self.encoding = encoding
        self.isModelsOwn = isModelsOwn
    }

    public static func forModel(_ model: String) -> EncodingSelection {
        var model = model
        return model.withUTF8 { forID($0) }
    }

    /// Reads the id's bytes in place, lower-casing ASCII as it compares: most ids are lower
    /// case already, and this runs for every analysed call.
    private static func forID(_ model: UnsafeBufferPointer<UInt8>) -> EncodingSelection {
        var id = model[...]
        // Routed ids ("openai/gpt-4o") and fine-tunes ("ft:gpt-4o-mini:org::id") name the base model.
        if let slash = id.lastIndex(of: UInt8(ascii: "/")) { id = id[id.index(after: slash)...] }
        if id.hasASCIIPrefixIgnoringCase("ft:") { id = id.dropFirst(3) }
        if let encoding = own(id) { return EncodingSelection(encoding: encoding, isModelsOwn: true) }
        return EncodingSelection(encoding: .o200kBase, isModelsOwn: false)
    }

    private static let o200kPrefixes: [StaticString] = ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "gpt-oss",
                                                        "o1", "o3", "o4", "codex-"]
    private static let cl100kPrefixes: [StaticString] = ["gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3",
                                                         "text-embedding-ada-002", "davinci-002", "babbage-002"]

    private static func own(_ id: Slice<UnsafeBufferPointer<UInt8>>) -> TokenEncoding? {
        func matches(_ prefix: StaticString) -> Bool {
            guard id.hasASCIIPrefixIgnoringCase(prefix) else { return false }
            // o-series ids are short ("o1", "o3-mini"): require the end or a dash after the prefix.
            guard prefix.utf8CodeUnitCount == 2, prefix.utf8Start[0] == UInt8(ascii: "o") else { return true }
            return id.count == 2 || id[id.startIndex + 2] == UInt8(ascii: "-")
        }
        // o200k prefixes first: "gpt-4o" and "gpt-4.1" must not fall to cl100k's "gpt-4".
        if o200kPrefixes.contains(where: matches) { return .o200kBase }
        if cl100kPrefixes.contains(where: matches) { return .cl100kBase }
        return nil
    }
}
