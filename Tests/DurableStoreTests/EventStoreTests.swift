import Foundation
import Testing
@testable import DurableStore

struct Note: Codable, Sendable, Equatable {
    var text: String
}

func temporaryDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("store-test-\(UUID().uuidString)")
}

/// A journal's text as written before lines carried checksums.
func withoutChecksums(_ text: String) -> String {
    text.split(separator: "\n").map { $0.split(separator: "\t")[0] }.joined(separator: "\n") + "\n"
}

func permissions(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

@Suite struct EventStoreTests {
    /// Issue 13: a symlinked journal was followed (its target truncated); a FIFO as the journal
    /// hung start-up. Both are refused, naming the file, and the link's target is left alone.
    @Test func aLinkOrAFIFOInPlaceOfTheJournalIsRefusedAndNothingIsTouched() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let journal = directory.appendingPathComponent("journal.jsonl").path
        let target = directory.appendingPathComponent("precious.txt").path
        try "someone else's file\n".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: journal, withDestinationPath: target)
        #expect(throws: StoreError.notAPlainFile(path: journal, kind: "a symbolic link")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "someone else's file\n")
        try FileManager.default.removeItem(atPath: journal)
        #expect(mkfifo(journal, 0o600) == 0)
        #expect(throws: StoreError.notAPlainFile(path: journal, kind: "a FIFO")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
    }

    /// Issue 13: a complete last line that could not be read was dropped as "torn" with a warning
    /// (a record lost); only a line without its newline is a torn write.
    @Test func aCompleteLastLineThatCannotBeReadStopsTheStartInsteadOfBeingDropped() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b")])
            await store.close()
        }
        let journal = directory.appendingPathComponent("journal.jsonl").path
        var text = try String(contentsOfFile: journal, encoding: .utf8)
        // Without checksums (as an older version wrote), so that the line itself is what is judged.
        text = withoutChecksums(text).replacingOccurrences(of: #""text":"b""#, with: #""texte":"b""#)
        try text.write(toFile: journal, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.corruptJournal(file: journal, line: 2, reason: "the line cannot be read as a record")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
        #expect(try String(contentsOfFile: journal, encoding: .utf8) == text, "nothing changed")
    }

    /// Issue 13: 31 byte-flipped records that were still valid JSON loaded silently. Every line
    /// carries a checksum now; lines written before checksums still read.
    @Test func aByteChangedOnDiskIsFoundByTheChecksumAndOldLinesStillRead() async throws {
        #expect(JournalChecksum.crc32(Array("123456789".utf8)) == 0xCBF4_3926, "the standard CRC-32 check value")
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "bob"), Note(text: "c")])
            await store.close()
        }
        let journal = directory.appendingPathComponent("journal.jsonl").path
        let original = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(original.split(separator: "\n").allSatisfy { $0.contains("\t") })
        let flipped = original.replacingOccurrences(of: #""text":"bob""#, with: #""text":"bib""#)
        try flipped.write(toFile: journal, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.corruptJournal(file: journal, line: 2, reason: "its checksum does not match: the line was changed on disk")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
        // A journal from before checksums (no tab) is read as it was.
        try withoutChecksums(original).write(toFile: journal, atomically: true, encoding: .utf8)
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.records.map(\.text) == ["a", "bob", "c"])
        await store.close()
    }

    /// Issue 13: absurd numbers in valid JSON crashed the start; they are refused with file and line.
    @Test func absurdSequencesAndDatesAreRefusedWithFileAndLine() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a")])
            await store.close()
        }
        let journal = directory.appendingPathComponent("journal.jsonl").path
        let original = try String(contentsOfFile: journal, encoding: .utf8)
        try withoutChecksums(original).replacingOccurrences(of: #""seq":1"#, with: #""seq":9223372036854775807"#)
            .write(toFile: journal, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.corruptJournal(file: journal, line: 1, reason: "sequence 9223372036854775807 is beyond any real journal")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
        struct Dated: Codable, Sendable { var at: Date }
        let dated = temporaryDirectory()
        try FileManager.default.createDirectory(at: dated, withIntermediateDirectories: true)
        try #"{"record":{"at":-1e300},"seq":1}"#.appending("\n").write(toFile: dated.appendingPathComponent("journal.jsonl").path, atomically: true, encoding: .utf8)
        do {
            _ = try EventStore<Dated, [Dated]>.open(directory: dated)
            Issue.record("a date of -1e300 was accepted")
        } catch let error as StoreError {
            #expect("\(error)".contains("journal.jsonl:1") && "\(error)".contains("a date out of range"), "\(error)")
        }
    }

    @Test func appendedRecordsComeBackInOrderAfterReopening() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
            #expect(recovered.snapshot == nil && recovered.records.isEmpty)
            try await store.append([Note(text: "a"), Note(text: "b")])
            try await store.append([Note(text: "c")])
            await store.close()
        }
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.records.map(\.text) == ["a", "b", "c"])
        #expect(recovered.repairs.isEmpty)
        await store.close()
    }

    @Test func aSnapshotReplacesTheJournalAndTheTailReplaysAfterIt() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b")])
            try await store.writeSnapshot([Note(text: "a"), Note(text: "b")])
            try await store.append([Note(text: "c")])
            await store.close()
        }
        let journal = try String(contentsOf: directory.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        #expect(journal.split(separator: "\n").count == 1)
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.snapshot?.map(\.text) == ["a", "b"])
        #expect(recovered.records.map(\.text) == ["c"])
        await store.close()
    }

    /// A crash after the snapshot's rename but before the journal is emptied leaves old lines the
    /// snapshot already covers: they must be skipped, not applied twice.
    @Test func linesTheSnapshotCoversAreSkipped() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b"), Note(text: "c")])
            await store.close()
        }
        let snapshot = #"{"lastSequence":2,"state":[{"text":"a"},{"text":"b"}]}"#
        try snapshot.write(to: directory.appendingPathComponent("snapshot.json"), atomically: true, encoding: .utf8)
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.snapshot?.count == 2)
        #expect(recovered.records.map(\.text) == ["c"])
        try await store.append([Note(text: "d")])
        await store.close()
        let (again, reread) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(reread.records.map(\.text) == ["c", "d"])
        await again.close()
    }

    /// Issue 14: a crash after a snapshot's rename and before the journal is emptied left the
    /// covered lines on disk (an erasure's old data among them). They are emptied at the next open.
    @Test func aJournalTheSnapshotCoversEntirelyIsEmptiedOnOpen() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "erased words"), Note(text: "b")])
            await store.close()
        }
        let snapshot = #"{"lastSequence":2,"state":[{"text":"b"}]}"#
        try snapshot.write(to: directory.appendingPathComponent("snapshot.json"), atomically: true, encoding: .utf8)
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        await store.close()
        #expect(recovered.snapshot == [Note(text: "b")] && recovered.records.isEmpty)
        #expect(recovered.repairs.contains { $0.contains("already covers") })
        let journal = try String(contentsOf: directory.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        #expect(!journal.contains("erased words"))
    }

    @Test func aTornLastLineIsDroppedAndReported() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b")])
            await store.close()
        }
        let journal = directory.appendingPathComponent("journal.jsonl")
        let handle = try FileHandle(forWritingTo: journal)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"record":{"text":"c"#.utf8))
        try handle.close()
        let (store, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.records.map(\.text) == ["a", "b"])
        #expect(recovered.repairs.count == 1)
        #expect(recovered.repairs.first?.contains("journal.jsonl:3") == true)
        try await store.append([Note(text: "c")])
        await store.close()
        let (again, reread) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(reread.records.map(\.text) == ["a", "b", "c"])
        #expect(reread.repairs.isEmpty)
        await again.close()
    }

    @Test func corruptionBeforeTheLastLineStopsWithFileAndLineAndChangesNothing() async throws {
        let directory = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
            try await store.append([Note(text: "a"), Note(text: "b"), Note(text: "c")])
            await store.close()
        }
        let journal = directory.appendingPathComponent("journal.jsonl")
        var lines = try String(contentsOf: journal, encoding: .utf8).components(separatedBy: "\n")
        lines[1] = "{\"record\":{\"text\":\"b\"}, garbage"
        try lines.joined(separator: "\n").write(to: journal, atomically: false, encoding: .utf8)
        let before = try Data(contentsOf: journal)
        #expect(throws: StoreError.corruptJournal(file: journal.path, line: 2, reason: "the line cannot be read as a record")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
        #expect(try Data(contentsOf: journal) == before)
    }

    @Test func aMissingSequenceIsCorruption() async throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lines = [#"{"record":{"text":"a"},"seq":1}"#, #"{"record":{"text":"c"},"seq":3}"#, ""]
        try lines.joined(separator: "\n").write(to: directory.appendingPathComponent("journal.jsonl"), atomically: true, encoding: .utf8)
        do {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
            Issue.record("a gap in the sequence must not open")
        } catch let error as StoreError {
            guard case .corruptJournal(_, let line, let reason) = error else { throw error }
            #expect(line == 2)
            #expect(reason.contains("sequence 3 follows 1"))
        }
    }

    @Test func aDamagedSnapshotNamesTheFile() throws {
        let directory = temporaryDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "{not json".write(to: directory.appendingPathComponent("snapshot.json"), atomically: true, encoding: .utf8)
        do {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
            Issue.record("a damaged snapshot must not open")
        } catch let error as StoreError {
            #expect(error.description.contains("snapshot.json"))
        }
    }

    @Test func filesAreOwnerOnlyWhateverTheUmask() async throws {
        let directory = temporaryDirectory()
        let previous = umask(0o022)
        defer { umask(previous) }
        let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
        try await store.append([Note(text: "a")])
        try await store.writeSnapshot([Note(text: "a")])
        try await store.append([Note(text: "b")])
        #expect(try permissions(directory.path) == 0o700)
        for name in ["journal.jsonl", "snapshot.json", "lock"] {
            #expect(try permissions(directory.appendingPathComponent(name).path) == 0o600, "\(name)")
        }
        await store.close()
    }

    @Test func aSecondOpenOfTheSameDirectoryIsRefusedWithThePid() async throws {
        let directory = temporaryDirectory()
        let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(throws: StoreError.locked(directory: directory.standardizedFileURL.path, holderPID: "\(getpid())")) {
            _ = try EventStore<Note, [Note]>.open(directory: directory)
        }
        await store.close()
        let (reopened, _) = try EventStore<Note, [Note]>.open(directory: directory)
        await reopened.close()
    }

    @Test func concurrentAppendsShareFsyncs() async throws {
        let directory = temporaryDirectory()
        let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<50 { try await store.append([Note(text: "\(writer)-\(index)")]) }
                }
            }
            try await group.waitForAll()
        }
        let syncs = await store.journalSyncs
        #expect(await store.appendedRecords == 400)
        #expect(syncs < 400, "group commit: \(syncs) fsyncs for 400 appends")
        await store.close()
        let (again, recovered) = try EventStore<Note, [Note]>.open(directory: directory)
        #expect(recovered.records.count == 400)
        for writer in 0..<8 {
            #expect(recovered.records.filter { $0.text.hasPrefix("\(writer)-") }.map(\.text) == (0..<50).map { "\(writer)-\($0)" })
        }
        await again.close()
    }
}
