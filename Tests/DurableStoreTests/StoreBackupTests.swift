import Foundation
import Synchronization
import Testing
@testable import DurableStore

/// Backups taken while the store is being written and snapshotted (real files, real concurrency):
/// every copy must open, and hold exactly a prefix of what was written, nothing missing in between.
@Suite struct StoreBackupTests {
    @Test func aBackupTakenWhileTheStoreWritesAndSnapshotsIsAlwaysAWholePrefix() async throws {
        let directory = temporaryDirectory()
        let (store, _) = try EventStore<Note, [Note]>.open(directory: directory)
        let written = Mutex(0)
        let writer = Task {
            var notes: [Note] = []
            for number in 0..<600 {
                let note = Note(text: "\(number)")
                try await store.append([note])
                notes.append(note)
                written.withLock { $0 = number + 1 }
                // Snapshots often, so that copies race the rename and the emptying of the journal.
                if number % 7 == 6 { try await store.writeSnapshot(notes) }
            }
        }
        // Copies all along the writing, however the scheduler shares the cores (under the full
        // suite the writer may start late): each copy waits for some progress since the last.
        var copies: [URL] = []
        var seen = 0
        while copies.count < 25, written.withLock({ $0 }) < 600 {
            let now = written.withLock { $0 }
            guard now > seen else {
                try await Task.sleep(nanoseconds: 1_000_000)
                continue
            }
            seen = now
            let copy = temporaryDirectory()
            // A pause between the two files makes a snapshot in between likely, as on a busy day.
            try StoreBackup.copy(from: directory, to: copy, pauseBetweenFiles: 0.01)
            copies.append(copy)
        }
        try await writer.value
        await store.close()
        var lengths: [Int] = []
        for copy in copies {
            let (opened, recovered) = try EventStore<Note, [Note]>.open(directory: copy)
            let all = (recovered.snapshot ?? []) + recovered.records
            #expect(all.map(\.text) == (0..<all.count).map { "\($0)" }, "a copy with a gap or a duplicate")
            lengths.append(all.count)
            await opened.close()
        }
        #expect(Set(lengths).count > 3, "the copies were taken at different moments: \(lengths)")
    }

    @Test func aRestoreMovesTheCurrentFilesAsideAndIsRefusedWhileTheStoreIsOpen() async throws {
        let live = temporaryDirectory(), backup = temporaryDirectory()
        do {
            let (store, _) = try EventStore<Note, [Note]>.open(directory: live)
            try await store.append([Note(text: "kept")])
            await store.close()
        }
        try StoreBackup.copy(from: live, to: backup)
        let (store, _) = try EventStore<Note, [Note]>.open(directory: live)
        try await store.append([Note(text: "after the backup")])
        #expect(throws: StoreError.self) { try StoreBackup.install(backup, as: live) }
        await store.close()
        let aside = try #require(try StoreBackup.install(backup, as: live))
        let (restored, recovered) = try EventStore<Note, [Note]>.open(directory: live)
        #expect(recovered.records.map(\.text) == ["kept"])
        await restored.close()
        let (old, before) = try EventStore<Note, [Note]>.open(directory: aside)
        #expect(before.records.map(\.text) == ["kept", "after the backup"], "nothing deleted")
        await old.close()
    }
}
