import NIOCore

/// The bytes a connection has received and its parser has not consumed yet. A read that
/// arrives with nothing pending is kept as it is, so the slices handed out share its storage;
/// once everything is consumed the storage is let go, leaving those slices its only owners.
struct ReadBuffer {
    var bytes = ByteBuffer()

    var count: Int { bytes.readableBytes }

    mutating func append(_ read: ByteBuffer) {
        if bytes.readableBytes == 0 {
            bytes = read
        } else {
            var read = read
            bytes.writeBuffer(&read)
        }
    }

    mutating func releaseIfEmpty() {
        if bytes.readableBytes == 0, bytes.capacity > 0 { bytes = ByteBuffer() }
    }
}
