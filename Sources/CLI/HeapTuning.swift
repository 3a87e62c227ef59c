#if canImport(Glibc)
import CLibcExtras
#endif

/// How the daemon asks glibc's allocator to hold memory.
enum HeapTuning {
    /// Blocks of 256 KiB and more (large request bodies, the tokenizer's tables while they are
    /// built) get mappings of their own, which go back to the system when freed. By default
    /// glibc raises that threshold to the largest block freed so far, after which such blocks
    /// come from the heap and their pages stay resident: under load that was 3 MB of the daemon's
    /// RSS. Mapping a large block costs page faults, which a call that large hardly notices.
    static let mmapThreshold: Int32 = 256 * 1024

    static func applyForDaemon() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold)
        #endif
    }
}
