/// The kinds of junk tokens waste detection looks for.
public enum WasteCategory: String, Sendable, Codable, CaseIterable {
    /// Runs of spaces or tabs, trailing whitespace, runs of blank lines.
    case whitespace
    /// Courtesy that carries no instruction: "please", "thank you", "could you kindly"…
    case politeFiller = "polite_filler"
    /// The same instruction sentence sent more than once, within or across messages.
    case redundantInstructions = "redundant_instructions"
    /// Messages with no content, which still cost their framing tokens.
    case emptyMessages = "empty_messages"
}
