import DedicatedThread
import Foundation

/// What a store held when it was opened: the newest snapshot, the journal records after it (in
/// order), and what was repaired on the way (a torn last line, a half-written snapshot).
public struct RecoveredState<Record: Sendable, Snapshot: Sendable>: Sendable {
    public var snapshot: Snapshot?
    public var records: [Record]
    public var repairs: [String]
}

/// A durable, event-sourced store in one data directory:
/// - `journal.jsonl`: one record per line, each with its sequence number (readable, diffable);
/// - `snapshot.json`: the application state and the last sequence number it covers, written and
///   read in segments, one per line (see `SnapshotFile`), so that memory stays near the state's size;
/// - `lock`: held with flock by the one process using the directory, holding its pid.
/// `append` returns only when its records are on disk (fsync). Concurrent appends share one
/// fsync (group commit). Everything blocking runs on the store's own thread.
public actor EventStore<Record: Codable & Sendable, Snapshot: SegmentedSnapshot & Sendable> {
    public let directory: URL
    private let lane = DedicatedThread(name: "event-store")
    private let journal: JournalFile
    private var nextSequence: Int
    private var pending: [(data: Data, firstSequence: Int, count: Int, waiter: CheckedContinuation<Void, Error>)] = []
    private var flushing = false
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var isClosed = false
    /// Number of fsyncs of the journal so far; group commit keeps it well below the number of appends.
    public private(set) var journalSyncs = 0
    public private(set) var appendedRecords = 0

    struct Line: Codable {
        var seq: Int
        var record: Record
    }

    init(directory: URL, journal: JournalFile, nextSequence: Int) {
        self.directory = directory
        self.journal = journal
        self.nextSequence = nextSequence
    }

    /// Opens (creating if needed) the store in `directory` and recovers its contents.
    /// Throws `StoreError.locked` if another process uses it, and a corruption error naming file
    /// and line when the journal or snapshot is damaged beyond a torn last write.
    public static func open(directory: URL) throws -> (store: EventStore, recovered: RecoveredState<Record, Snapshot>) {
        let paths = StorePaths(directory: directory)
        try paths.prepareDirectory()
        let lock = try DirectoryLock.acquire(paths)
        do {
            var repairs: [String] = []
            if FileManager.default.fileExists(atPath: paths.snapshotTemporary) {
                try? FileManager.default.removeItem(atPath: paths.snapshotTemporary)
                repairs.append("removed a snapshot left half-written by a crash (\(paths.snapshotTemporary))")
            }
            let snapshot = try SnapshotFile<Snapshot>.read(paths.snapshot)
            let scan = try JournalScanner<Line>(path: paths.journal).scan(after: snapshot?.lastSequence ?? 0)
            if let torn = scan.tornLine {
                repairs.append("dropped a torn last line at \(paths.journal):\(torn) (a write cut short by a crash)")
            }
            // A journal the snapshot covers entirely (a crash after a snapshot's rename, before
            // the journal was emptied) is emptied now: its lines may hold erased data.
            let keep = scan.lines.isEmpty ? 0 : scan.validLength
            if keep < scan.validLength { repairs.append("emptied a journal that the snapshot already covers") }
            let journal = try JournalFile(path: paths.journal, truncateTo: keep, lock: lock)
            try FileIO.fsyncDirectory(paths.directory)
            let last = max(snapshot?.lastSequence ?? 0, scan.lastSequence)
            guard last < largestSequence else {
                throw StoreError.corruptSnapshot(file: paths.snapshot, line: 1, reason: "sequence \(last) is beyond any real journal")
            }
            let store = EventStore(directory: directory, journal: journal, nextSequence: last + 1)
            let recovered = RecoveredState(snapshot: snapshot?.state, records: scan.lines.map(\.record), repairs: repairs)
            return (store, recovered)
        } catch {
            lock.release()
            throw error
        }
    }

    /// Appends records and returns once they are durable.
    public func append(_ records: [Record]) async throws {
        guard !isClosed else { throw StoreError.closed }
        guard !records.isEmpty else { return }
        var data = Data()
        let firstSequence = nextSequence
        for record in records {
            data.append(JournalChecksum.seal(try JSONEncoder.store.encode(Line(seq: nextSequence, record: record))))
            data.append(0x0A)
            nextSequence += 1
        }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, Error>) in
            pending.append((data, firstSequence, records.count, waiter))
            if !flushing {
                flushing = true
                Task { await self.flush() }
            }
        }
    }

    /// Writes everything pending with one fsync per round; appends arriving meanwhile join the next round.
    private func flush() async {
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll()
            let data = batch.reduce(into: Data()) { $0.append($1.data) }
            let journal = self.journal
            do {
                try await lane.run { try journal.appendAndSync(data) }
                journalSyncs += 1
                appendedRecords += batch.reduce(0) { $0 + $1.count }
                for entry in batch { entry.waiter.resume() }
            } catch {
                // Nothing of the batch is in the file (JournalFile cuts a failed write back off),
                // and appends that came meanwhile would follow a gap: they fail too, and every
                // sequence number from the batch on is given back. The caller may append the
                // same records again (after a full disk has room again).
                let failed = batch + pending
                pending.removeAll()
                nextSequence = batch[0].firstSequence
                for entry in failed { entry.waiter.resume(throwing: error) }
            }
        }
        flushing = false
        for waiter in drainWaiters { waiter.resume() }
        drainWaiters.removeAll()
    }

    private func drain() async {
        guard flushing else { return }
        await withCheckedContinuation { drainWaiters.append($0) }
    }

    /// Replaces the snapshot with `snapshot`, which must include every record appended so far,
    /// then empties the journal. Crash-safe at every point: the new snapshot appears atomically
    /// (temp file, fsync, rename, fsync directory), and until the journal is emptied its old lines
    /// carry sequence numbers the snapshot already covers, so a replay skips them.
    public func writeSnapshot(_ snapshot: Snapshot) async throws {
        guard !isClosed else { throw StoreError.closed }
        await drain()
        let lastSequence = nextSequence - 1
        let paths = StorePaths(directory: directory)
        let journal = self.journal
        try await lane.run {
            try SnapshotFile.write(snapshot, lastSequence: lastSequence, to: paths.snapshotTemporary)
            try FileIO.check(rename(paths.snapshotTemporary, paths.snapshot), "rename", paths.snapshot)
            try FileIO.fsyncDirectory(paths.directory)
            try journal.truncate()
        }
    }

    /// Waits for pending appends, then releases the files and the lock.
    public func close() async {
        guard !isClosed else { return }
        await drain()
        isClosed = true
        journal.close()
        lane.shutdown()
    }
}

// Dates keep Foundation's exact encoding: a state rebuilt from disk must decide exactly as the
// state in memory did, and an ISO 8601 string would round times to the second.
extension JSONEncoder {
    static var store: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    /// Dates as Foundation writes them, refused when absurd (not finite, or outside 1970-2200):
    /// a damaged or forged file is reported with its file and line instead of crashing the date
    /// arithmetic later.
    static var store: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let seconds = try container.decode(Double.self)
            guard seconds.isFinite, storeDateRange.contains(seconds) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "a date out of range (\(seconds))")
            }
            return Date(timeIntervalSinceReferenceDate: seconds)
        }
        return decoder
    }
}

/// 1970 to 2200, in seconds since 2001 (Foundation's own encoding of a Date).
let storeDateRange: ClosedRange<Double> = -978_307_200 ... 6_311_390_400

/// Sequence numbers far beyond any real journal (a billion events a year for a million years)
/// are damage; refusing them keeps `+ 1` from overflowing.
public let largestSequence = 1_000_000_000_000_000
