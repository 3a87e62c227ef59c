import Foundation
import Gateway
import Hummingbird
import NIOCore
import Notify
import Policy
import Providers
import Recorder

/// Read API: status, usage summaries, recent calls, CSV export and Prometheus metrics.
struct APIRoutes {
    let services: AppServices

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/status") { _, _ in try await status() }
        router.get("/api/usage/recent") { request, _ in try await recent(request) }
        router.get("/api/usage/kpi") { request, _ in try await kpi(request) }
        router.get("/api/usage/daily") { request, _ in try await daily(request) }
        router.get("/api/usage/sources") { request, _ in try await sources(request) }
        router.get("/api/export/csv") { request, _ in exportCSV(request) }
        router.get("/api/usage/budget-status") { _, _ in budgetStatus() }
        router.get("/metrics") { _, _ in metrics() }
    }

    // MARK: - Handlers

    func status() async throws -> Response {
        let snapshot = services.snapshots.snapshot
        let reload = services.snapshots.reloadState
        let statistics = services.recorder.statistics
        let calls = try await services.store.callCount()
        var json = JSONText()
        json.beginObject()
        json.field("version", services.version)
        json.field("uptime_s", double: (Date().timeIntervalSince(services.startedAt) * 10).rounded() / 10)
        json.key("db")
        json.beginObject()
        json.field("path", services.store.path)
        json.field("calls", calls)
        json.field("size_bytes", services.store.sizeOnDisk())
        json.endObject()
        json.key("policy")
        json.beginObject()
        json.field("version", snapshot.version)
        json.field("loaded_at", Timestamps.rfc3339(snapshot.loadedAt))
        json.key("files")
        json.beginArray()
        for file in snapshot.files { json.string(file) }
        json.endArray()
        json.key("last_error")
        if let error = reload.lastError {
            json.beginObject()
            json.field("at", Timestamps.rfc3339(error.at))
            json.field("message", error.message)
            json.key("diagnostics")
            DiagnosticJSON.writeList(error.diagnostics, into: &json)
            json.endObject()
        } else {
            json.null()
        }
        json.field("reloads", reload.reloads)
        json.field("reload_failures", reload.failures)
        json.endObject()
        json.key("recorder")
        json.beginObject()
        json.field("accepted", statistics.accepted)
        json.field("written", statistics.written)
        json.field("pending", statistics.pending)
        json.field("dropped", statistics.dropped)
        json.field("write_errors", statistics.writeErrors)
        json.endObject()
        json.field("live_subscribers", services.liveBus.subscriberCount)
        json.field("retention_days", snapshot.storage.retentionDays.map(Int64.init))
        json.key("request_logging")
        json.beginObject()
        json.field("enabled", snapshot.logging.enabled)
        json.field("max_body_bytes", snapshot.logging.maxBodyBytes)
        json.field("dropped", services.requestLogs?.dropped ?? 0)
        json.endObject()
        if let dispatcher = services.notifier?.dispatcher {
            let webhooks = dispatcher.statistics
            json.key("webhooks")
            json.beginObject()
            json.field("enabled", snapshot.webhooks.enabled)
            json.field("queued", webhooks.queued)
            json.field("delivered", webhooks.delivered)
            json.field("failed", webhooks.failed)
            json.field("refused", webhooks.refused)
            json.field("dropped", webhooks.dropped)
            json.field("retries", webhooks.retries)
            json.endObject()
        }
        json.endObject()
        return .json(json.text)
    }

    func recent(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = RecentFilter(
            limit: query.get("limit", as: Int.self) ?? 50,
            source: query.get("source"), provider: query.get("provider"), model: query.get("model"),
            outcome: query.get("outcome"), beforeId: query.get("before"))
        let records = try await services.store.recent(filter)
        var json = JSONText(capacity: 800 * max(records.count, 1))
        json.beginArray()
        for record in records { CallRecordJSON.write(record, into: &json) }
        json.endArray()
        return .json(json.text)
    }

    func kpi(_ request: Request) async throws -> Response {
        let window = Self.window(request, default: 30)
        let totals = try await services.store.totals(in: window)
        let unpriced = try await services.store.unpricedModels(in: window)
        var json = JSONText()
        json.beginObject()
        json.field("days", window.days)
        json.field("from", Timestamps.rfc3339(micros: window.startMicros))
        json.field("to", Timestamps.rfc3339(micros: window.endMicros))
        UsageJSON.writeTotals(totals, into: &json)
        json.key("unpriced_models")
        json.beginArray()
        for model in unpriced { json.string(model) }
        json.endArray()
        json.endObject()
        return .json(json.text)
    }

    func daily(_ request: Request) async throws -> Response {
        let window = Self.window(request, default: 30)
        let days = try await services.store.daily(in: window)
        var json = JSONText(capacity: 600 * days.count)
        json.beginArray()
        for day in days {
            json.beginObject()
            json.field("date", day.date)
            UsageJSON.writeTotals(day.totals, into: &json)
            json.endObject()
        }
        json.endArray()
        return .json(json.text)
    }

    func sources(_ request: Request) async throws -> Response {
        let window = Self.window(request, default: 30)
        let sources = try await services.store.sources(in: window)
        var json = JSONText(capacity: 600 * max(sources.count, 1))
        json.beginArray()
        for source in sources {
            json.beginObject()
            json.field("source", source.source)
            json.field("last_seen", Timestamps.rfc3339(micros: source.lastSeenMicros))
            json.key("models")
            json.beginArray()
            for model in source.models { json.string(model) }
            json.endArray()
            UsageJSON.writeTotals(source.totals, into: &json)
            json.endObject()
        }
        json.endArray()
        return .json(json.text)
    }

    func exportCSV(_ request: Request) -> Response {
        let window = Self.window(request, default: 30)
        let store = services.store
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"tokenlens-\(window.days)d.csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: CallRecordJSON.csvColumns.joined(separator: ",") + "\r\n"))
            try await store.forEachCall(in: window) { page in
                var chunk = ""
                for record in page { chunk += CallRecordJSON.csvRow(record) }
                try await writer.write(ByteBuffer(string: chunk))
            }
            try await writer.finish(nil)
        })
    }

    /// Every limit of the live policy with what is spent, reserved by calls in flight, and left.
    func budgetStatus() -> Response {
        let snapshot = services.snapshots.snapshot
        let zone = TimeZone(identifier: snapshot.budget.timezone) ?? TimeZone(identifier: "UTC")!
        let windows = BudgetWindows(now: Date(), timeZone: zone)
        var json = JSONText()
        json.beginObject()
        json.field("timezone", zone.identifier)
        json.field("day", windows.dayKey)
        json.field("month", windows.monthKey)
        json.field("budget_enabled", snapshot.budget.enabled)
        json.field("policy_version", snapshot.version)
        json.key("limits")
        json.beginArray()
        for limit in LimitPlan.allLimits(snapshot: snapshot, windows: windows) {
            let (settled, reserved) = services.engine.ledger.usage(of: limit)
            json.beginObject()
            json.field("rule", limit.decision.rule)
            json.field("kind", limit.isCalls ? "calls" : "usd")
            json.field("action", limit.decision.action.rawValue)
            if limit.isCalls {
                json.field("limit", limit.cap)
                json.field("used", settled)
                json.field("reserved", reserved)
                json.field("remaining", max(0, limit.cap - settled - reserved))
            } else {
                json.field("limit", usd: limit.cap)
                json.field("spent", usd: settled)
                json.field("reserved", usd: reserved)
                json.field("remaining", usd: max(0, limit.cap - settled - reserved))
            }
            json.field("exceeded", settled + reserved >= limit.cap)
            json.field("resets_in_s", limit.decision.retryAfterSeconds)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json.text)
    }

    func metrics() -> Response {
        let snapshot = services.snapshots.snapshot
        let reload = services.snapshots.reloadState
        let bytes = services.metrics.render(recorder: services.recorder.statistics,
                                            policy: (snapshot.version, reload.reloads, reload.failures),
                                            liveSubscribers: services.liveBus.subscriberCount)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func window(_ request: Request, default days: Int) -> TimeWindow {
        TimeWindow(days: request.uri.queryParameters.get("days", as: Int.self) ?? days)
    }
}

