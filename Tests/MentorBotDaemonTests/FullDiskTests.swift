import BotModel
import Dialogs
import DurableStore
import Foundation
import Logging
@testable import MentorBotCore
@testable import MentorBotDaemon
import Safeguarding
import Testing
import TestSupport

/// Issue 13: a full disk. The data directory is a real, small tmpfs filled up on purpose: the
/// runtime stops confirming (inputs wait, /healthz says so), loses nothing, and carries on when
/// there is room again; the store on disk then opens and equals what the runtime holds.
@Suite struct FullDiskTests {
    @Test func onAFullDiskNothingIsConfirmedOrLostAndTheBotCarriesOnWhenThereIsRoom() async throws {
        let disk = try SmallTmpfs(at: FileManager.default.temporaryDirectory.appendingPathComponent("fulldisk-\(UUID().uuidString)"), size: "512k")
        let directory = disk.mountPoint.appendingPathComponent("data")
        let (runtime, configuration, _, _, start) = try await SerialDecisionTests.startedRuntime(in: directory, snapshotEvery: 100_000)
        let confirmedBefore = await runtime.state

        let filler = disk.fill()
        let people = configuration.roster.people.filter { $0.role != .coordinator }
        let writers = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, person) in people.enumerated() {
                    group.addTask {
                        try await runtime.process(.text(InboundText(eventID: "$full-\(index)", roomID: "!dm-\(person.matrixID)",
                                                                    sender: person.matrixID, body: index % 7 == 0 ? "sos" : "help",
                                                                    sentAt: start)))
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(await eventually { await runtime.health().diskFull }, "the runtime says it cannot write")
        // (A batch small enough for the journal's last, partly used page may still have gone in.)
        let waiting = await runtime.state
        #expect(waiting.outbox.count < confirmedBefore.outbox.count + people.count,
                "what cannot be written is not confirmed: its replies are not queued for sending")

        // A little room (two pages): a batch bigger than that is written in part before the
        // disk is full again. The part must not stay in the journal.
        let size = try FileManager.default.attributesOfItem(atPath: filler.path)[.size] as! Int
        #expect(truncate(filler.path, off_t(size - 8_192)) == 0)
        try await Task.sleep(for: .seconds(2))
        #expect(await runtime.health().diskFull, "the batch does not fit in two pages")

        try FileManager.default.removeItem(at: filler)
        try await writers.value
        #expect(await !runtime.health().diskFull)
        let after = await runtime.state
        #expect(people.allSatisfy { after.hasHandled("$full-\(people.firstIndex(of: $0)!)") }, "every input was written once there was room")
        #expect(after.incidents.count == (people.count + 6) / 7)
        // The journal as a crash would leave it (the final snapshot of finish() would replace it):
        // copied elsewhere and opened, it holds whole lines only and exactly what the runtime holds.
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("fulldisk-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: directory.appendingPathComponent("journal.jsonl"), to: copy.appendingPathComponent("journal.jsonl"))
        await runtime.finish()
        let (reopened, recovered) = try EventStore<DomainEvent, BotState>.open(directory: copy)
        let onDisk = recovered.state
        await reopened.close()
        #expect(recovered.repairs.isEmpty, "no torn or half-written line was left: \(recovered.repairs)")
        #expect(onDisk == after)
    }
}
