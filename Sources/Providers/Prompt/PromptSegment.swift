/// One piece of text a request sends to a model, with where it sits in the conversation.
/// Guardrails scan segments; waste detection and the token heatmap classify them.
public struct PromptSegment: Sendable, Equatable, Hashable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        case system
        case user
        case assistant
        case tool
    }

    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Ordinary message text (or an embeddings input).
        case text
        /// What a tool returned, sent back to the model.
        case toolResult
        /// A tool the model may call: name, description and parameter schema.
        case toolDefinition
        /// A call the model made earlier (name and arguments), replayed as history.
        case toolCall
    }

    public var role: Role
    public var kind: Kind
    public var text: String
    /// The message's position in the conversation (0-based); -1 for the system prompt and tools.
    public var messageIndex: Int

    public init(role: Role, kind: Kind = .text, text: String, messageIndex: Int) {
        self.role = role
        self.kind = kind
        self.text = text
        self.messageIndex = messageIndex
    }
}

/// Every prompt-bearing piece of a request, in order.
public struct PromptContent: Sendable, Equatable {
    public var segments: [PromptSegment]
    /// How many conversation messages the request carries.
    public var messageCount: Int

    public init(segments: [PromptSegment] = [], messageCount: Int = 0) {
        self.segments = segments
        self.messageCount = messageCount
    }

    /// The index of the last user message: the query; earlier messages are history.
    public var lastUserMessageIndex: Int? {
        segments.last { $0.role == .user && $0.kind == .text }?.messageIndex
    }
}
