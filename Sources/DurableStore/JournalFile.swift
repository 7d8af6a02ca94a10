import Foundation

/// The open journal, appended to by the store's lane only.
final class JournalFile: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock: DirectoryLock

    init(path: String, truncateTo length: Int, lock: DirectoryLock) throws {
        self.path = path
        self.lock = lock
        fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_APPEND)
        var info = stat()
        try FileIO.check(fstat(fd, &info), "stat", path)
        if Int(info.st_size) != length {
            try FileIO.check(ftruncate(fd, off_t(length)), "ftruncate", path)
            try FileIO.fsync(fd, path: path)
        }
    }

    /// All or nothing: a write or fsync that fails (a full disk) is cut back off, so the file
    /// ends with whole lines and a later append does not follow half a line.
    func appendAndSync(_ data: Data) throws {
        var info = stat()
        try FileIO.check(fstat(fd, &info), "stat", path)
        do {
            try FileIO.writeAll(fd, data, path: path)
            try FileIO.fsync(fd, path: path)
        } catch {
            if ftruncate(fd, info.st_size) == 0 { _ = Glibc.fsync(fd) }
            throw error
        }
    }

    func truncate() throws {
        try FileIO.check(ftruncate(fd, 0), "ftruncate", path)
        try FileIO.fsync(fd, path: path)
    }

    func close() {
        Glibc.close(fd)
        lock.release()
    }
}

/// Reads a journal back and tells a torn last write (repairable) from real corruption (not).
struct JournalScanner<Line: Decodable & SequencedLine> {
    let path: String

    struct Result {
        var lines: [Line]
        var lastSequence: Int
        /// Bytes of the file that hold whole, readable lines.
        var validLength: Int
        /// 1-based line number of a torn last line that must be cut off, if any.
        var tornLine: Int?
    }

    /// Lines whose sequence is above `covered` (the snapshot's), checking that sequence numbers
    /// run without gaps.
    func scan(after covered: Int) throws -> Result {
        guard FileManager.default.fileExists(atPath: path) else { return Result(lines: [], lastSequence: 0, validLength: 0) }
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        // A chunk at a time: a long journal is never in memory twice (bytes and records).
        var reader = LineReader(fd: fd, path: path, chunkSize: 64 * 1024)
        var result = Result(lines: [], lastSequence: 0, validLength: 0)
        var previous: Int?
        let decoder = JSONDecoder.store
        while let (bytes, terminated) = try reader.nextLine() {
            let number = reader.lineNumber
            let line: Line
            // A crash mid-write leaves at most the last line incomplete (no newline): that alone is
            // repaired. A complete line that cannot be read is damage, wherever it is, and stops
            // the start with its line number (dropping it would lose a record without a word).
            if !terminated {
                result.tornLine = number
                return result
            }
            guard let json = JournalChecksum.open(bytes) else {
                throw StoreError.corruptJournal(file: path, line: number, reason: "its checksum does not match: the line was changed on disk")
            }
            do {
                line = try decoder.decode(Line.self, from: json)
            } catch {
                throw StoreError.corruptJournal(file: path, line: number, reason: "the line cannot be read as a record" + (Self.outOfRange(error).map { " (\($0))" } ?? ""))
            }
            guard (1..<largestSequence).contains(line.seq) else {
                throw StoreError.corruptJournal(file: path, line: number, reason: "sequence \(line.seq) is beyond any real journal")
            }
            if let previous, line.seq != previous + 1 {
                throw StoreError.corruptJournal(file: path, line: number,
                                                reason: "sequence \(line.seq) follows \(previous): records are missing or out of order")
            }
            if previous == nil, line.seq > covered + 1 {
                throw StoreError.corruptJournal(file: path, line: number,
                                                reason: "starts at sequence \(line.seq) but the snapshot ends at \(covered): records are missing")
            }
            previous = line.seq
            result.lastSequence = line.seq
            if line.seq > covered { result.lines.append(line) }
            result.validLength += bytes.count + 1
        }
        return result
    }

    /// A value refused as absurd (a date, a sequence), said without quoting the line (it may
    /// hold personal data).
    static func outOfRange(_ error: Error) -> String? {
        guard case DecodingError.dataCorrupted(let context) = error, context.debugDescription.contains("out of range") else { return nil }
        return context.debugDescription
    }
}

protocol SequencedLine { var seq: Int { get } }
extension EventStore.Line: SequencedLine {}
