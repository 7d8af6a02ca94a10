import BotModel
import Foundation
@testable import MentorBotCore
import Rehearsal
import Testing

/// Issue 13: a reload hands the core a new roster while the bot runs. What a start does happens
/// for it (new people greeted, new pairs planned), and a pair the roster dropped ends kindly.
@Suite struct ReloadTests {
    /// The fixture with routine on, carried on with `configuration` as a reload would.
    static func reloaded(_ fixture: CoreFixture, to configuration: Configuration) -> (CoreFixture, [DomainEvent]) {
        var next = CoreFixture(configuration: configuration)
        next.state = fixture.state
        next.now = fixture.now + 60
        let change = RosterChange(from: fixture.core.configuration.roster, to: configuration.roster)
        let events = next.handle(.reloaded(removedPairs: change.removedPairs, removedPeople: change.removedPeople))
        return (next, events)
    }

    @Test func aPersonAndAPairAddedAreGreetedAndPlanned() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        var configuration = fixture.core.configuration
        configuration.roster.people.append(Person(id: "E2", matrixID: CoreFixture.secondMentee, role: .mentee, language: "en",
                                                  timeZone: "Europe/Brussels"))
        configuration.roster.pairs.append(Pair(id: "P-002", mentorID: "M1", menteeID: "E2", startDate: "2027-01-15"))
        var (next, _) = Self.reloaded(fixture, to: configuration)
        for input in Rehearsal.roomsOpened(for: next.state.roomRequests) { next.handle(input) }
        let sent = next.deliverAll()
        #expect(sent.to(CoreFixture.secondMentee).first?.body == next.text("bot.greeting.mentee", "en"))
        #expect(next.state.person(CoreFixture.secondMentee).dialog?.dialogID == "onboarding")
        #expect(next.state.jobs.contains { $0.kind == .checkIn(pairID: "P-002", matrixID: CoreFixture.mentor) })
        #expect(next.state.jobs.contains { $0.kind == .pairEnding(pairID: "P-002") })
        // Nobody already greeted hears from the bot again.
        #expect(sent.to(CoreFixture.mentor).isEmpty && sent.to(CoreFixture.mentee).isEmpty)
    }

    @Test func aPairRemovedEndsKindlyWithTheClosingQuestionsAndItsJobsStop() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        #expect(fixture.state.jobs.contains { $0.kind.pairID == "P-001" })
        var configuration = fixture.core.configuration
        configuration.roster.pairs.removeAll()
        var (next, events) = Self.reloaded(fixture, to: configuration)
        #expect(events.contains(.pairClosed(pairID: "P-001", by: "roster", at: next.now)))
        #expect(!next.state.jobs.contains { $0.kind.pairID == "P-001" }, "no check-in or reminder for a pair that left the roster")
        let sent = next.deliverAll()
        #expect(sent.to(CoreFixture.mentee).first?.body == next.text("closure.intro", "en"))
        #expect(next.state.person(CoreFixture.mentor).dialog?.dialogID == "closure")
        // The closing answers belong to the pair, though the roster no longer has it.
        while next.state.person(CoreFixture.mentee).dialog?.dialogID == "closure" { next.say("1", from: CoreFixture.mentee) }
        let record = next.state.records.last { $0.dialogID == "closure" }
        #expect(record?.pairIDs == ["P-001"])
    }

    @Test func aReloadThatChangesNothingDoesNothing() {
        var fixture = CadenceTests.fixture()
        fixture.startAndConsent()
        let (_, events) = Self.reloaded(fixture, to: fixture.core.configuration)
        #expect(events.isEmpty)
    }

    @Test func theRosterChangeNamesWhatWasAddedRemovedAndChanged() {
        let old = CoreFixture.mentorWithTwoMentees.roster
        var new = CoreFixture.configuration.roster
        new.pairs[0].endDate = "2029-01-01"
        new.people.append(Person(id: "M2", matrixID: "@m2:test", role: .mentor, language: "de", timeZone: "Europe/Berlin"))
        let change = RosterChange(from: old, to: new)
        #expect(change.addedPeople.map(\.id) == ["M2"])
        #expect(change.removedPeople.map(\.id) == ["E2"])
        #expect(change.addedPairs.isEmpty)
        #expect(change.removedPairs.map(\.id) == ["P-002"])
        #expect(change.changedPairs.map(\.id) == ["P-001"])
        #expect(RosterChange(from: old, to: old).isEmpty)
    }
}
