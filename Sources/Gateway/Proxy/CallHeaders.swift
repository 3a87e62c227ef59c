import NIOHTTP1

/// The headers TokenLens adds to every answer it passes on: the call's id (to find the call
/// in the API) and the policy version that decided it.
struct CallHeaders {
    var requestID: String
    var policyVersion: String

    /// The same pair as a header list, for answers built as `HTTPHeaders`.
    var fields: HTTPHeaders {
        [ProxyEngine.requestIDHeader: requestID, ProxyEngine.policyHeader: policyVersion]
    }
}
