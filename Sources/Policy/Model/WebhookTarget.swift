import Foundation

/// Where a webhook may go: an absolute `http` or `https` URL, without credentials, whose host
/// is on `[webhooks] allow_hosts`. Checked when the config is compiled and again right before
/// each delivery, so a URL that slipped past one check never receives spend data.
public enum WebhookTarget {
    /// Why a webhook URL is refused, in words a user can act on.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case notAbsolute
        case scheme(String)
        case credentials
        case hostNotAllowed(host: String, allowed: [String])

        public var description: String {
            switch self {
            case .notAbsolute:
                "must be an absolute URL such as https://hooks.example.com/tokenlens"
            case .scheme(let scheme):
                "must use http or https, not \(scheme)"
            case .credentials:
                "must not carry a user name or password; sign deliveries with `webhooks.secret` instead"
            case .hostNotAllowed(let host, let allowed):
                allowed.isEmpty
                    ? "points at \(host), but `webhooks.allow_hosts` is empty: add \"\(host)\" to it to allow deliveries there"
                    : "points at \(host), which is not in `webhooks.allow_hosts` (\(allowed.joined(separator: ", "))): add \"\(host)\" to allow it"
            }
        }

        /// The diagnostic code.
        public var code: String {
            switch self {
            case .hostNotAllowed: "webhook-host-not-allowed"
            default: "invalid-url"
            }
        }

        public var isHostRefusal: Bool {
            if case .hostNotAllowed = self { return true }
            return false
        }
    }

    /// Nil when `url` may receive webhooks under `allowHosts`.
    public static func problem(_ url: String, allowHosts: [String]) -> Problem? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), let rawHost = parsed.host, !rawHost.isEmpty else {
            return .notAbsolute
        }
        guard scheme == "http" || scheme == "https" else { return .scheme(scheme) }
        guard parsed.user == nil, parsed.password == nil else { return .credentials }
        let host = normalised(rawHost)
        guard allowHosts.contains(where: { matches(host: host, entry: $0) }) else {
            return .hostNotAllowed(host: host, allowed: allowHosts)
        }
        return nil
    }

    /// An `allow_hosts` entry is a host name or IP address, or `*.domain` for every subdomain
    /// of `domain`. Nil when `entry` is one.
    public static func allowEntryProblem(_ entry: String) -> String? {
        let host = entry.hasPrefix("*.") ? String(entry.dropFirst(2)) : normalised(entry)
        if host.isEmpty { return "is empty; write a host name such as hooks.example.com" }
        if host.contains("*") { return "may use `*` only as a leading `*.` (\"*.example.com\")" }
        if host.contains("/") || host.contains("@") || host.contains(" ") {
            return "must be a bare host name such as hooks.example.com, without scheme, path or port"
        }
        // A colon outside brackets is a port unless the entry is an IPv6 address.
        if host.contains(":"), !isIPv6(host) { return "must not carry a port; ports are not restricted" }
        return nil
    }

    /// Case-insensitive exact match, or a subdomain match for `*.domain` (never the bare domain
    /// itself, so `*.example.com` does not quietly allow `example.com`).
    public static func matches(host: String, entry: String) -> Bool {
        let host = normalised(host)
        if entry.hasPrefix("*.") {
            let domain = normalised(String(entry.dropFirst(2)))
            return !domain.isEmpty && host.hasSuffix("." + domain)
        }
        return host == normalised(entry)
    }

    /// Lower case, without IPv6 brackets or a trailing dot.
    static func normalised(_ host: String) -> String {
        var value = host.lowercased()
        if value.hasPrefix("["), value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
        if value.hasSuffix(".") { value.removeLast() }
        return value
    }

    static func isIPv6(_ host: String) -> Bool {
        host.filter { $0 == ":" }.count >= 2 && host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
