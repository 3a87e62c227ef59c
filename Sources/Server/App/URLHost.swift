/// A host as it is written in a URL: an IPv6 address in brackets (`::1` → `[::1]`), any other
/// host (or an address already bracketed) as it is.
public enum URLHost {
    public static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
