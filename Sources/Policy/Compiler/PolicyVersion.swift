import Crypto

/// A snapshot's version: the first 12 hex digits of a SHA-256 over its source files (paths
/// and bytes). The same files always give the same version, on any machine.
enum PolicyVersion {
    static func of(_ sources: PolicySources) -> String {
        var hasher = SHA256()
        for file in sources.allFiles {
            let name = NSStringPath(file.path).lastComponent
            hasher.update(data: Array(name.utf8) + [0])
            hasher.update(data: Array(String(file.bytes.count).utf8) + [0])
            hasher.update(data: file.bytes)
        }
        return hasher.finalize().prefix(6).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The last path component, without Foundation.
struct NSStringPath {
    let path: String
    init(_ path: String) { self.path = path }
    var lastComponent: String { path.split(separator: "/").last.map(String.init) ?? path }
}

