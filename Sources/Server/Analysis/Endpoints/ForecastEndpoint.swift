import Insights
import Recorder

/// `GET /api/usage/forecast`: this month's spend so far, the daily trend, the projected month
/// and a confidence figure, against the monthly budget when one is set.
enum ForecastEndpoint {
    static func reply(_ service: AnalysisService, _ query: AnalysisQuery) async throws -> AnalysisAPI.Reply {
        let result = try await service.forecast()
        let forecast = result.forecast
        var json = JSONText()
        json.beginObject()
        json.field("month", result.month)
        json.field("days_in_month", forecast.daysInMonth)
        json.field("day_of_month", forecast.dayOfMonth)
        json.field("spend_to_date_usd", usd: forecast.spendToDate)
        json.field("spend_today_usd", usd: forecast.spendToday)
        json.field("daily_average_usd", usdDouble: forecast.dailyAverage)
        json.key("trend")
        json.beginObject()
        json.field("direction", forecast.direction.rawValue)
        json.field("slope_usd_per_day", usdDouble: forecast.slopePerDay)
        json.field("today_usd", usdDouble: forecast.trendToday)
        json.field("days", forecast.trendDays)
        json.field("r_squared", double: AnalysisJSON.ratio(forecast.rSquared))
        json.endObject()
        json.field("projected_month_usd", usd: forecast.projectedMonth)
        json.field("projected_remaining_usd", usd: forecast.projectedRemaining)
        json.field("confidence", double: AnalysisJSON.ratio(forecast.confidence))
        json.key("budget")
        json.beginObject()
        json.field("monthly_limit_usd", usd: result.monthlyBudgetPico)
        json.field("daily_limit_usd", usd: result.dailyBudgetPico)
        if let limit = result.monthlyBudgetPico, limit > 0 {
            json.field("projected_share", double: AnalysisJSON.ratio(Double(forecast.projectedMonth) / Double(limit)))
            json.field("projected_over", forecast.projectedMonth > limit)
        } else {
            json.key("projected_share"); json.null()
            json.key("projected_over"); json.null()
        }
        json.endObject()
        json.endObject()
        return AnalysisJSON.reply(json)
    }
}