extension Response {
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Shared JSON for usage totals.
enum UsageJSON {
    static func writeTotals(_ totals: UsageTotals, into json: inout JSONText) {
        json.field("calls", totals.calls)
        json.field("priced_calls", totals.pricedCalls)
        json.field("unpriced_calls", totals.unpricedCalls)
        json.field("errors", totals.errors)
        json.field("blocked", totals.blocked)
        json.field("cancelled", totals.cancelled)
        json.field("cost_usd", usd: totals.costPico)
        json.field("savings_usd", usd: totals.cacheSavingsPico)
        json.field("input_tokens", totals.inputTokens)
        json.field("output_tokens", totals.outputTokens)
        json.field("cache_read_tokens", totals.cacheReadTokens)
        json.field("cache_write_tokens", totals.cacheWriteTokens)
        json.field("reasoning_tokens", totals.reasoningTokens)
        json.key("cost_by_type")
        json.beginObject()
        json.field("input", usd: totals.costInputPico)
        json.field("output", usd: totals.costOutputPico)
        json.field("reasoning", usd: totals.costReasoningPico)
        json.field("cache_read", usd: totals.costCacheReadPico)
        json.field("cache_write", usd: totals.costCacheWritePico)
        json.endObject()
        json.field("cache_hit_rate", double: (totals.cacheHitRate * 10_000).rounded() / 10_000)
        json.field("avg_latency_ms", ms: totals.averageLatencyMs)
    }
}

enum DiagnosticJSON {
    static func writeList(_ diagnostics: [Diagnostic], into json: inout JSONText) {
        json.beginArray()
        for diagnostic in diagnostics {
            json.beginObject()
            json.field("file", diagnostic.file)
            json.field("line", diagnostic.line)
            json.field("column", diagnostic.column)
            json.field("severity", diagnostic.severity.rawValue)
            json.field("code", diagnostic.code)
            json.field("message", diagnostic.message)
            json.endObject()
        }
        json.endArray()
    }
}
