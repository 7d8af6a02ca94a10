import Foundation
import Testing
@testable import DurableStore

/// The snapshot in segments, one per line: written and read a chunk at a time, older single-object
/// snapshots still read, damage reported with file and line.
@Suite struct SnapshotFileTests {
    /// Notes long enough, and with enough awkward characters, that lines cross the reader's chunks.
    static let notes = (0..<2_000).map { Note(text: "note \($0): été, 中文, \"quoted\"\nsecond line " + String(repeating: "x", count: $0 % 300)) }

    static func snapshotLines(_ directory: URL) throws -> [String] {
        let text = try String(contentsOf: directory.appendingPathComponent("snapshot.json"), encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func aSegmentedSnapshotRoundTrips() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append(Self.notes)
            try await store.writeSnapshot(Self.notes)
            try await store.append([Note(text: "after")])
            await store.close()
        }
        let lines = try Self.snapshotLines(directory)
        #expect(lines.count == Self.notes.count + 2, "a header, one line per segment, a closing line")
        #expect(lines.first == #"{"lastSequence":2000,"snapshotFormat":2}"#)
        #expect(lines.last == #"{"segments":2000}"#)
        let size = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("snapshot.json").path)[.size] as? Int
        #expect((size ?? 0) > 3 * SnapshotFile<[Note]>.chunkSize, "the file spans several chunks")

        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.snapshot == Self.notes)
        #expect(recovered.records == [Note(text: "after")])
        #expect(recovered.repairs.isEmpty)
        await store.close()
    }

    @Test func anEmptyStateRoundTrips() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.writeSnapshot([])
            await store.close()
        }
        #expect(try Self.snapshotLines(directory) == [#"{"lastSequence":0,"snapshotFormat":2}"#, #"{"segments":0}"#])
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.snapshot == [])
        await store.close()
    }

    /// A data directory from before segments: one JSON object. It opens as it is, and the next
    /// snapshot is written in segments.
    @Test func anOldSingleObjectSnapshotStillLoadsAndIsUpgraded() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b"), Note(text: "c")])
            await store.close()
        }
        let old = #"{"lastSequence":2,"state":[{"text":"a"},{"text":"b\nline"}]}"#
        try old.write(to: directory.appendingPathComponent("snapshot.json"), atomically: true, encoding: .utf8)

        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.snapshot == [Note(text: "a"), Note(text: "b\nline")])
        #expect(recovered.records == [Note(text: "c")])
        #expect(recovered.repairs.isEmpty)
        try await store.writeSnapshot([Note(text: "a"), Note(text: "b\nline"), Note(text: "c")])
        await store.close()

        let lines = try Self.snapshotLines(directory)
        #expect(lines.first == #"{"lastSequence":3,"snapshotFormat":2}"#)
        #expect(lines.count == 5)
        let (again, reread) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(reread.snapshot == [Note(text: "a"), Note(text: "b\nline"), Note(text: "c")])
        #expect(reread.records.isEmpty)
        await again.close()
    }

    /// A crash while writing leaves only the temporary file, cut anywhere: it is removed and
    /// reported, and the previous snapshot stays the one read.
    @Test(arguments: [0.0, 0.3, 0.999])
    func aHalfWrittenTemporarySnapshotIsIgnored(cutAt fraction: Double) async throws {
        let directory = temporaryDirectory(), elsewhere = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a")])
            try await store.writeSnapshot([Note(text: "a")])
            try await store.append([Note(text: "b")])
            await store.close()
        }
        // The bytes a crash would have left: the start of a real, bigger snapshot.
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: elsewhere)
            try await store.writeSnapshot(Self.notes)
            await store.close()
        }
        let full = try Data(contentsOf: elsewhere.appendingPathComponent("snapshot.json"))
        let temporary = directory.appendingPathComponent("snapshot.json.tmp")
        try full.prefix(Int(Double(full.count) * fraction)).write(to: temporary)

        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.snapshot == [Note(text: "a")])
        #expect(recovered.records == [Note(text: "b")])
        #expect(recovered.repairs.count == 1)
        #expect(recovered.repairs.first?.contains("snapshot.json.tmp") == true)
        #expect(!FileManager.default.fileExists(atPath: temporary.path))
        await store.close()
    }

    /// Writes a three-note snapshot, lets `damage` change its lines, and returns the error opening gives.
    static func openDamaged(_ damage: (inout [String]) -> Void) async throws -> (StoreError?, path: String) {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b"), Note(text: "c")])
            try await store.writeSnapshot([Note(text: "a"), Note(text: "b"), Note(text: "c")])
            await store.close()
        }
        let file = directory.appendingPathComponent("snapshot.json")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        damage(&lines)
        try lines.joined(separator: "\n").write(to: file, atomically: false, encoding: .utf8)
        let before = try Data(contentsOf: file)
        defer { #expect((try? Data(contentsOf: file)) == before, "nothing was changed") }
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            await store.close()
            return (nil, file.path)
        } catch let error as StoreError {
            return (error, file.path)
        }
    }

    @Test func aCorruptLineGivesFileAndLine() async throws {
        let (error, path) = try await Self.openDamaged { $0[2] = #"{"text":"b", garbage"# }
        guard case .corruptSnapshot(let file, let line, let reason)? = error else {
            Issue.record("a corrupt line must not open: \(String(describing: error))")
            return
        }
        #expect(file == path)
        #expect(line == 3)
        #expect(reason.contains("cannot be read as part of the state"))
        #expect(error!.description.hasPrefix("\(path):3: the snapshot is damaged"))
    }

    @Test func aSegmentOfTheWrongShapeGivesFileAndLine() async throws {
        let (error, path) = try await Self.openDamaged { $0[3] = #"{"title":"c"}"# }
        guard case .corruptSnapshot(let file, let line, let reason)? = error else {
            Issue.record("a segment of the wrong shape must not open: \(String(describing: error))")
            return
        }
        #expect(file == path && line == 4)
        #expect(reason.hasPrefix("the line cannot be read as part of the state: "))
        #expect(reason.contains("\"text\""), "names the missing key: \(reason)")
    }

    @Test func aSnapshotCutShortAtALineBoundaryIsNotTakenForASmallerState() async throws {
        let (error, path) = try await Self.openDamaged { $0.remove(at: 4) }
        #expect(error == .corruptSnapshot(file: path, line: 4,
                                          reason: "the last line is not the closing line: the file is incomplete"))
    }

    @Test func aSnapshotCutShortMidLineIsReported() async throws {
        let (error, path) = try await Self.openDamaged { lines in
            lines.removeLast(2)
            lines.append(#"{"te"#)
        }
        #expect(error == .corruptSnapshot(file: path, line: 5, reason: "the last line is cut short: the file is incomplete"))
    }

    @Test func aClosingLineThatDisagreesIsReported() async throws {
        let (error, path) = try await Self.openDamaged { $0.remove(at: 2) }
        #expect(error == .corruptSnapshot(file: path, line: 4,
                                          reason: "the closing line counts 3 segments but 2 came before it"))
    }

    @Test func aNewerFormatIsRefusedByName() async throws {
        let (error, path) = try await Self.openDamaged { $0[0] = #"{"lastSequence":3,"snapshotFormat":3}"# }
        guard case .corruptSnapshot(let file, let line, let reason)? = error else {
            Issue.record("an unknown format must not open: \(String(describing: error))")
            return
        }
        #expect(file == path && line == 1)
        #expect(reason.contains("format 3"))
    }

    @Test func theLineReaderFindsEveryLineAcrossChunks() throws {
        let path = temporaryDirectory().path
        let lines = ["", "a", String(repeating: "b", count: 40), "", String(repeating: "c", count: 7), "d"]
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
        let fd = try FileIO.open(path, O_RDONLY)
        defer { close(fd) }
        var reader = LineReader(fd: fd, path: path, chunkSize: 8)
        var read: [String] = [], terminated: [Bool] = []
        while let line = try reader.nextLine() {
            read.append(String(decoding: line.bytes, as: UTF8.self))
            terminated.append(line.terminated)
        }
        #expect(read == lines)
        #expect(terminated == [true, true, true, true, true, false])
        #expect(reader.lineNumber == lines.count)
        #expect(try reader.isAtEnd())
    }
}
