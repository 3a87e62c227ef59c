import Providers

/// Where finished calls go (the recorder, in the daemon). A call can arrive with its prompt
/// analysis still to be worked out: the sink decides where that work runs, so it need not run
/// on the event loop that relayed the answer.
public struct RecordSink: Sendable {
    public typealias Analysis = @Sendable () -> RequestAnalysis?

    private let deliver: @Sendable (CallRecord, Analysis?) -> Void

    public init(_ deliver: @escaping @Sendable (_ record: CallRecord, _ analyze: Analysis?) -> Void) {
        self.deliver = deliver
    }

    func record(_ record: CallRecord, analyze: Analysis? = nil) {
        deliver(record, analyze)
    }
}
