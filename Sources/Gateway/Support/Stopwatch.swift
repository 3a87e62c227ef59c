import NIOCore

/// Monotonic milliseconds since a start point, for latency, time-to-first-byte and overhead.
public struct Stopwatch: Sendable {
    public let start: NIODeadline

    public init(start: NIODeadline = .now()) {
        self.start = start
    }

    public var elapsedMs: Double { Self.ms(from: start, to: .now()) }

    public static func ms(from: NIODeadline, to: NIODeadline) -> Double {
        Double((to - from).nanoseconds) / 1_000_000
    }
}
