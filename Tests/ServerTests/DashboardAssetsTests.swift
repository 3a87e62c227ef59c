import Foundation
import Testing
@testable import Server

/// The dashboard is edited in `dashboard/` and embedded by `scripts/embed-dashboard.py`; these
/// tests fail when the generated `DashboardAssets.swift` no longer matches the folder, and check
/// what the routes serve.
struct DashboardAssetsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("dashboard")

    /// Every file of the folder, keyed by its path relative to it (as the script keys them).
    static func filesOnDisk() throws -> [String: String] {
        var files: [String: String] = [:]
        let base = folder.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let url as URL in walker {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true,
                  !url.lastPathComponent.hasPrefix(".") else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
            files[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        return files
    }

    @Test func generatedFileMatchesTheFolder() throws {
        let disk = try Self.filesOnDisk()
        #expect(!disk.isEmpty, "no files in \(Self.folder.path)")
        let embedded = DashboardAssets.files
        let hint = "run scripts/embed-dashboard.py"
        #expect(Set(embedded.keys) == Set(disk.keys), "the embedded file list differs from dashboard/: \(hint)")
        for (path, text) in disk {
            #expect(embedded[path] == text, "dashboard/\(path) changed since it was embedded: \(hint)")
        }
    }

    @Test func everyFileHasAKnownContentType() {
        for path in DashboardAssets.files.keys {
            #expect(DashboardRoutes.contentType(of: path) != "application/octet-stream", "\(path) would be served as bytes")
        }
        #expect(DashboardRoutes.contentType(of: "app.js") == "text/javascript; charset=utf-8")
        #expect(DashboardRoutes.contentType(of: "index.html") == "text/html; charset=utf-8")
    }

    @Test func pagesReferenceOnlyEmbeddedAssets() throws {
        let index = try #require(DashboardAssets.files["index.html"])
        let references = index.matches(of: /(?:src|href)="\/assets\/([^"]+)"/).map { String($0.output.1) }
        #expect(!references.isEmpty)
        for reference in references {
            #expect(DashboardAssets.files[reference] != nil, "index.html refers to /assets/\(reference), which is not embedded")
        }
        // No inline script or style: the Content-Security-Policy would refuse them.
        #expect(!index.contains("<script>") && !index.contains("style="))
        for (path, text) in DashboardAssets.files where path.hasSuffix(".js") {
            for match in text.matches(of: /from "(\.{1,2}\/[^"]+)"/) {
                let target = URL(fileURLWithPath: "/" + path).deletingLastPathComponent()
                    .appendingPathComponent(String(match.output.1)).standardizedFileURL.path.dropFirst()
                #expect(DashboardAssets.files[String(target)] != nil, "\(path) imports \(match.output.1), which is not embedded")
            }
        }
    }

    @Test func securityHeadersForbidInlineCodeAndFraming() {
        let headers = DashboardRoutes.securityHeaders(authority: "127.0.0.1:8420")
        let policy = headers[.contentSecurityPolicy] ?? ""
        #expect(policy.contains("default-src 'none'"))
        #expect(policy.contains("script-src 'self'"))
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
        #expect(policy.contains("connect-src 'self' ws://127.0.0.1:8420"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(headers[.xContentTypeOptions] == "nosniff")
        // An authority that could smuggle a directive is left out rather than echoed.
        #expect(!(DashboardRoutes.securityHeaders(authority: "evil; script-src *")[.contentSecurityPolicy] ?? "").contains("evil"))
    }

    @Test func eTagsFollowTheContent() {
        let one = DashboardRoutes(files: ["index.html": "<p>a</p>"]).assets["index.html"]!.eTag
        let same = DashboardRoutes(files: ["index.html": "<p>a</p>"]).assets["index.html"]!.eTag
        let other = DashboardRoutes(files: ["index.html": "<p>b</p>"]).assets["index.html"]!.eTag
        #expect(one == same && one != other)
        #expect(one.hasPrefix("\"") && one.hasSuffix("\""))
    }
}
