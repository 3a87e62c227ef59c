import Foundation
import Glibc

/// Watches folders with inotify and reports, debounced, that something relevant changed.
///
/// Editors save in different ways: in place (`IN_CLOSE_WRITE`), by writing a temporary file
/// and renaming it over the original (`IN_MOVED_TO`), or, like vim, by moving the original to
/// a backup and creating a new file (`IN_CREATE` + `IN_CLOSE_WRITE`). Watching the folders
/// rather than the files catches all of them, and a file that is replaced keeps being
/// watched. Bursts (several events per save) are merged: `onChange` runs once the folder has
/// been quiet for `quietPeriod`.
public final class FileWatcher: @unchecked Sendable {
    // Safety: `fd` and `running` are touched only by the watcher thread after `start`, and by
    // `stop`, which only clears `running` and closes the descriptor the thread polls.
    private let fd: Int32
    private let quietPeriod: TimeInterval
    private let isRelevant: @Sendable (_ directory: String, _ name: String) -> Bool
    private let onChange: @Sendable () -> Void
    private var watches: [Int32: String] = [:]
    private let lock = NSLock()
    private var running = false

    public enum WatchError: Error, CustomStringConvertible {
        case unavailable(Int32)
        case cannotWatch(String, Int32)

        public var description: String {
            switch self {
            case .unavailable(let code): "inotify is unavailable (errno \(code)); reload with SIGHUP instead"
            case .cannotWatch(let path, let code): "cannot watch \(path) (errno \(code))"
            }
        }
    }

    public init(directories: [String], quietPeriod: TimeInterval = 0.01,
                isRelevant: @escaping @Sendable (_ directory: String, _ name: String) -> Bool,
                onChange: @escaping @Sendable () -> Void) throws(WatchError) {
        let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw .unavailable(errno) }
        fd = descriptor
        self.quietPeriod = quietPeriod
        self.isRelevant = isRelevant
        self.onChange = onChange
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ATTRIB)
        for directory in Set(directories) {
            let watch = inotify_add_watch(descriptor, directory, mask)
            guard watch >= 0 else {
                let code = errno
                close(descriptor)
                throw .cannotWatch(directory, code)
            }
            watches[watch] = directory
        }
    }

    deinit {
        stop()
    }

    /// Starts the watcher thread.
    public func start() {
        lock.lock()
        guard !running else { lock.unlock(); return }
        running = true
        lock.unlock()
        let thread = Thread { [self] in loop() }
        thread.name = "tokenlens.policy-watcher"
        thread.start()
    }

    public func stop() {
        lock.lock()
        let wasRunning = running
        running = false
        lock.unlock()
        if !wasRunning { close(fd) }
    }

    private var isRunning: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running
    }

    private func loop() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var pendingSince: Date?
        while isRunning {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            // Wake often enough to notice `stop`, and to fire a pending debounced change.
            let timeout: Int32 = pendingSince == nil ? 250 : Int32(max(1, quietPeriod * 1000 / 2))
            let ready = poll(&descriptor, 1, timeout)
            if ready > 0 && readEvents(into: &buffer) {
                pendingSince = Date()
                continue
            }
            if let since = pendingSince, Date().timeIntervalSince(since) >= quietPeriod {
                pendingSince = nil
                onChange()
            }
        }
        close(fd)
    }

    /// Drains the queued events; true if any concerned a relevant file.
    private func readEvents(into buffer: inout [UInt8]) -> Bool {
        var relevant = false
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return relevant }
            var offset = 0
            let headerSize = MemoryLayout<inotify_event>.size
            while offset + headerSize <= count {
                let (watch, nameLength) = buffer.withUnsafeBytes { raw -> (Int32, Int) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, Int(event.len))
                }
                let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + nameLength)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                if let directory = watches[watch], isRelevant(directory, name) { relevant = true }
                offset += headerSize + nameLength
            }
        }
    }
}
