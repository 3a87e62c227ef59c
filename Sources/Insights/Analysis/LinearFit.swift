/// An ordinary least-squares line through points, with how well it fits. Used for the spend
/// trend of the forecast and the direction of the cache hit rate.
public struct LinearFit: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    /// Share of the variance the line explains (1 when the points have no variance at all).
    public var rSquared: Double
    /// Standard deviation of the residuals.
    public var residualStandardDeviation: Double
    public var count: Int

    /// The fit of `points`, or nil with fewer than two points or all at one x.
    public init?(_ points: [(x: Double, y: Double)]) {
        let n = Double(points.count)
        guard points.count >= 2 else { return nil }
        let meanX = points.reduce(0) { $0 + $1.x } / n
        let meanY = points.reduce(0) { $0 + $1.y } / n
        var sxx = 0.0
        var sxy = 0.0
        var syy = 0.0
        for point in points {
            let dx = point.x - meanX
            let dy = point.y - meanY
            sxx += dx * dx
            sxy += dx * dy
            syy += dy * dy
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = meanY - slope * meanX
        var residuals = 0.0
        for point in points {
            let residual = point.y - (intercept + slope * point.x)
            residuals += residual * residual
        }
        rSquared = syy == 0 ? 1 : max(0, 1 - residuals / syy)
        residualStandardDeviation = (residuals / n).squareRoot()
        count = points.count
    }

    public func predict(_ x: Double) -> Double { intercept + slope * x }
}
