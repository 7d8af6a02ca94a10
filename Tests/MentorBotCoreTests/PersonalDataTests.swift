import BotModel
import Dialogs
import DurableStore
import Foundation
@testable import MentorBotCore
@testable import MentorBotDaemon
import Testing

/// Issue 14: a person's data on request, and an erasure that leaves none of it in any file.
@Suite struct PersonalDataTests {
    static let mentee = CoreFixture.configuration.roster.person(id: "E1")!
    static let freeText = "my landlord Walid keeps my passport"

    /// The fixture's programme after a few weeks: both onboarded, the mentee asked for support in
    /// their own words, wrote "sos", planned a meeting and answered a check-in; the mentor logged
    /// something too.
    static func livedIn() -> CoreFixture {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.say("sos", from: CoreFixture.mentee)
        let at = fixture.now
        for event: DomainEvent in [
            .ticketOpened(SupportTicket(reference: "S-1", personID: "E1", pairIDs: ["P-001"], area: "housing", urgency: "soon",
                                        forWhom: "me", description: freeText, status: .open, openedAt: at)),
            .meetingSaved(Meeting(id: "m1", pairID: "P-001", plannedBy: "E1", startsAt: at + 86_400, timeZone: "Europe/Brussels",
                                  place: "the library on Rue Haute", form: "in_person", status: .confirmed)),
            .answersRecorded(AnswerRecord(id: "r1", dialogID: "mentee_checkin", personID: "E1", role: "mentee", pairIDs: ["P-001"],
                                          answers: ["satisfaction": .choice("3"), "needs": .text(freeText)], completedAt: at)),
            .answersRecorded(AnswerRecord(id: "r2", dialogID: "mentor_checkin", personID: "M1", role: "mentor", pairIDs: ["P-001"],
                                          answers: ["satisfaction": .choice("4")], completedAt: at)),
        ] { fixture.state.apply(event) }
        // A check-in the bot put to the mentee (kept for the programme's figures).
        let checkIn = ScheduledJob(id: "j-checkin", kind: .checkIn(pairID: "P-001", matrixID: CoreFixture.mentee), dueAt: at)
        fixture.state.apply(.jobScheduled(checkIn))
        fixture.state.apply(.jobFinished(jobID: checkIn.id, outcome: .done, at: at))
        return fixture
    }

    @Test func theExportHoldsEverythingAboutThePersonAndNothingOfOthers() {
        let fixture = Self.livedIn()
        let data = fixture.state.personalData(of: Self.mentee, pairIDs: ["P-001"], at: fixture.now)
        #expect(data.person.matrixID == CoreFixture.mentee)
        #expect(data.consents?["checkins"] == true && data.consentsGivenAt != nil)
        #expect(data.answers.map(\.id).contains("r1") && !data.answers.contains { $0.personID != "E1" })
        #expect(data.supportRequests.map(\.reference) == ["S-1"])
        #expect(data.incidents.count == 1 && data.meetingsPlanned.map(\.id) == ["m1"])
        #expect(data.directRoomID == "!dm-\(CoreFixture.mentee)")
        #expect(data.checkInsSentAt == [fixture.now])
        let text = DataRights.readableText(data)
        #expect(text.contains(Self.freeText) && text.contains("the library on Rue Haute"))
    }

    @Test func anErasedPersonLeavesNoTraceInTheStateAndOthersKeepTheirs() throws {
        var fixture = Self.livedIn()
        let mentorBefore = fixture.state.records.filter { $0.personID == "M1" }
        let erasure = fixture.state.erase(Self.mentee)
        #expect(erasure.supportRequests == 1 && erasure.incidents == 1 && erasure.meetings == 1)
        let encoded = String(decoding: try JSONEncoder().encode(fixture.state), as: UTF8.self)
        for trace in [CoreFixture.mentee, "!dm-\(CoreFixture.mentee)", Self.freeText, "Rue Haute", "\"E1\""] {
            #expect(!encoded.contains(trace), "\(trace) is still in the state")
        }
        // They agreed to anonymous figures: the check-in's choice stays, with no person, no pair, no words.
        let anonymous = fixture.state.records.filter { $0.personID.isEmpty }
        #expect(anonymous.map(\.answers) == [["satisfaction": .choice("3")]] && anonymous.allSatisfy { $0.pairIDs.isEmpty })
        #expect(fixture.state.checkInsSent == [CheckInSent(matrixID: "", pairID: "", role: "mentee", at: fixture.now)])
        #expect(fixture.state.records.filter { $0.personID == "M1" } == mentorBefore)
        #expect(fixture.state.person(CoreFixture.mentor).greeted)
    }

    @Test func withoutConsentToFiguresNothingOfTheirAnswersIsKept() {
        var fixture = Self.livedIn()
        fixture.state.apply(.consentRecorded(matrixID: CoreFixture.mentee, consents: ["checkins": true, "meetings": true, "evaluation": false],
                                             at: fixture.now))
        let erasure = fixture.state.erase(Self.mentee)
        #expect(erasure.answersKeptAnonymous == 0 && !fixture.state.records.contains { $0.personID.isEmpty })
        #expect(fixture.state.checkInsSent.isEmpty)
    }

