import Foundation
import Notify
import Testing

struct DigestScheduleTests {
    // 2025-02-02 is a Sunday.
    static let sundayNoonUTC = Date(timeIntervalSince1970: 1_738_497_600)

    @Test func dueOnSundaysInTheBudgetZone() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(DigestSchedule.duePeriod(now: Self.sundayNoonUTC, timeZone: utc) == "2025-02-02")
        #expect(DigestSchedule.duePeriod(now: Self.sundayNoonUTC.addingTimeInterval(86_400), timeZone: utc) == nil)
        #expect(DigestSchedule.duePeriod(now: Self.sundayNoonUTC.addingTimeInterval(-86_400), timeZone: utc) == nil)
        // Sunday 23:00 UTC is already Monday in Tokyo, and still Sunday in Los Angeles.
        let lateSunday = Self.sundayNoonUTC.addingTimeInterval(11 * 3600)
        #expect(DigestSchedule.duePeriod(now: lateSunday, timeZone: try #require(TimeZone(identifier: "Asia/Tokyo"))) == nil)
        #expect(DigestSchedule.duePeriod(now: lateSunday, timeZone: try #require(TimeZone(identifier: "America/Los_Angeles"))) == "2025-02-02")
    }
}
