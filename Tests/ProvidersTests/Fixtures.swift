import Foundation
import Providers

/// Test data: real response shapes in Tests/Fixtures/providers (see SOURCES.md there).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/providers")

    static func bytes(_ name: String) -> [UInt8] {
        let url = directory.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url) else { fatalError("missing fixture \(url.path)") }
        return Array(data)
    }

    /// Every way of cutting `bytes` into two chunks, plus the whole and a byte-at-a-time feed.
    static func splits(_ bytes: [UInt8]) -> [[[UInt8]]] {
        var result: [[[UInt8]]] = [[bytes], bytes.map { [$0] }]
        for cut in 1..<bytes.count {
            result.append([Array(bytes[..<cut]), Array(bytes[cut...])])
        }
        return result
    }

    /// Feeds a response through a tracker, chunk by chunk, and returns its usage.
    static func track(_ chunks: [[UInt8]], facts: RequestFacts) -> Usage? {
        var tracker = UsageTracker(facts: facts)
        for chunk in chunks { tracker.consume(chunk) }
        tracker.finish()
        return tracker.usage()
    }
}

extension RequestFacts {
    static func openAIChat(stream: Bool) -> RequestFacts {
        RequestFacts(provider: .openai, endpoint: .chatCompletions, stream: stream, streamFormat: stream ? .sse : .none)
    }

    static func openAIResponses(stream: Bool) -> RequestFacts {
        RequestFacts(provider: .openai, endpoint: .responses, stream: stream, streamFormat: stream ? .sse : .none)
    }

    static func anthropic(stream: Bool) -> RequestFacts {
        RequestFacts(provider: .anthropic, endpoint: .messages, stream: stream, streamFormat: stream ? .sse : .none)
    }

    static func gemini(_ format: StreamFormat) -> RequestFacts {
        RequestFacts(provider: .google, endpoint: format == .none ? .generateContent : .streamGenerateContent,
                     stream: format != .none, streamFormat: format)
    }
}
