import Foundation
import Synchronization

/// Hands out tokenizers, reading each vocabulary on first use and keeping it for the life of
/// the store (parsing o200k takes tens of milliseconds and ~10 MB, so it happens once).
/// `bundled` reads the files shipped as this module's resources; `init(directory:)` reads a
/// folder. A vocabulary that cannot be found or read yields nil (callers then estimate) and
/// the reason stays available from `loadError(for:)`.
public final class VocabularyStore: Sendable {
    /// The vocabularies shipped with the module. A process-wide lazy constant on purpose: the
    /// tables are immutable, and loading them per component would multiply the cost.
    public static let bundled = VocabularyStore(location: .bundle)

    enum Location: Sendable {
        case bundle
        case directory(URL)
    }

    enum State: Sendable {
        case unloaded
        case loaded(BPETokenizer)
        case failed(BPETokenizer.LoadError)
    }

    private let location: Location
    private let o200k = Mutex<State>(.unloaded)
    private let cl100k = Mutex<State>(.unloaded)

    init(location: Location) {
        self.location = location
    }

    /// A store over a folder holding `o200k_base.tiktoken` and `cl100k_base.tiktoken`.
    public convenience init(directory: URL) {
        self.init(location: .directory(directory))
    }

    /// The encoding's tokenizer, loading it on the first call (concurrent first callers wait
    /// for one load); nil when its vocabulary is missing or malformed.
    public func tokenizer(for encoding: TokenEncoding) -> BPETokenizer? {
        withState(encoding) { state in
            if case .unloaded = state { state = load(encoding) }
            if case .loaded(let tokenizer) = state { return tokenizer }
            return nil
        }
    }

    /// Why `tokenizer(for:)` returned nil, once it has been asked.
    public func loadError(for encoding: TokenEncoding) -> BPETokenizer.LoadError? {
        withState(encoding) { state in
            if case .failed(let error) = state { return error }
            return nil
        }
    }

    private func withState<Result: Sendable>(_ encoding: TokenEncoding, _ body: (inout State) -> Result) -> Result {
        switch encoding {
        case .o200kBase: o200k.withLock { body(&$0) }
        case .cl100kBase: cl100k.withLock { body(&$0) }
        }
    }

    private func load(_ encoding: TokenEncoding) -> State {
        let file = "\(encoding.resourceName).tiktoken"
        let candidates: [URL]
        switch location {
        case .directory(let directory):
            candidates = [directory.appendingPathComponent(file)]
        case .bundle:
            candidates = Self.bundledCandidates(file: file, encoding: encoding)
        }
        var lastError = BPETokenizer.LoadError.unreadable(path: candidates.first?.path ?? file)
        for url in candidates where FileManager.default.fileExists(atPath: url.path) {
            do {
                let tokenizer = try BPETokenizer(encoding: encoding, contentsOf: url)
                // Reading the file and building the table leave a few MB of freed heap behind.
                FreedMemory.release()
                return .loaded(tokenizer)
            } catch {
                lastError = error
            }
        }
        return .failed(lastError)
    }

    /// The resource in `Bundle.module`, then the module's source folder (a binary run from its
    /// build tree). SwiftPM's generated `Bundle.module` traps when the resource bundle is
    /// missing, as it is beside a binary copied on its own, so it is touched only once a
    /// `*_Insights.resources` (or `.bundle`) folder is seen beside the executable.
    static func bundledCandidates(file: String, encoding: TokenEncoding) -> [URL] {
        var candidates: [URL] = []
        if resourceBundleIsBesideExecutable(),
           let url = Bundle.module.url(forResource: encoding.resourceName, withExtension: "tiktoken", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: encoding.resourceName, withExtension: "tiktoken") {
            candidates.append(url)
        }
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(sources.appendingPathComponent("Resources").appendingPathComponent(file))
        return candidates
    }

    static func resourceBundleIsBesideExecutable() -> Bool {
        let folder = Bundle.main.bundleURL
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
        return names.contains { $0.hasSuffix("_Insights.resources") || $0.hasSuffix("_Insights.bundle") }
    }
}
