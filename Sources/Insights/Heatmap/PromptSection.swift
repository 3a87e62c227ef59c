import Providers

/// The parts a request's prompt is made of, for the token heatmap: the system prompt, tool
/// definitions, context (tool results and injected documents), history (earlier turns, the
/// model's tool calls) and the query (the last user message).
public enum PromptSection: String, Sendable, Codable, CaseIterable {
    case system
    case tools
    case context
    case history
    case query

    /// The section a whole segment belongs to; injected documents inside system or user text
    /// are split out later by `InjectedDocuments`. `queryIndex` is the last user message's.
    public static func of(_ segment: PromptSegment, queryIndex: Int?) -> PromptSection {
        switch segment.kind {
        case .toolDefinition: return .tools
        case .toolResult: return .context
        case .toolCall: return .history
        case .text: break
        }
        switch segment.role {
        case .system: return .system
        case .tool: return .context
        case .assistant: return .history
        // An assistant prefill after the last user message is history too (by role, above).
        case .user: return segment.messageIndex == queryIndex ? .query : .history
        }
    }
}
