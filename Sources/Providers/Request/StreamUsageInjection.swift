/// OpenAI only reports usage for a streamed chat completion when the request sets
/// `stream_options.include_usage`. When the client did not, TokenLens sets it upstream (so the
/// call can be priced) and `OpenAIUsageChunkFilter` hides the extra chunk from the client.
public enum StreamUsageInjection {
    /// Returns the body with `stream_options.include_usage` set to true, touching nothing else.
    public static func injectIncludeUsage(into body: [UInt8]) -> [UInt8] {
        body.withUnsafeBytes { buffer -> [UInt8] in
            guard let members = try? JSONReader.topLevelMembers(buffer) else { return body }
            if let options = members.first(where: { $0.key == "stream_options" }) {
                let value = UnsafeRawBufferPointer(rebasing: buffer[options.valueRange])
                var replacement = Array(#"{"include_usage":true"#.utf8)
                if let inner = try? JSONReader.topLevelMembers(value) {
                    for member in inner where member.key != "include_usage" {
                        replacement.append(UInt8(ascii: ","))
                        replacement.append(contentsOf: value[member.keyStart..<member.valueRange.upperBound])
                    }
                }
                replacement.append(UInt8(ascii: "}"))
                var result = Array(buffer[..<options.valueRange.lowerBound])
                result.append(contentsOf: replacement)
                result.append(contentsOf: buffer[options.valueRange.upperBound...])
                return result
            }
            // Insert a new member just before the closing brace of the top-level object.
            guard let close = buffer.lastIndex(of: UInt8(ascii: "}")) else { return body }
            var result = Array(buffer[..<close])
            let member = members.isEmpty ? #""stream_options":{"include_usage":true}"#
                                         : #","stream_options":{"include_usage":true}"#
            result.append(contentsOf: member.utf8)
            result.append(contentsOf: buffer[close...])
            return result
        }
    }

    /// Returns the body with the top-level `model` value replaced, for aliases and routing.
    public static func replacingModel(in body: [UInt8], valueRange: Range<Int>, with model: String) -> [UInt8] {
        var result = Array(body[..<valueRange.lowerBound])
        result.append(contentsOf: JSONWriter.quoted(model).utf8)
        result.append(contentsOf: body[valueRange.upperBound...])
        return result
    }
}
