/// tiktoken's rank-based byte-pair merge of one pre-tokenized piece: repeatedly join the
/// adjacent pair whose concatenation has the lowest rank (the leftmost on a tie) until no pair
/// is a token. Short pieces use tiktoken's own array scan; long ones a heap that makes the same
/// choices in O(n log n), so a megabyte without spaces cannot stall the analysis.
enum BytePairMerger {
    /// Above this many bytes the quadratic scan costs more than the heap's bookkeeping.
    static let heapThreshold = 128

    /// Merges `piece` (at least two bytes) and calls `body` with the byte offsets where the
    /// final parts start (followed by the piece's length) and the parts' ranks.
    static func merge<Result>(_ piece: UnsafePointer<UInt8>, _ length: Int, table: RankTable,
                              _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<UInt32>) -> Result) -> Result {
        length > heapThreshold
            ? mergeWithHeap(piece, length, table: table, body)
            : mergeByScan(piece, length, table: table, body)
    }

    /// The rank of the span `start..<end` of the piece.
    @inline(__always)
    static func spanRank(_ piece: UnsafePointer<UInt8>, _ start: Int32, _ end: Int32, _ table: RankTable) -> UInt32 {
        table.rank(piece + Int(start), Int(end - start))
    }

    /// tiktoken's algorithm, step for step: `starts[k]` is where part k begins (the last entry
    /// is the end), `pairs[k]` the rank of part k joined with part k + 1, `parts[k]` the rank
    /// of part k itself (kept so the result needs no second lookup).
    static func mergeByScan<Result>(_ piece: UnsafePointer<UInt8>, _ length: Int, table: RankTable,
                                    _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<UInt32>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: length + 1) { starts in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * (length + 1)) { ranks in
                let pairs = UnsafeMutableBufferPointer(rebasing: ranks[..<(length + 1)])
                let parts = UnsafeMutableBufferPointer(rebasing: ranks[(length + 1)...])
                for index in 0...length { starts[index] = Int32(index) }
                for index in 0..<length { parts[index] = table.rank(ofByte: piece[index]) }
                for index in 0..<(length - 1) { pairs[index] = table.rank(ofPair: piece[index], piece[index + 1]) }
                pairs[length - 1] = RankTable.absent
                pairs[length] = RankTable.absent
                var count = length + 1
                while true {
                    var lowest = RankTable.absent
                    var at = -1
                    for index in 0..<(count - 1) where pairs[index] < lowest {
                        lowest = pairs[index]
                        at = index
                    }
                    if at < 0 { break }
                    if at > 0 { pairs[at - 1] = spanRank(piece, starts[at - 1], starts[at + 2], table) }
                    pairs[at] = at + 3 < count ? spanRank(piece, starts[at], starts[at + 3], table) : RankTable.absent
                    parts[at] = lowest
                    for index in (at + 1)..<(count - 1) {
                        starts[index] = starts[index + 1]
                        pairs[index] = pairs[index + 1]
                        parts[index] = parts[index + 1]
                    }
                    count -= 1
                }
                return body(UnsafeBufferPointer(rebasing: starts[..<count]),
                            UnsafeBufferPointer(rebasing: parts[..<(count - 1)]))
            }
        }
    }

    /// The same merge over a linked list of parts and a min-heap of (rank, start) keys. A
    /// part's start never moves, so ordering ties by start picks the leftmost pair, as the scan
    /// does; heap entries whose rank is no longer current are skipped when popped.
    static func mergeWithHeap<Result>(_ piece: UnsafePointer<UInt8>, _ length: Int, table: RankTable,
                                      _ body: (UnsafeBufferPointer<Int32>, UnsafeBufferPointer<UInt32>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: length + 1) { next in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: length) { previous in
                withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * length) { storage in
                    let ranks = UnsafeMutableBufferPointer(rebasing: storage[..<length])
                    let parts = UnsafeMutableBufferPointer(rebasing: storage[length...])
                    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 3 * length) { heapStorage in
                        let end = Int32(length)
                        var heap = MinHeap(storage: heapStorage)
                        for index in 0..<length {
                            next[index] = Int32(index + 1)
                            previous[index] = Int32(index - 1)
                            parts[index] = table.rank(ofByte: piece[index])
                            let rank = index + 1 < length ? table.rank(ofPair: piece[index], piece[index + 1]) : RankTable.absent
                            ranks[index] = rank
                            if rank != RankTable.absent { heap.push(UInt64(rank) << 32 | UInt64(index)) }
                        }
                        while let key = heap.pop() {
                            let at = Int(truncatingIfNeeded: key & 0xFFFF_FFFF)
                            let rank = UInt32(truncatingIfNeeded: key >> 32)
                            // Merged-away parts get `absent`, so one check covers dead and stale entries.
                            guard ranks[at] == rank else { continue }
                            let removed = Int(next[at])
                            let after = next[removed]
                            next[at] = after
                            ranks[removed] = RankTable.absent
                            parts[at] = rank
                            if after < end { previous[Int(after)] = Int32(at) }
                            // The merged part joined with the one after it…
                            let joined = after < end ? spanRank(piece, Int32(at), next[Int(after)], table) : RankTable.absent
                            ranks[at] = joined
                            if joined != RankTable.absent { heap.push(UInt64(joined) << 32 | UInt64(at)) }
                            // …and the part before it joined with the merged part.
                            let before = Int(previous[at])
                            if before >= 0 {
                                let rank = spanRank(piece, Int32(before), after, table)
                                ranks[before] = rank
                                if rank != RankTable.absent { heap.push(UInt64(rank) << 32 | UInt64(before)) }
                            }
                        }
                        // Compact the surviving parts to the front of `next` and `parts`, behind the walk.
                        var count = 0
                        var part: Int32 = 0
                        while part < end {
                            let following = next[Int(part)]
                            next[count] = part
                            parts[count] = parts[Int(part)]
                            count += 1
                            part = following
                        }
                        next[count] = end
                        return body(UnsafeBufferPointer(rebasing: next[...count]),
                                    UnsafeBufferPointer(rebasing: parts[..<count]))
                    }
                }
            }
        }
    }
}

/// A binary min-heap of packed keys in caller-provided storage (no allocation of its own).
struct MinHeap {
    let storage: UnsafeMutableBufferPointer<UInt64>
    private(set) var count = 0

    init(storage: UnsafeMutableBufferPointer<UInt64>) {
        self.storage = storage
    }

    mutating func push(_ key: UInt64) {
        var index = count
        count += 1
        while index > 0 {
            let parent = (index - 1) / 2
            if storage[parent] <= key { break }
            storage[index] = storage[parent]
            index = parent
        }
        storage[index] = key
    }

    mutating func pop() -> UInt64? {
        guard count > 0 else { return nil }
        let top = storage[0]
        count -= 1
        let last = storage[count]
        var index = 0
        while true {
            let left = 2 * index + 1
            if left >= count { break }
            let right = left + 1
            let child = right < count && storage[right] < storage[left] ? right : left
            if storage[child] >= last { break }
            storage[index] = storage[child]
            index = child
        }
        if count > 0 { storage[index] = last }
        return top
    }
}
