/// An OpenAI byte-pair encoding, as tiktoken names it: its vocabulary file, its pre-tokenizer
/// pattern and its special tokens. o200k serves GPT-4o, GPT-4.1, GPT-5 and the o-series;
/// cl100k serves GPT-4 and GPT-3.5 (and the text-embedding-3 models).
public enum TokenEncoding: String, Sendable, Codable, CaseIterable {
    case o200kBase = "o200k_base"
    case cl100kBase = "cl100k_base"

    /// The vocabulary's file name among the module's resources (`NAME.tiktoken`).
    public var resourceName: String { rawValue }

    /// tiktoken's pre-tokenizer pattern, for PCRE2 with UTF and UCP. cl100k's `\s++$` is
    /// written `\s++\z`: tiktoken's regex engine reads `$` as the end of the text only.
    public var pattern: String {
        switch self {
        case .o200kBase:
            [
                #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
                #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
                #"\p{N}{1,3}"#,
                #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
                #"\s*[\r\n]+"#,
                #"\s+(?!\S)"#,
                #"\s+"#,
            ].joined(separator: "|")
        case .cl100kBase:
            #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++\z|\s*[\r\n]|\s+(?!\S)|\s"#
        }
    }

    /// Special tokens and their ids; ordinary encoding treats their text as plain text.
    public var specialTokens: [String: Int] {
        switch self {
        case .o200kBase:
            ["<|endoftext|>": 199_999, "<|endofprompt|>": 200_018]
        case .cl100kBase:
            ["<|endoftext|>": 100_257, "<|fim_prefix|>": 100_258, "<|fim_middle|>": 100_259,
             "<|fim_suffix|>": 100_260, "<|endofprompt|>": 100_276]
        }
    }
}