    @Test func anErasedPersonStillOnTheRosterIsNotGreetedAgain() {
        var fixture = Self.livedIn()
        _ = fixture.state.erase(Self.mentee)
        fixture.state.apply(.audited(AuditEntry(action: "erase", subject: "E1", by: "test", at: fixture.now)))
        let sent = fixture.handle(.started)
        #expect(!sent.contains(.greeted(matrixID: CoreFixture.mentee)))
    }

    /// On a real disk: after `DataRights.erase` no file in the data directory holds the person's
    /// Matrix id, room id or words, the audit log says who erased whom, and the store opens
    /// to the erased state.
    @Test func erasureOnDiskLeavesNoFileWithTheirDataAndIsAudited() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("erase-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = Self.livedIn()
        do {
            // The store as the daemon leaves it: an older snapshot and a journal after it.
            let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
            try await store.writeSnapshot(fixture.state)
            try await store.append([.messageQueued(OutboxMessage(transactionID: "t-late", target: .person(matrixID: CoreFixture.mentee), kind: .text,
                                                                 body: Self.freeText))])
            await store.close()
        }
        let exported = try await DataRights.export(Self.mentee, pairIDs: ["P-001"], dataDirectory: directory, by: "alice")
        #expect(exported.messagesWaiting.map(\.transactionID) == ["t-late"])
        let erasure = try await DataRights.erase(Self.mentee, dataDirectory: directory, by: "alice")
        #expect(erasure.messages >= 1)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = String(decoding: try Data(contentsOf: directory.appendingPathComponent(file)), as: UTF8.self)
            for trace in [CoreFixture.mentee, "!dm-\(CoreFixture.mentee)", Self.freeText, "Rue Haute"] {
                #expect(!bytes.contains(trace), "\(file) still holds \(trace)")
            }
        }
        let log = try await DataRights.auditLog(dataDirectory: directory)
        #expect(log.map(\.action).suffix(2) == ["export", "erase"] && log.last?.by == "alice" && log.last?.subject == "E1")
        let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        await store.close()
        #expect(recovered.snapshot?.person(CoreFixture.mentor).greeted == true)
        #expect(recovered.snapshot?.people[CoreFixture.mentee] == nil)
    }
}

/// Issue 14: `programme.retention` says whose data to erase once their pairs have ended long enough.
@Suite struct RetentionTests {
    static func fixture(retention: CalendarPeriod?, endDate: String) -> CoreFixture {
        var configuration = CoreFixture.configuration
        configuration.programme.retention = retention
        configuration.roster.pairs[0].endDate = endDate
        var fixture = CoreFixture(configuration: configuration)
        fixture.startAndConsent()
        return fixture
    }

    @Test func peopleOfAPairThatEndedLongerAgoThanTheRetentionAreDueAndNobodyElse() {
        // The fixture's clock is mid-January 2027; the pair ended in November 2025 or 2026.
        let longAgo = Self.fixture(retention: .months(12), endDate: "2025-11-30")
        #expect(Set(longAgo.core.retentionDue(in: longAgo.state, at: longAgo.now).map(\.id)) == ["M1", "E1"])
        let recent = Self.fixture(retention: .months(12), endDate: "2026-11-30")
        #expect(recent.core.retentionDue(in: recent.state, at: recent.now).isEmpty)
        let off = Self.fixture(retention: nil, endDate: "2025-11-30")
        #expect(off.core.retentionDue(in: off.state, at: off.now).isEmpty)
    }

    @Test func peopleTakenOffTheRosterAreErasedOnceTheRetentionHasPassedSinceThen() {
        let fixture = Self.fixture(retention: .months(12), endDate: "2028-12-31")
        var configuration = fixture.core.configuration
        configuration.roster.people.removeAll { $0.id == "E1" }
        configuration.roster.pairs = []
        var (next, _) = ReloadTests.reloaded(fixture, to: configuration)
        #expect(next.state.departedPeople.map(\.id) == ["E1"], "the mentor is still on the roster")
        #expect(next.core.retentionDue(in: next.state, at: next.now).isEmpty, "kept for the retention period")
        let later = next.now + 366 * 86_400
        #expect(next.core.retentionDue(in: next.state, at: later).map(\.id) == ["E1"])
        #expect(next.core.retentionDue(in: next.state, at: later).first?.matrixID == CoreFixture.mentee)
        _ = next.state.erase(next.state.departedPeople[0].person)
        #expect(next.state.departedPeople.isEmpty && next.core.retentionDue(in: next.state, at: later).isEmpty)
        #expect(next.state.people[CoreFixture.mentee] == nil)
    }

