import BotModel
import Dialogs
import DurableStore
import Foundation
@testable import MentorBotCore
import Testing

/// The state cut into snapshot segments and put back together is the same state, including what
/// is derived from it (the meeting index) and the order that matters (pending jobs).
@Suite struct BotStateSnapshotTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000.25)

    /// A state with more of everything than one segment holds.
    static var busyState: BotState {
        var state = BotState()
        var events: [DomainEvent] = [.firstStarted(at: start), .syncAdvanced(token: "s72_1"), .coordinatorsRoomLinked(roomID: "!c:test")]
        for index in 0..<600 {
            let who = "@p\(index):test"
            events += [.greeted(matrixID: who), .directRoomLinked(matrixID: who, roomID: "!r\(index):test"),
                       .inboundHandled(eventID: "$in\(index)")]
            if index % 3 == 0 { events.append(.consentRecorded(matrixID: who, consents: ["meetings": true, "evaluation": false], at: start)) }
            if index % 5 == 0 {
                events.append(.dialogMoved(matrixID: who, progress: DialogProgress(
                    dialogID: "checkin", stepID: "mood", answers: ["sleep": .number(3), "note": .text("ça va\nbien")],
                    parameters: ["day": "vendredi"], startedAt: start, askedAt: start.addingTimeInterval(0.5))))
            }
            if index % 7 == 0 { events.append(.languageChosen(matrixID: who, language: "ar")) }
            if index % 11 == 0 { events.append(.dialogQueued(matrixID: who, QueuedDialog(dialogID: "meeting_confirm", parameters: ["m": "x"]))) }
        }
        for index in 0..<300 {
            let meeting = Meeting(id: "meeting-\(index)", pairID: "P-\(index % 40)", plannedBy: "M\(index % 40)",
                                  startsAt: start.addingTimeInterval(Double(index % 17) * 86_400 + 0.125), timeZone: "Europe/Brussels",
                                  place: "the library", form: "in_person", status: index % 4 == 0 ? .proposed : .confirmed)
            events.append(.meetingSaved(meeting))
            // Many due at the same moment, scheduled in an order the sort alone would not give back.
            for (number, offset) in [86_400.0, 7_200, 7_200, -14_400].enumerated() {
                events.append(.jobScheduled(ScheduledJob(id: "job-\(index)-\(number)",
                                                         kind: .meetingReminder(meetingID: meeting.id, matrixID: "@p\(index):test"),
                                                         dueAt: meeting.startsAt.addingTimeInterval(-offset))))
            }
        }
        // A meeting moved: saved again under the same id.
        var moved = Meeting(id: "meeting-7", pairID: "P-7", plannedBy: "E7", startsAt: start.addingTimeInterval(3 * 86_400),
                            timeZone: "Europe/Brussels", place: "the park", form: "in_person", status: .confirmed)
        events.append(.meetingSaved(moved))
        moved.status = .logged
        events.append(.meetingSaved(moved))
        for index in 0..<280 {
            events.append(.answersRecorded(AnswerRecord(id: "record-\(index)", dialogID: "checkin", personID: "M\(index)", role: "mentor",
                                                        pairIDs: ["P-\(index)"], answers: ["mood": .choice("good"), "hours": .number(index)],
                                                        completedAt: start.addingTimeInterval(Double(index)))))
            events.append(.messageQueued(OutboxMessage(transactionID: "t-\(index)", target: index % 2 == 0 ? .person(matrixID: "@p\(index):test") : .coordinatorsRoom,
                                                       kind: index % 2 == 0 ? .text : .notice, body: "Bonjour \(index) ✓",
                                                       html: index % 3 == 0 ? "<b>\(index)</b>" : nil, mentions: ["@p1:test"],
                                                       questionFor: index % 2 == 0 ? "@p\(index):test" : nil)))
            events.append(.roomRequested(RoomRequest(id: "room-\(index)", action: index % 2 == 0 ? .createDirectRoom(matrixID: "@p\(index):test")
                                                        : .joinCoordinatorsRoom(reference: "#c:test", invite: ["@c:test"]))))
            if index % 2 == 0 {
                events.append(.ticketOpened(SupportTicket(reference: "S-\(index)", personID: "E\(index)", pairIDs: ["P-\(index)"], area: "housing",
                                                          urgency: "this_week", forWhom: "me", description: "needs \"help\"",
                                                          status: .open, openedAt: start)))
            }
        }
        events.append(.jobFinished(jobID: "job-3-1", outcome: .done, at: start))
        for event in events { state.apply(event) }
        return state
    }

    /// Each segment through JSON on its own, as the store writes and reads them, one per line.
    static func roundTrip(_ state: BotState) throws -> (state: BotState, lines: [Data]) {
        var lines: [Data] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try state.forEachSegment { lines.append(try encoder.encode($0)) }
        var remaining = lines[...]
        let rebuilt = try BotState(segments: {
            guard let line = remaining.popFirst() else { return nil }
            return try JSONDecoder().decode(BotState.Segment.self, from: line)
        })
        return (rebuilt, lines)
    }

    @Test func aStateRoundTripsThroughSegmentsToAnEqualValue() throws {
        let state = Self.busyState
        #expect(state.people.count == 600 && state.meetings.count == 300 && state.jobs.count == 1_199)
        #expect(state.records.count == 280 && state.outbox.count == 280 && state.roomRequests.count == 280 && state.tickets.count == 140)

        let (rebuilt, lines) = try Self.roundTrip(state)
        #expect(rebuilt == state)
        #expect(lines.count > 10, "the big collections are spread over several segments")
        #expect(lines.allSatisfy { !$0.contains(0x0A) }, "each segment is one line")
        #expect(lines.allSatisfy { $0.count < 100_000 }, "no segment is big")
        #expect(String(decoding: lines[0], as: UTF8.self).hasPrefix(#"{"state":{"#))

        // Derived and ordered parts, checked on their own.
        #expect(rebuilt.meeting("meeting-7")?.status == .logged)
        #expect(rebuilt.meeting("meeting-7")?.place == "the park")
        #expect(rebuilt.meeting("meeting-299") == state.meeting("meeting-299"))
        #expect(rebuilt.meeting("meeting-300") == nil)
        for meeting in state.meetings { #expect(rebuilt.meeting(meeting.id) == meeting) }
        #expect(rebuilt.jobs.map(\.id) == state.jobs.map(\.id))
        #expect(rebuilt.nextJob == state.nextJob && rebuilt.nextJob != nil)
        #expect(rebuilt.nextSequence == state.nextSequence && rebuilt.recentInboundIDs == state.recentInboundIDs)
        #expect(rebuilt.syncToken == "s72_1" && rebuilt.firstStartedAt == Self.start)

        // The rebuilt state goes on exactly as the original does.
        var original = state, restored = rebuilt
        let later = Meeting(id: "meeting-7", pairID: "P-7", plannedBy: "M7", startsAt: Self.start, timeZone: "Europe/Brussels",
                            place: "online", form: "video", status: .cancelled)
        for event: DomainEvent in [.meetingSaved(later), .jobScheduled(ScheduledJob(id: "job-new", kind: .logRequest(meetingID: "meeting-1", matrixID: "@p1:test"),
                                                                                   dueAt: Self.start.addingTimeInterval(7_200)))] {
            original.apply(event)
            restored.apply(event)
        }
        #expect(restored == original)
        #expect(restored.meetings.count == 300)
    }

    @Test func theSameStateAlwaysGivesTheSameSegments() throws {
        let state = Self.busyState
        #expect(try Self.roundTrip(state).lines == Self.roundTrip(Self.roundTrip(state).state).lines)
    }

    @Test func anEmptyStateRoundTrips() throws {
        let (rebuilt, lines) = try Self.roundTrip(BotState())
        #expect(rebuilt == BotState())
        #expect(lines.count == 1)
    }

    @Test func segmentsOutOfShapeAreRefused() throws {
        #expect(throws: (any Error).self) { _ = try BotState(segments: { nil }) }
        var segments: [BotState.Segment] = [.jobs([]), .state(BotState())]
        #expect(throws: (any Error).self) { _ = try BotState(segments: { segments.isEmpty ? nil : segments.removeFirst() }) }
        segments = [.state(BotState()), .state(BotState())]
        #expect(throws: (any Error).self) { _ = try BotState(segments: { segments.isEmpty ? nil : segments.removeFirst() }) }
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(BotState.Segment.self, from: Data(#"{"jobs":[],"tickets":[]}"#.utf8)) }
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(BotState.Segment.self, from: Data(#"{"gadgets":[]}"#.utf8)) }
    }

    /// Through the store on disk, and from a snapshot written before segments (the whole state as
    /// one object), which must still open and be replaced by segments at the next snapshot.
    @Test func theStoreKeepsTheStateAndUpgradesAnOldSnapshot() async throws {
        let state = Self.busyState
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("state-snapshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let old = try encoder.encode(OldSnapshotFile(lastSequence: 0, state: state))
        try old.write(to: directory.appendingPathComponent("snapshot.json"))

        do {
            let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
            #expect(recovered.snapshot == state)
            try await store.writeSnapshot(state)
            await store.close()
        }
        let text = try String(contentsOf: directory.appendingPathComponent("snapshot.json"), encoding: .utf8)
        #expect(text.hasPrefix(#"{"lastSequence":0,"snapshotFormat":2}"# + "\n"))
        let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        #expect(recovered.snapshot == state)
        #expect(recovered.snapshot?.meeting("meeting-7")?.status == .logged)
        await store.close()
    }

    struct OldSnapshotFile: Encodable {
        var lastSequence: Int
        var state: BotState
    }
}
