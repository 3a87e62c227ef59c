import TOML

/// Parses policy sources into TOML documents.
enum TOMLDocumentLoader {
    static func parse(_ bytes: [UInt8]) throws(TOMLError) -> TOMLDocument {
        try TOMLDocument(parsing: bytes)
    }
}
