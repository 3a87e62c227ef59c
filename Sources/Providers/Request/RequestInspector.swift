/// Reads `RequestFacts` from a request without decoding its whole body.
public enum RequestInspector {
    /// - Parameters:
    ///   - path: the path after `/proxy/{provider}`, without the query (e.g. `/v1/chat/completions`).
    ///   - query: the raw query string, without `?`.
    ///   - body: the request body; an empty body is fine for GET-style calls.
    /// - Throws: `JSONSyntaxError` when a metered endpoint receives a body that is not a JSON object.
    public static func inspect(provider: Provider, method: String, path: String, query: String?,
                               body: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> RequestFacts {
        let endpoint = endpoint(provider: provider, method: method, path: path)
        var facts = RequestFacts(provider: provider, endpoint: endpoint)
        if provider == .google {
            facts.model = geminiModel(fromPath: path)
            if endpoint == .streamGenerateContent {
                facts.stream = true
                facts.streamFormat = queryHasAltSSE(query) ? .sse : .jsonArray
            }
        }
        guard endpoint != .other || !body.isEmpty else { return facts }
        if body.isEmpty {
            guard endpoint.isMetered else { return facts }
            throw JSONSyntaxError(offset: 0, message: "empty body; this endpoint expects a JSON object")
        }
        let members: InlineArray<8, Range<Int>?>
        do {
            members = try JSONReader.topLevelMembers(body, named: Member.names)
        } catch {
            // Bodies of endpoints TokenLens does not meter (uploads, form posts) are passed through.
            if endpoint == .other || endpoint == .countTokens { return facts }
            throw error
        }
        func value(_ member: Member) -> JSONSpan? {
            members[member.rawValue].map { JSONSpan(UnsafeRawBufferPointer(rebasing: body[$0])) }
        }
        if provider != .google {
            if let range = members[Member.model.rawValue], let model = value(.model)?.stringValue {
                facts.model = model
                facts.modelValueRange = range
            }
            if let stream = value(.stream) { facts.stream = stream.boolValue ?? false }
        }
        if let options = value(.streamOptions) {
            facts.clientRequestedStreamUsage = options["include_usage"]?.boolValue ?? false
        }
        // Of several output caps, the one written last counts (as a reader of the whole body would
        // have it).
        var capPosition = -1
        for index in Member.outputCaps.indices {
            let member = Member.outputCaps[index]
            guard let range = members[member.rawValue], range.lowerBound > capPosition,
                  let span = value(member) else { continue }
            let isConfig = member == .generationConfig || member == .generationConfigSnakeCase
            if let cap = isConfig ? span["maxOutputTokens"]?.intValue : span.intValue {
                facts.maxOutputTokens = cap
                capPosition = range.lowerBound
            }
        }
        if facts.stream && facts.streamFormat == .none { facts.streamFormat = .sse }
        return facts
    }

    public static func inspect(provider: Provider, method: String, path: String, query: String?,
                               body: [UInt8]) throws(JSONSyntaxError) -> RequestFacts {
        let result: Result<RequestFacts, JSONSyntaxError> = body.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) -> RequestFacts in
                try inspect(provider: provider, method: method, path: path, query: query, body: buffer)
            }
        }
        return try result.get()
    }

    /// The top-level members the inspection reads; the others (messages, tools) are validated
    /// and skipped without a `String` per name.
    enum Member: Int {
        case model, stream, streamOptions, maxTokens, maxCompletionTokens, maxOutputTokens
        case generationConfig, generationConfigSnakeCase

        /// The JSON names, in the order of the cases.
        static let names: InlineArray<8, StaticString> = [
            "model", "stream", "stream_options", "max_tokens", "max_completion_tokens", "max_output_tokens",
            "generationConfig", "generation_config",
        ]
        /// The members that cap the output, directly or (Gemini) as `maxOutputTokens` inside.
        static let outputCaps: InlineArray<5, Member> = [
            .maxTokens, .maxCompletionTokens, .maxOutputTokens, .generationConfig, .generationConfigSnakeCase,
        ]
    }

    /// Classifies a path by its suffix, so base URLs with or without a version prefix both work.
    public static func endpoint(provider: Provider, method: String, path: String) -> Endpoint {
        let path = path.hasSuffix("/") ? String(path.dropLast()) : path
        switch provider {
        case .openai:
            guard method == "POST" else { return .other }
            if path.hasSuffix("/chat/completions") { return .chatCompletions }
            if path.hasSuffix("/responses") { return .responses }
            if path.hasSuffix("/embeddings") { return .embeddings }
            return .other
        case .anthropic:
            guard method == "POST" else { return .other }
            if path.hasSuffix("/messages/count_tokens") { return .countTokens }
            if path.hasSuffix("/messages") { return .messages }
            return .other
        case .google:
            guard method == "POST" else { return .other }
            if path.hasSuffix(":streamGenerateContent") { return .streamGenerateContent }
            if path.hasSuffix(":generateContent") { return .generateContent }
            if path.hasSuffix(":countTokens") { return .countTokens }
            return .other
        }
    }

    /// `/v1beta/models/gemini-2.5-pro:generateContent` → `gemini-2.5-pro`.
    static func geminiModel(fromPath path: String) -> String? {
        guard let range = path.range(of: "/models/") ?? path.range(of: "/tunedModels/") else { return nil }
        let rest = path[range.upperBound...]
        let model = rest.split(separator: ":", maxSplits: 1).first.map(String.init) ?? String(rest)
        return model.isEmpty ? nil : model.removingPercentEncodingIfNeeded
    }

    static func queryHasAltSSE(_ query: String?) -> Bool {
        guard let query else { return false }
        return query.split(separator: "&").contains { $0 == "alt=sse" }
    }
}

extension String {
    var removingPercentEncodingIfNeeded: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
