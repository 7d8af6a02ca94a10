import Foundation

/// The snapshot file, written and read in pieces so that memory stays close to the state's own size.
///
/// Format 2 (JSON lines):
///
///     {"lastSequence":812,"snapshotFormat":2}     the header
///     {...}                                        one segment of the state per line
///     {"segments":20417}                           the closing line: how many segments came before
///
/// The closing line tells a complete file from one cut short at a line boundary (a truncated copy),
/// which would otherwise read as a smaller, valid state.
///
/// Format 1 (before segments): one JSON object `{"lastSequence":...,"state":...}` on one line.
/// It is still read, whole, and the next snapshot replaces it in format 2.
enum SnapshotFile<Snapshot: SegmentedSnapshot> {
    static var format: Int { 2 }

    struct Header: Codable {
        var snapshotFormat: Int
        var lastSequence: Int
    }

    struct Closing: Codable {
        var segments: Int
    }

    struct Legacy: Decodable {
        var lastSequence: Int
        var state: Snapshot
    }

    /// Bytes written or read at a time.
    static var chunkSize: Int { 64 * 1024 }

    /// Writes `snapshot` to `path` and fsyncs it; the caller renames it into place.
    /// On failure the partial file is removed.
    static func write(_ snapshot: Snapshot, lastSequence: Int, to path: String) throws {
        let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            defer { Glibc.close(fd) }
            var writer = LineWriter(fd: fd, path: path, chunkSize: chunkSize)
            try writer.write(Header(snapshotFormat: format, lastSequence: lastSequence))
            var segments = 0
            try snapshot.forEachSegment { segment in
                try writer.write(segment)
                segments += 1
            }
            try writer.write(Closing(segments: segments))
            try writer.flush()
            try FileIO.fsync(fd, path: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// The snapshot at `path` and the last sequence number it covers, nil if there is none.
    static func read(_ path: String) throws -> (lastSequence: Int, state: Snapshot)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { Glibc.close(fd) }
        var reader = LineReader(fd: fd, path: path, chunkSize: chunkSize)
        let decoder = JSONDecoder.store
        // A format 2 header is a few dozen bytes, so it is whole in the first chunk; format 1 has no
        // line break before its end.
        guard let first = try reader.firstLineInFirstChunk(),
              let header = try? decoder.decode(Header.self, from: first) else {
            return try readLegacy(path)
        }
        func damaged(_ reason: String, line: Int? = nil) -> StoreError {
            .corruptSnapshot(file: path, line: line ?? reader.lineNumber, reason: reason)
        }
        guard (0..<largestSequence).contains(header.lastSequence) else {
            throw damaged("its last sequence \(header.lastSequence) is beyond any real journal", line: 1)
        }
        guard header.snapshotFormat == format else {
            throw damaged("it is in format \(header.snapshotFormat), which this mentorbot does not read; use the version that wrote it")
        }
        var segments = 0
        var closed = false
        let next = { () throws -> Snapshot.Segment? in
            if closed { return nil }
            guard let line = try reader.nextLine() else {
                throw damaged("it ends without its closing line: the file is incomplete", line: reader.lineNumber + 1)
            }
            guard line.terminated else {
                throw damaged("the last line is cut short: the file is incomplete")
            }
            if try reader.isAtEnd() {
                guard let closing = try? decoder.decode(Closing.self, from: line.bytes) else {
                    throw damaged("the last line is not the closing line: the file is incomplete")
                }
                guard closing.segments == segments else {
                    throw damaged("the closing line counts \(closing.segments) segments but \(segments) came before it")
                }
                closed = true
                return nil
            }
            do {
                let segment = try decoder.decode(Snapshot.Segment.self, from: line.bytes)
                segments += 1
                return segment
            } catch {
                throw damaged("the line cannot be read as part of the state: \(Self.describe(error))")
            }
        }
        let state: Snapshot
        do {
            state = try Snapshot(segments: next)
        } catch let error as StoreError {
            throw error
        } catch {
            throw damaged("the state cannot be rebuilt from it: \(Self.describe(error))")
        }
        guard closed else {
            throw damaged("the state was rebuilt before the end of the file: lines follow that it did not take")
        }
        return (header.lastSequence, state)
    }

    private static func readLegacy(_ path: String) throws -> (lastSequence: Int, state: Snapshot)? {
        guard let data = try FileIO.readAll(path) else { return nil }
        do {
            let file = try JSONDecoder.store.decode(Legacy.self, from: data)
            return (file.lastSequence, file.state)
        } catch {
            throw StoreError.corruptSnapshot(file: path, line: nil, reason: "cannot be decoded: \(error)")
        }
    }

    /// A decoding error in one line, without the whole coding path's noise.
    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
             DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// Encodes values one per line into a buffer written out a chunk at a time.
struct LineWriter {
    let fd: Int32
    let path: String
    let chunkSize: Int
    private var buffer = Data()
    private let encoder = JSONEncoder.store

    init(fd: Int32, path: String, chunkSize: Int) {
        self.fd = fd
        self.path = path
        self.chunkSize = chunkSize
        buffer.reserveCapacity(chunkSize * 2)
    }

    mutating func write(_ value: some Encodable) throws {
        buffer.append(try encoder.encode(value))
        buffer.append(0x0A)
        if buffer.count >= chunkSize { try flush() }
    }

    mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try FileIO.writeAll(fd, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads a file a chunk at a time and hands it out line by line.
struct LineReader {
    let fd: Int32
    let path: String
    let chunkSize: Int
    /// Bytes read and not yet handed out are `buffer[start...]`.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Up to here, `buffer[start...]` holds no line break.
    private var scanned = 0
    private var atEndOfFile = false
    private var chunk: [UInt8]
    /// 1-based number of the last line handed out.
    private(set) var lineNumber = 0

    init(fd: Int32, path: String, chunkSize: Int) {
        self.fd = fd
        self.path = path
        self.chunkSize = chunkSize
        chunk = [UInt8](repeating: 0, count: chunkSize)
    }

    /// The first line if it ends within the first chunk (consuming it), else nil (consuming nothing).
    mutating func firstLineInFirstChunk() throws -> Data? {
        precondition(lineNumber == 0 && buffer.isEmpty)
        try fill()
        guard let end = buffer.firstIndex(of: 0x0A) else { return nil }
        start = end + 1
        scanned = start
        lineNumber = 1
        return Data(buffer[..<end])
    }

    /// The next line without its line break, and whether it had one (only the file's last line
    /// can lack it); nil at the end of the file.
    mutating func nextLine() throws -> (bytes: Data, terminated: Bool)? {
        while true {
            if let end = buffer[scanned...].firstIndex(of: 0x0A) {
                let line = Data(buffer[start..<end])
                start = end + 1
                scanned = start
                lineNumber += 1
                return (line, true)
            }
            scanned = buffer.count
            if atEndOfFile {
                guard start < buffer.count else { return nil }
                let line = Data(buffer[start...])
                start = buffer.count
                scanned = start
                lineNumber += 1
                return (line, false)
            }
            try fill()
        }
    }

    /// Whether everything has been handed out and the file has nothing more.
    mutating func isAtEnd() throws -> Bool {
        while start == buffer.count {
            if atEndOfFile { return true }
            try fill()
        }
        return false
    }

    /// Reads the next chunk (or what is left of the file) after the unread bytes.
    private mutating func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        var filled = 0
        while filled < chunkSize {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, chunkSize - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(operation: "read", path: path, errno: errno)
            }
            if count == 0 {
                atEndOfFile = true
                break
            }
            filled += count
        }
        buffer.append(contentsOf: chunk[..<filled])
    }
}
