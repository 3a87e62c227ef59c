#if canImport(Glibc)
import Glibc
#endif

/// Gives memory the allocator holds but no longer uses back to the system. glibc keeps freed
/// heap (per thread arena) for reuse; after a one-off burst of work — loading a vocabulary,
/// warming the analysis caches — that is megabytes carried for the life of the daemon.
public enum FreedMemory {
    public static func release() {
        #if canImport(Glibc)
        // Looked up at run time: `malloc_trim` is glibc's, and not in Swift's Glibc module.
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
