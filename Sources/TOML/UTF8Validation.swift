/// Checks that `bytes` is well-formed UTF-8 (no overlong forms, surrogates or values past
/// U+10FFFF). Returns the offset of the first bad byte (nil when valid) and whether the input
/// is pure ASCII. Done once up front so every later stage may assume valid UTF-8.
func validateUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> (invalidOffset: Int?, isASCII: Bool) {
    var index = 0
    let count = bytes.count
    var isASCII = true
    guard let base = bytes.baseAddress else { return (nil, true) }
    while index < count {
        // Eight ASCII bytes at a time: the common case for config files.
        if index + 8 <= count,
           UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
        {
            index += 8
            continue
        }
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            continue
        }
        isASCII = false
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: return (index, false)
        }
        if index + length > count { return (index, false) }
        let second = bytes[index + 1]
        if second < lower || second > upper { return (index, false) }
        var next = index + 2
        while next < index + length {
            if bytes[next] & 0xC0 != 0x80 { return (index, false) }
            next += 1
        }
        index += length
    }
    return (nil, isASCII)
}