    @Test func someoneErasedAlreadyIsNotDueAgainAndTheCoordinatorsHearPairsOnly() {
        var fixture = Self.fixture(retention: .months(12), endDate: "2025-11-30")
        let mentee = fixture.core.configuration.roster.person(id: "E1")!
        _ = fixture.state.erase(mentee)
        fixture.state.apply(.audited(AuditEntry(action: "erase", subject: "E1", by: "retention", at: fixture.now)))
        #expect(fixture.core.retentionDue(in: fixture.state, at: fixture.now).map(\.id) == ["M1"])
        fixture.handle(.purged(pairIDs: ["P-001"]))
        let told = fixture.deliverAll().toCoordinators
        #expect(told.count == 1 && told[0].body.contains("P-001") && !told[0].body.contains(CoreFixture.mentee))
    }
}

/// Issue 14: who paused, resumed or closed a pair, and who moved a support request on, stays
/// known after a snapshot (the state kept only which pairs were paused or closed, not by whom).
@Suite struct AuditTests {
    @Test func coordinatorsActionsOnPairsAndTicketsAreKeptInTheStateWithWhoAndWhen() throws {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        for command in ["pause P-001", "resume P-001", "close P-001"] { fixture.sayInCoordinatorsRoom(command) }
        let actions = fixture.state.audit.map { "\($0.action) \($0.subject) \($0.by)" }
        #expect(actions == ["pause P-001 C1", "resume P-001 C1", "close P-001 C1"])
        let reread = try JSONDecoder().decode(BotState.self, from: JSONEncoder().encode(fixture.state))
        #expect(reread.audit == fixture.state.audit, "kept across a snapshot")
    }
}

/// "erase E1" in the coordinators' room: it says what goes and asks for a yes; only the same
/// coordinator's yes within 15 minutes has the data erased; the room hears once it is done.
@Suite struct CoordinatorEraseTests {
    static var withSecondCoordinator: Configuration {
        var configuration = CoreFixture.configuration
        configuration.roster.people.append(Person(id: "C2", matrixID: "@coord2:test", role: .coordinator, language: "en", timeZone: "Europe/Brussels"))
        return configuration
    }

    @Test func askedThenConfirmedBySameCoordinatorWithinTheWindow() {
        var fixture = CoreFixture(configuration: Self.withSecondCoordinator)
        fixture.startAndConsent()
        fixture.state.apply(.coordinatorsRoomLinked(roomID: "!coordinators"))
        let core = fixture.core

        #expect(fixture.sayInCoordinatorsRoom("erase E1 yes").toCoordinators.bodies == [fixture.text("coordinator.erase.ask_first", "en", ["person": "E1"])],
                "a yes with nothing asked erases nothing")
        let asked = fixture.sayInCoordinatorsRoom("erase e1")
        #expect(asked.toCoordinators.bodies == [fixture.text("coordinator.erase.confirm", "en", ["person": "E1", "pairs": "P-001"])])
        #expect(core.erasuresConfirmed(in: fixture.state).isEmpty)

        // Another coordinator's yes does not count.
        fixture.sayInCoordinatorsRoom("erase E1 yes", from: "@coord2:test")
        #expect(core.erasuresConfirmed(in: fixture.state).isEmpty)

        // The same coordinator, 10 minutes later: confirmed, nothing said until it is done.
        fixture.now += 600
        let confirmed = fixture.sayInCoordinatorsRoom("erase E1 yes")
        #expect(confirmed.toCoordinators.isEmpty)
        #expect(core.erasuresConfirmed(in: fixture.state).map(\.person.id) == ["E1"])
        #expect(core.erasuresConfirmed(in: fixture.state).map(\.by) == ["C1"])

        // The shell erases (as BotRuntime.erase does) and reports back.
        _ = fixture.state.erase(CoreFixture.configuration.roster.person(id: "E1")!)
        #expect(fixture.state.erasureRequests.isEmpty && core.erasuresConfirmed(in: fixture.state).isEmpty)
        fixture.handle(.erased(personID: "E1", by: "C1"))
        #expect(fixture.deliverAll().toCoordinators.bodies == [fixture.text("coordinator.erase.done", "en", ["person": "E1"])])
    }

    @Test func aLateYesUnknownPeopleAndCoordinatorsAreRefused() {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        fixture.state.apply(.coordinatorsRoomLinked(roomID: "!coordinators"))
        fixture.sayInCoordinatorsRoom("erase E1")
        fixture.now += 16 * 60
        #expect(fixture.sayInCoordinatorsRoom("erase E1 yes").toCoordinators.bodies == [fixture.text("coordinator.erase.ask_first", "en", ["person": "E1"])])
        #expect(fixture.core.erasuresConfirmed(in: fixture.state).isEmpty)
        #expect(fixture.sayInCoordinatorsRoom("erase E9-1").toCoordinators.bodies == [fixture.text("coordinator.erase.unknown", "en", ["person": "E9-1"])])
        #expect(fixture.sayInCoordinatorsRoom("erase C1").toCoordinators.bodies == [fixture.text("coordinator.erase.coordinator", "en", ["person": "C1"])])
        // A word that is not an id stays conversation: no reply at all.
        #expect(fixture.sayInCoordinatorsRoom("erase everything please").isEmpty)
    }
}
