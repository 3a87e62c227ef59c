import HTTPTypes
import NIOHTTP1
import Providers

/// Who is calling and how to tag the call, per the contract: the `X-TokenLens-Source`
/// header, else a source in the URL, else a recognised User-Agent, else `unknown`; tags from
/// `X-TokenLens-Tags: key=value,key2=value2`.
public struct CallAttribution: Sendable, Equatable {
    public var source: String
    public var tags: [String: String]

    public static let sourceHeader = HTTPField.Name("X-TokenLens-Source")!
    static let maxLength = 128

    public init(headers: HTTPHeaders, urlSource: String?) {
        if let header = headers.first(name: "x-tokenlens-source").flatMap(Self.clean), !header.isEmpty {
            source = header
        } else if let fromURL = urlSource.flatMap(Self.clean), !fromURL.isEmpty {
            source = fromURL
        } else {
            source = Self.recognise(userAgent: headers.first(name: "user-agent") ?? "",
                                    googleClient: headers.first(name: "x-goog-api-client") ?? "")
        }
        tags = headers.first(name: "x-tokenlens-tags").map(Self.parseTags) ?? [:]
    }

    /// User-Agent fragments of the tools and SDKs people point at TokenLens, most specific first.
    static let knownAgents: [(fragment: StaticString, source: String)] = [
        ("claude-cli", "claude-code"), ("claude-code", "claude-code"),
        ("codex_cli_rs", "codex"), ("codex", "codex"),
        ("aider", "aider"), ("cursor", "cursor"), ("cline", "cline"), ("continue", "continue"),
        ("litellm", "litellm"), ("langchain", "langchain"), ("llamaindex", "llamaindex"),
        ("asyncopenai/python", "openai-python"), ("openai/python", "openai-python"), ("openai/js", "openai-node"),
        ("asyncanthropic/python", "anthropic-python"), ("anthropic/python", "anthropic-python"),
        ("anthropic/js", "anthropic-node"), ("google-genai-sdk", "google-genai"),
        ("genai-js", "google-genai-js"), ("curl/", "curl"),
    ]

    static func recognise(userAgent: String, googleClient: String) -> String {
        // Every fragment is lower-case ASCII: the headers' bytes are folded in ASCII only.
        var agent: [UInt8] = []
        agent.reserveCapacity(userAgent.utf8.count + 1 + googleClient.utf8.count)
        for byte in userAgent.utf8 { agent.append(byte.asciiLowercased) }
        agent.append(UInt8(ascii: " "))
        for byte in googleClient.utf8 { agent.append(byte.asciiLowercased) }
        return knownAgents.first { ByteSearch.contains(agent, $0.fragment) }?.source ?? "unknown"
    }

    /// A caller-supplied name (source, tag, session) as TokenLens records it, or nil if empty.
    public static func cleanName(_ raw: String) -> String? { clean(raw) }

    /// Trims and bounds a caller-supplied name; control characters are dropped.
    static func clean(_ raw: String) -> String? {
        // Nearly every name is short printable ASCII with nothing to trim: keep it as it is.
        let bytes = raw.utf8
        if !bytes.isEmpty, bytes.count <= maxLength, bytes.first != 0x20, bytes.first != 0x09, bytes.last != 0x20,
           bytes.last != 0x09, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return raw
        }
        let trimmed = raw.trimmed()
        let kept = trimmed.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }
        let result = String(String.UnicodeScalarView(kept.prefix(maxLength)))
        return result.isEmpty ? nil : result
    }

    static func parseTags(_ header: String) -> [String: String] {
        var tags: [String: String] = [:]
        for pair in header.split(separator: ",") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            guard let key = clean(String(pair[..<equals])), let value = clean(String(pair[pair.index(after: equals)...])) else { continue }
            if tags.count < 32 { tags[key] = value }
        }
        return tags
    }
}
