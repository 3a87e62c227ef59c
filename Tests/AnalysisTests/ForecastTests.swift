import Foundation
import Insights
import Providers
import Testing

/// The forecast against figures worked out by hand.
struct ForecastTests {
    static let dollar: Int64 = 1_000_000_000_000

    @Test func leastSquaresLineThroughKnownPoints() throws {
        // y = 2x + 1 exactly, then one point off the line.
        let exact = try #require(LinearFit([(0, 1), (1, 3), (2, 5), (3, 7)]))
        #expect(exact.slope == 2)
        #expect(exact.intercept == 1)
        #expect(exact.rSquared == 1)
        #expect(exact.residualStandardDeviation == 0)
        // (0,0) (1,1) (2,3): slope 1.5, intercept -1/6, residuals 1/6, -1/3, 1/6.
        let fit = try #require(LinearFit([(0, 0), (1, 1), (2, 3)]))
        #expect(abs(fit.slope - 1.5) < 1e-12)
        #expect(abs(fit.intercept + 1.0 / 6) < 1e-12)
        #expect(abs(fit.residualStandardDeviation - (1.0 / 18).squareRoot()) < 1e-12)
        #expect(LinearFit([(1, 1)]) == nil)
        #expect(LinearFit([(1, 1), (1, 2)]) == nil)
    }

    /// March 2026, on the 15th at noon; the 14 days before spent $1, $2, ... $14 (a perfect
    /// line, $1 more each day), today $7 so far. The trend puts today at $15 and day 15+k at
    /// $(15+k): the rest of today adds $7.50, days 16–31 add 16·15 + (1+…+16) = $376; spent so
    /// far 1+…+14 + 7 = $112; projected $495.50, with confidence 1 (perfect fit, 14 days).
    @Test func projectsALinearTrendToTheMonthEnd() {
        let recent = (1...14).map { Int64($0) * Self.dollar }
        let forecast = SpendForecast.forecast(daysInMonth: 31, dayOfMonth: 15, spendToDate: 112 * Self.dollar,
                                              spendToday: 7 * Self.dollar, recentDays: recent, todayElapsed: 0.5)
        #expect(forecast.projectedMonth == 495_500_000_000_000)
        #expect(forecast.projectedRemaining == 383_500_000_000_000)
        #expect(forecast.confidence == 1)
        #expect(forecast.direction == .rising)
        #expect(abs(forecast.slopePerDay - Double(Self.dollar)) < 1)
        #expect(abs(forecast.trendToday - 15 * Double(Self.dollar)) < 1)
        #expect(forecast.trendDays == 14)
    }

    /// A flat history forecasts flat spend; few days lower the confidence in proportion.
    @Test func confidenceFallsWithFewerDaysAndNoise() {
        let flat = SpendForecast.forecast(daysInMonth: 30, dayOfMonth: 10, spendToDate: 0, spendToday: 0,
                                          recentDays: Array(repeating: 2 * Self.dollar, count: 7), todayElapsed: 0)
        #expect(flat.direction == .flat)
        #expect(flat.confidence == 0.5)   // perfect fit × 7/14 days
        #expect(flat.projectedMonth == 21 * 2 * Self.dollar)   // today and 20 more days at $2
        // Alternating $1/$3: mean $2, the line is nearly flat and the residuals ~$1 → quality ~0.5.
        let noisy = SpendForecast.forecast(daysInMonth: 30, dayOfMonth: 20, spendToDate: 0, spendToday: 0,
                                           recentDays: (0..<14).map { ($0 % 2 == 0 ? 1 : 3) * Self.dollar }, todayElapsed: 0)
        #expect(noisy.confidence > 0.4 && noisy.confidence < 0.6)
        let empty = SpendForecast.forecast(daysInMonth: 30, dayOfMonth: 1, spendToDate: Self.dollar, spendToday: Self.dollar,
                                           recentDays: [], todayElapsed: 0.25)
        // Only today's pace ($1 in a quarter day → $4/day): 3/4 of today + 29 days.
        #expect(empty.projectedMonth == Self.dollar + 3 * Self.dollar + 29 * 4 * Self.dollar)
        #expect(empty.confidence == 0)
    }

    /// The same figures through the store and the endpoint.
    @Test func forecastEndpointFromStoredCalls() async throws {
        let fixture = try AnalysisFixture()
        var records: [CallRecord] = []
        for day in 1...14 {
            var record = AnalysisFixture.call("F\(day)", at: AnalysisFixture.micros(day: day - 15))
            record.cost = CostBreakdown(input: Int64(day) * Self.dollar)
            records.append(record)
        }
        var today = AnalysisFixture.call("F15", at: AnalysisFixture.micros(day: 0, hour: 6))
        today.cost = CostBreakdown(input: 7 * Self.dollar)
        records.append(today)
        // Last month: outside the month's spend, and outside the 14-day trend.
        var old = AnalysisFixture.call("F00", at: AnalysisFixture.micros(day: -20))
        old.cost = CostBreakdown(input: 1_000 * Self.dollar)
        records.append(old)
        try await fixture.insert(records)
        let json = try await fixture.get("/api/usage/forecast")
        #expect(json.string("month") == "2026-03")
        #expect(json.int("days_in_month") == 31)
        #expect(json.int("day_of_month") == 15)
        #expect(json.double("spend_to_date_usd") == 112)
        #expect(json.double("spend_today_usd") == 7)
        #expect(json.double("projected_month_usd") == 495.5)
        #expect(json.double("confidence") == 1)
        #expect(json.object("trend")?.string("direction") == "rising")
        #expect(json.object("trend")?.double("slope_usd_per_day") == 1)
        #expect(json.object("budget")?["monthly_limit_usd"] is NSNull)
    }
}
