/// Which way a series is heading over its window, judged from its least-squares line.
public enum TrendDirection: String, Sendable, Equatable {
    case rising
    case falling
    case flat
    case insufficientData = "insufficient_data"

    /// `rising`/`falling` when the fitted line changes by more than `threshold` across the
    /// window, relative to `scale` (for example the series mean), else `flat`.
    public static func of(_ fit: LinearFit?, span: Double, scale: Double, threshold: Double) -> TrendDirection {
        guard let fit else { return .insufficientData }
        guard scale > 0 else { return fit.slope > 0 ? .rising : .flat }
        let change = fit.slope * span / scale
        if change > threshold { return .rising }
        if change < -threshold { return .falling }
        return .flat
    }
}
