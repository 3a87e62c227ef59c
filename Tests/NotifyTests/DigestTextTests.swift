@testable import Notify
import Providers
import Testing

/// `tokenlens report` prints the top sources and models as one table: every amount starts in
/// the same column, whatever the length of the names, and an overlong name is cut, not let
/// push its row out of line.
struct DigestTextTests {
    static func digest(models: [String], errors: Int = 0, loops: (count: Int, calls: Int) = (0, 0)) throws -> JSONValue {
        let rows = models.enumerated().map { index, model in
            #"{"model":"\#(model)","provider":"anthropic","cost_usd":\#(Double(index + 1) * 0.0123),"share_pct":\#(10 * (index + 1)),"calls":\#(index + 2)}"#
        }
        let json = """
            {"days":7,"from":"2026-11-23T00:00:00","to":"2026-11-30T00:00:00",
             "spend":{"cost_usd":1.5,"calls":12,"errors":\(errors),"blocked":0,"unpriced_calls":0},
             "source_count":2,"top_sources":[
               {"source":"claude-code","cost_usd":1.25,"share_pct":83.3,"calls":10},
               {"source":"ci","cost_usd":0.0042,"share_pct":0.3,"calls":2}],
             "model_count":\(models.count),"top_models":[\(rows.joined(separator: ","))],
             "retry_loops":{"count":\(loops.count),"calls":\(loops.calls)},"budget":{"month":"2026-11","month_to_date_usd":1.5}}
            """
        return try JSONReader.parse(Array(json.utf8))
    }

    /// Where each row's amount ends (amounts are right-aligned), for the rows of both lists.
    static func amountColumns(_ text: String) -> [Int] {
        text.split(separator: "\n").filter { ($0.hasSuffix(" calls") || $0.hasSuffix(" call")) && $0.hasPrefix("  ") }.map { line in
            let amount = line[line.firstIndex(of: "$")!...]
            return line.distance(from: line.startIndex, to: amount.firstIndex(of: " ") ?? amount.endIndex)
        }
    }

    @Test func longModelNamesWidenTheNameColumnForBothLists() throws {
        let text = DigestText.render(try Self.digest(models: ["claude-sonnet-4-5-20250929", "claude-haiku-4-5"]))
        let columns = Self.amountColumns(text)
        #expect(columns.count == 4)
        #expect(Set(columns).count == 1, "\(text)")
        #expect(text.contains("  claude-sonnet-4-5-20250929 (anthropic) "))
    }

    @Test func shortNamesKeepTheUsualWidth() throws {
        let text = DigestText.render(try Self.digest(models: ["gpt-5-mini"]))
        #expect(Set(Self.amountColumns(text)) == [2 + 32 + 1 + 10])
    }

    @Test func anOverlongNameIsCutAndTheColumnsHold() throws {
        let long = String(repeating: "fine-tuned-", count: 8) + "model"
        let text = DigestText.render(try Self.digest(models: [long, "gpt-5"]))
        #expect(Set(Self.amountColumns(text)).count == 1, "\(text)")
        #expect(text.contains("…"))
        #expect(!text.contains(long))
    }

    @Test func countsAgreeWithTheirNouns() throws {
        let text = DigestText.render(try Self.digest(models: ["gpt-5"], errors: 1, loops: (1, 1)))
        #expect(text.contains("(1 error, 0 blocked"), "\(text)")
        #expect(text.contains("Retry loops  1 (1 call)"), "\(text)")
        #expect(text.contains("  2 calls\n"), "\(text)")
        #expect(DigestText.render(try Self.digest(models: ["gpt-5"], errors: 2)).contains("(2 errors, 0 blocked"))
        #expect(NumberText.counted(0, "error") == "0 errors")
        #expect(NumberText.counted(1, "unpriced call") == "1 unpriced call")
        #expect(NumberText.counted(12_345, "call") == "12,345 calls")
        #expect(NumberText.counted(2, "match", plural: "matches") == "2 matches")
    }
}
