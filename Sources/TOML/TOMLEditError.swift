/// Why a document edit was refused. The document is left unchanged when one is thrown.
public enum TOMLEditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path was empty; edits address a key below the root.
    case emptyPath
    /// Nothing exists at the path (for removals and array-of-tables operations).
    case notFound(TOMLPath)
    /// A path component expected a table but found another kind of value.
    case notATable(TOMLPath)
    /// The operation needs an array of tables (`[[x]]`) at the path.
    case notAnArrayOfTables(TOMLPath)
    /// An element index outside the array.
    case indexOutOfRange(TOMLPath, index: Int, count: Int)
    /// The file's layout does not allow a minimal edit here (for example the pieces of a
    /// table are scattered in a way the editor does not rewrite).
    case unsupportedLayout(TOMLPath, reason: String)
    /// The edited text failed to parse; this indicates a bug in the editor.
    case invalidResult(TOMLError)

    public var description: String {
        switch self {
        case .emptyPath:
            return "an edit needs a non-empty key path"
        case .notFound(let path):
            return "nothing is defined at `\(path.pathDescription)`"
        case .notATable(let path):
            return "`\(path.pathDescription)` is not a table"
        case .notAnArrayOfTables(let path):
            return "`\(path.pathDescription)` is not an array of tables"
        case .indexOutOfRange(let path, let index, let count):
            return "index \(index) is out of range for `\(path.pathDescription)` (\(count) elements)"
        case .unsupportedLayout(let path, let reason):
            return "cannot edit `\(path.pathDescription)` in place: \(reason)"
        case .invalidResult(let error):
            return "the edited document does not parse (\(error)); the edit was not applied"
        }
    }
}
