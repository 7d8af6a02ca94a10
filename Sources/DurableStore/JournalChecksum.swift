import Foundation

/// Each journal line ends with a tab and the CRC-32 of its JSON, so that a byte changed on disk
/// (a failing disk, a careless edit) is found, even when the line is still valid JSON. JSON as
/// written never holds a raw tab (the encoder escapes it in strings), so the tab marks the
/// checksum unambiguously; a line without one was written before checksums and is read as it is.
enum JournalChecksum {
    static func seal(_ json: Data) -> Data {
        var line = json
        line.append(0x09)
        line.append(contentsOf: hex(crc32(json)).utf8)
        return line
    }

    /// The JSON of a line, or nil when its checksum does not match.
    static func open(_ line: Data) -> Data? {
        guard let tab = line.lastIndex(of: 0x09) else { return line }
        let json = line[line.startIndex..<tab]
        let written = String(decoding: line[line.index(after: tab)...], as: UTF8.self)
        return written == hex(crc32(json)) ? Data(json) : nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// CRC-32 (IEEE 802.3, as zlib computes it).
    static func crc32<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
}
