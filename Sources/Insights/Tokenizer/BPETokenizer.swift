import Foundation

/// Encodes text exactly as tiktoken does for one OpenAI vocabulary: split with the encoding's
/// pattern, then merge each piece's bytes by rank. Immutable and cheap to copy (the tables are
/// shared), so one instance serves every thread.
public struct BPETokenizer: Sendable {
    public let encoding: TokenEncoding
    let table: RankTable
    let preTokenizer: PreTokenizer

    /// Why a vocabulary could not be loaded.
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String)
        case malformed(path: String, reason: String)
        case badPattern(String)

        public var description: String {
            switch self {
            case .unreadable(let path): "cannot read the vocabulary \(path)"
            case .malformed(let path, let reason): "the vocabulary \(path) is not in tiktoken format: \(reason)"
            case .badPattern(let reason): "the pre-tokenizer pattern does not compile: \(reason)"
            }
        }
    }

    /// Builds a tokenizer from the bytes of a `.tiktoken` file.
    public init(encoding: TokenEncoding, vocabulary: [UInt8], path: String = "<memory>") throws(LoadError) {
        let table = vocabulary.withUnsafeBytes { bytes in
            Result { () throws(LoadError) in try Self.table(from: .memory(bytes), path: path) }
        }
        try self.init(encoding: encoding, table: table.get())
    }

    /// Builds a tokenizer from a `.tiktoken` file on disk, read in pieces (see `TiktokenFile`).
    public init(encoding: TokenEncoding, contentsOf url: URL) throws(LoadError) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(path: url.path) }
        defer { close(descriptor) }
        try self.init(encoding: encoding, table: Self.table(from: .file(descriptor: descriptor), path: url.path))
    }

    private init(encoding: TokenEncoding, table: RankTable) throws(LoadError) {
        do {
            preTokenizer = try PreTokenizer(encoding: encoding)
        } catch {
            throw .badPattern("PCRE2 error \(error.code) at offset \(error.offset)")
        }
        self.encoding = encoding
        self.table = table
    }

    private static func table(from source: TiktokenFile.Source, path: String) throws(LoadError) -> RankTable {
        let builder: RankTable.Builder
        do {
            let size = try TiktokenFile.measure(source)
            builder = RankTable.Builder(tokens: size.tokens, keyByteCount: size.bytes)
            try TiktokenFile.forEachToken(source) { token, rank in builder.insert(token, rank: rank) }
        } catch .unreadable {
            throw .unreadable(path: path)
        } catch {
            throw .malformed(path: path, reason: error.description)
        }
        do {
            return try RankTable(building: builder)
        } catch {
            throw .malformed(path: path, reason: "a rank or a token is larger than the table allows")
        }
    }

    /// How many tokens the vocabulary holds (special tokens not included).
    public var vocabularySize: Int { table.count }

    /// The token ids of `text`, special-token text encoded as ordinary text (tiktoken's
    /// `encode_ordinary`, which is what a prompt's own text costs).
    public func encode(_ text: String) -> [Int] {
        var tokens: [Int] = []
        tokens.reserveCapacity(text.utf8.count / 3)
        appendTokens(of: text, to: &tokens)
        return tokens
    }

    /// The token ids of `text` with the listed special tokens (e.g. `<|endoftext|>`) encoded as
    /// their ids, like tiktoken's `encode(text, allowed_special=...)`.
    public func encode(_ text: String, allowedSpecial: Set<String>) -> [Int] {
        let specials = encoding.specialTokens.filter { allowedSpecial.contains($0.key) }
        guard !specials.isEmpty, text.contains("<|") else { return encode(text) }
        var tokens: [Int] = []
        var rest = text[...]
        while let (range, id) = Self.firstSpecial(in: rest, specials) {
            appendTokens(of: String(rest[..<range.lowerBound]), to: &tokens)
            tokens.append(id)
            rest = rest[range.upperBound...]
        }
        appendTokens(of: String(rest), to: &tokens)
        return tokens
    }

    /// How many tokens `text` encodes to (ordinary text, like `encode(_:)`), without building
    /// the id list: a piece that is not one token costs only its merge.
    public func count(_ text: String) -> Int {
        var contiguous = text
        return contiguous.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            var total = 0
            if bytes.count >= PieceCache.minimumTextLength {
                var cache = PieceCache(text: base)
                preTokenizer.forEachPiece(in: bytes) { lower, upper in
                    forEachPieceToken(base, lower, upper - lower, cache: &cache) { _ in total += 1 }
                }
            } else {
                preTokenizer.forEachPiece(in: bytes) { lower, upper in
                    total += pieceCount(base + lower, upper - lower)
                }
            }
            return total
        }
    }

    /// The bytes the tokens stand for; ids outside the vocabulary (special tokens among them)
    /// contribute nothing.
    public func decodeBytes(_ tokens: [Int]) -> [UInt8] {
        var bytes: [UInt8] = []
        for token in tokens {
            if let piece = table.bytes(ofRank: token) { bytes.append(contentsOf: piece) }
        }
        return bytes
    }

    /// The text the tokens stand for (invalid UTF-8 at a cut through a character is replaced).
    public func decode(_ tokens: [Int]) -> String {
        String(decoding: decodeBytes(tokens), as: UTF8.self)
    }

    // MARK: - Pieces

    func appendTokens(of text: String, to tokens: inout [Int]) {
        var contiguous = text
        contiguous.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            if bytes.count >= PieceCache.minimumTextLength {
                var cache = PieceCache(text: base)
                preTokenizer.forEachPiece(in: bytes) { lower, upper in
                    forEachPieceToken(base, lower, upper - lower, cache: &cache) { tokens.append(Int($0)) }
                }
            } else {
                preTokenizer.forEachPiece(in: bytes) { lower, upper in
                    appendPieceTokens(base + lower, upper - lower, to: &tokens)
                }
            }
        }
    }

    @inline(__always)
    func pieceCount(_ piece: UnsafePointer<UInt8>, _ length: Int) -> Int {
        if length == 1 || table.rank(piece, length) != RankTable.absent { return 1 }
        return BytePairMerger.merge(piece, length, table: table) { _, parts in parts.count }
    }

    @inline(__always)
    func appendPieceTokens(_ piece: UnsafePointer<UInt8>, _ length: Int, to tokens: inout [Int]) {
        let whole = table.rank(piece, length)
        if whole != RankTable.absent {
            tokens.append(Int(whole))
            return
        }
        BytePairMerger.merge(piece, length, table: table) { _, parts in
            for rank in parts { tokens.append(Int(rank)) }
        }
    }

    /// The tokens of the piece at `offset`, through the piece cache for pieces that merge.
    @inline(__always)
    func forEachPieceToken(_ text: UnsafePointer<UInt8>, _ offset: Int, _ length: Int, cache: inout PieceCache,
                           _ body: (UInt32) -> Void) {
        let piece = text + offset
        let whole = table.rank(piece, length)
        if whole != RankTable.absent {
            body(whole)
            return
        }
        let hash = RankTable.hash(piece, length, prefix: RankTable.prefix(piece, length))
        if cache.withTokens(offset: offset, length: length, hash: hash, { for rank in $0 { body(rank) } }) { return }
        BytePairMerger.merge(piece, length, table: table) { _, parts in
            for rank in parts { body(rank) }
            cache.insert(offset: offset, length: length, hash: hash, ranks: parts)
        }
    }

    static func firstSpecial(in text: Substring, _ specials: [String: Int]) -> (Range<Substring.Index>, Int)? {
        var best: (Range<Substring.Index>, Int)?
        for (special, id) in specials {
            guard let range = text.range(of: special) else { continue }
            if let current = best, current.0.lowerBound <= range.lowerBound { continue }
            best = (range, id)
        }
        return best
    }
}
