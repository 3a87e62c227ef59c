import NIOCore
import NIOHTTP1
import Providers

/// A provider's response head as it arrived: the status, and the header lines left in the
/// bytes they came in. Most answers pass through untouched, so their headers are written on
/// to the client from these bytes (`writeProxyResponseHead(status:forwarding:…)`) rather than
/// each becoming two strings first; a real provider sends twenty or more.
struct UpstreamResponseHead {
    var status: Int
    /// The head's bytes, from the status line to the empty line that ends it.
    let bytes: ByteBuffer
    let fields: [HeadFields.Field]

    /// The value of the first field named `name` (given in lower case; the field's case is ignored).
    func first(name: StaticString) -> String? {
        bytes.withUnsafeReadableBytes { bytes in
            fields.first { UnsafeRawBufferPointer(rebasing: bytes[$0.name]).equalsIgnoringASCIICase(name) }
                .map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0.value]), as: UTF8.self) }
        }
    }

    func contains(name: StaticString) -> Bool {
        bytes.withUnsafeReadableBytes { bytes in
            fields.contains { UnsafeRawBufferPointer(rebasing: bytes[$0.name]).equalsIgnoringASCIICase(name) }
        }
    }

    /// Every field as `HTTPHeaders`, for the paths that keep or inspect them (request logs,
    /// dedup replays, answers held for guardrails).
    var headers: HTTPHeaders {
        bytes.withUnsafeReadableBytes { HeadFields.headers(fields, in: $0) }
    }

    func forEachField(_ body: (_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeReadableBytes { bytes in
            for field in fields {
                body(UnsafeRawBufferPointer(rebasing: bytes[field.name]), UnsafeRawBufferPointer(rebasing: bytes[field.value]))
            }
        }
    }
}
