/// The daily cache hit rate and whether it is improving or degrading: the least-squares line
/// through the days that had prompt tokens must move by at least `threshold` (absolute, e.g.
/// 5 points) across the window, with at least `minimumDays` days of data.
public struct CacheTrend: Sendable, Equatable {
    public enum Direction: String, Sendable {
        case improving, degrading, stable
        case insufficientData = "insufficient_data"
    }

    public var direction: Direction
    /// Change of the hit rate per day (fitted).
    public var slopePerDay: Double
    /// Fitted change across the days with data.
    public var change: Double
    public var firstRate: Double?
    public var lastRate: Double?
    public var days: Int

    /// - Parameter rates: the hit rate of each day of the window in order, nil for days without prompts.
    public static func of(_ rates: [Double?], threshold: Double = 0.05, minimumDays: Int = 3) -> CacheTrend {
        let points = rates.enumerated().compactMap { index, rate in rate.map { (x: Double(index), y: $0) } }
        let known = rates.compactMap { $0 }
        guard points.count >= minimumDays, let fit = LinearFit(points), let first = points.first, let last = points.last else {
            return CacheTrend(direction: .insufficientData, slopePerDay: 0, change: 0, firstRate: known.first,
                              lastRate: known.last, days: points.count)
        }
        let change = fit.slope * (last.x - first.x)
        let direction: Direction = change >= threshold ? .improving : (change <= -threshold ? .degrading : .stable)
        return CacheTrend(direction: direction, slopePerDay: fit.slope, change: change, firstRate: first.y,
                          lastRate: last.y, days: points.count)
    }
}
