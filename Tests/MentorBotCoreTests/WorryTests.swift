import BotModel
import Foundation
@testable import MentorBotCore
import Safeguarding
import Testing

/// The three answers of the screening through the pure core: a semantic reading above the alert
/// threshold raises an incident as a phrase does; one between ask and alert asks the person gently
/// and leaves a low-priority note in the inbox without paging anyone; several such signals within a
/// few days raise an incident. And the safety word wherever it stands, however it is disguised.
@Suite struct WorryTests {
    static func fixture() -> CoreFixture {
        var fixture = CoreFixture()
        fixture.startAndConsent()
        return fixture
    }

    static let pair = SemanticThresholds.calibratedPair
    static let unsure = SemanticMatch(category: .violenceAtHome, score: (pair.ask + pair.alert) / 2, nearest: "en.chat.txt:20")
    static let sure = SemanticMatch(category: .threat, score: pair.alert + 0.01, nearest: "en.chat.txt:2")

    /// A message whose words no phrase list knows, read by the semantic layer as `match` (the
    /// readings are given here: these tests are about what the core does with them).
    static func say(_ fixture: inout CoreFixture, _ match: SemanticMatch?, text: String = "today was a long day, see you next week",
                    from sender: String = CoreFixture.mentee) -> [OutboxMessage] {
        fixture.now += 60
        fixture.handle(.text(InboundText(eventID: fixture.nextEventID(), roomID: "!dm-\(sender)", sender: sender, body: text,
                                         sentAt: fixture.now, semantic: match)))
        return fixture.deliverAll()
    }

    @Test func anUnsureReadingAsksGentlyAndNotesAWorryWithoutPagingAnyone() throws {
        var fixture = Self.fixture()
        let sent = Self.say(&fixture, Self.unsure)
        #expect(sent.to(CoreFixture.mentee).bodies.first == fixture.text("bot.safety.ask", "en"))
        #expect(sent.toCoordinators.isEmpty, "nobody is paged, nothing is posted")
        #expect(fixture.state.incidents.isEmpty)
        let worry = try #require(fixture.state.worries.first)
        #expect(worry.reference == "W-001" && worry.category == .violenceAtHome && worry.pairIDs == ["P-001"] && worry.isOpen)

        // The inbox shows it, low priority, without the person's words; "ack W-001" takes it off.
        let inbox = fixture.sayInCoordinatorsRoom("inbox").bodies.joined(separator: "\n")
        #expect(inbox.contains("W-001") && inbox.contains("P-001") && !inbox.contains("long day"))
        let seen = fixture.sayInCoordinatorsRoom("ack W-001")
        #expect(seen.toCoordinators.first?.body == fixture.text("coordinator.worry_seen", "en", ["reference": "W-001", "who": CoreFixture.coordinator]))
        #expect(seen.to(CoreFixture.mentee).isEmpty, "the person is not told")
        #expect(!fixture.sayInCoordinatorsRoom("inbox").bodies.joined().contains("W-001"))
    }

    @Test func anUnsureReadingStillLetsTheMessageAnswerTheOpenQuestion() {
        var fixture = Self.fixture()
        fixture.say("menu", from: CoreFixture.mentee)
        let before = fixture.state.person(CoreFixture.mentee).dialog
        let sent = Self.say(&fixture, Self.unsure, text: "1")
        #expect(sent.to(CoreFixture.mentee).bodies.first == fixture.text("bot.safety.ask", "en"))
        #expect(fixture.state.person(CoreFixture.mentee).dialog != before, "the answer moved the dialog on")
    }

    @Test func aSureReadingRaisesAnIncidentAsAPhraseWould() throws {
        var fixture = Self.fixture()
        let sent = Self.say(&fixture, Self.sure, text: "see you at the library on friday then")
        let incident = try #require(fixture.state.incidents.first)
        #expect(incident.category == .threat && incident.phrase == "≈ en.chat.txt:2")
        #expect(sent.toCoordinators.first?.mentions == [CoreFixture.coordinator], "the on-duty coordinator is paged")
        #expect(sent.to(CoreFixture.mentee).bodies.first == fixture.text("bot.safety.reply", "en", ["emergency": "112"]))
        #expect(fixture.state.worries.isEmpty)
    }

    @Test func aLongerMessageReadOnlyWholeAgainstThresholdsAReloadHasSinceRaisedIsAskedAboutNotLetPass() throws {
        // The shell read the whole, saw it alert and left the pieces unread; a reload then raised
        // the alert above its score before the core judged it.
        let unread = SemanticMatch(category: .threat, score: Self.pair.alert + 0.01, nearest: "en.chat.txt:2", partsUnread: true)
        var raised = CoreFixture.configuration
        raised.programme.safety.semantic.thresholds = SemanticThresholds(everyCategory: .init(ask: 0.3, alert: 0.5))
        var fixture = CoreFixture(configuration: raised)
        fixture.startAndConsent()
        let sent = Self.say(&fixture, unread)
        #expect(sent.to(CoreFixture.mentee).bodies.first == fixture.text("bot.safety.ask", "en"))
        #expect(fixture.state.incidents.isEmpty && fixture.state.worries.first?.category == .threat)
        // The same score read in full is below the raised ask: nothing to say.
        var full = CoreFixture(configuration: raised)
        full.startAndConsent()
        _ = Self.say(&full, SemanticMatch(category: .threat, score: Self.pair.alert + 0.01, nearest: "en.chat.txt:2"))
        #expect(full.state.worries.isEmpty && full.state.incidents.isEmpty)
    }

    @Test func aLongerMessageWhosePieceReadsAsDangerRaisesAnIncidentForThatPiece() throws {
        var fixture = Self.fixture()
        // The whole reads as ordinary talk; one piece of it, as a threat.
        let diluted = SemanticMatch(category: .violenceAtHome, score: Self.pair.ask - 0.01, nearest: "en.chat.txt:20",
                                    piece: .init(category: .threat, score: SemanticThresholds.calibratedPieceAlert + 0.01, nearest: "fr.chat2.txt:8"))
        let sent = Self.say(&fixture, diluted)
        let incident = try #require(fixture.state.incidents.first)
        #expect(incident.category == .threat && incident.phrase == "≈ fr.chat2.txt:8", "the piece that decided is the reason")
        #expect(sent.toCoordinators.first?.mentions == [CoreFixture.coordinator], "the on-duty coordinator is paged")
        #expect(fixture.state.worries.isEmpty)
    }

    @Test func aLongerMessageWhosePieceReadsAsUnsureIsAskedAboutAndTheWorryNamesThatPiece() throws {
        var fixture = Self.fixture()
        // The whole of a longer message between ask and alert does not ask on its own; its
        // strongest piece, above the pieces' ask, does, and the note keeps that piece's reading.
        let piece = SemanticMatch.Piece(category: .threat, score: SemanticThresholds.calibratedPieceAsk + 0.001, nearest: "fr.chat2.txt:8")
        let sent = Self.say(&fixture, SemanticMatch(category: .violenceAtHome, score: Self.unsure.score, nearest: "en.chat.txt:20", piece: piece))
        #expect(sent.to(CoreFixture.mentee).bodies.first == fixture.text("bot.safety.ask", "en"))
        #expect(sent.toCoordinators.isEmpty && fixture.state.incidents.isEmpty, "nobody is paged")
        let worry = try #require(fixture.state.worries.first)
        #expect(worry.category == .threat && worry.score == piece.score && worry.nearest == "fr.chat2.txt:8", "\(worry)")
        // The same whole with a quiet piece: nothing at all.
        fixture.now += 2 * 86_400
        let quiet = SemanticMatch.Piece(category: .threat, score: SemanticThresholds.calibratedPieceAsk - 0.001, nearest: "fr.chat2.txt:8")
        _ = Self.say(&fixture, SemanticMatch(category: .violenceAtHome, score: Self.unsure.score, nearest: "en.chat.txt:20", piece: quiet))
        #expect(fixture.state.worries.count == 1)
    }

    @Test func aPhraseDoubtedBecauseTheMessageReadsAsOrdinaryTalkNotesAWorryInThePhrasesCategory() throws {
        var fixture = Self.fixture()
        let ordinaryTalk = SemanticMatch(category: .crisis, score: SemanticThresholds.calibratedPhraseDoubt - 0.01, nearest: "en.chat.txt:5")
        let sent = Self.say(&fixture, ordinaryTalk, text: "they took my passport")
        #expect(sent.to(CoreFixture.mentee).bodies.first == fixture.text("bot.safety.ask", "en"))
        #expect(fixture.state.incidents.isEmpty)
        let worry = try #require(fixture.state.worries.first)
        #expect(worry.category == .documentsTaken && worry.nearest == "en.chat.txt:5", "the phrase names it: \(worry)")
    }

    @Test func aShortCallForHelpIsAskedAboutEveryTimeAndNotedWithoutPagingAnyone() throws {
        var fixture = Self.fixture()
        // Too short for the model: the call list hears it.
        let first = Self.say(&fixture, nil, text: "help me!!")
        #expect(first.to(CoreFixture.mentee).bodies == [fixture.text("bot.safety.ask", "en")], "the question, and nothing colder after it")
        #expect(first.toCoordinators.isEmpty && fixture.state.incidents.isEmpty, "nobody is paged")
        let worry = try #require(fixture.state.worries.first)
        #expect(worry.category == .crisis && worry.score == nil && worry.nearest.hasPrefix("en.yaml:"), "\(worry)")
        // Again within the hour: asked again (silence would be the worst answer), noted again.
        fixture.now += 3_600
        let second = Self.say(&fixture, nil, text: "pls help")
        #expect(second.to(CoreFixture.mentee).bodies == [fixture.text("bot.safety.ask", "en")])
        #expect(fixture.state.worries.count == 2)
        // Inside a dialog the question is the whole answer too; the open question waits.
        fixture.now += 86_400 * 4
        fixture.say("menu", from: CoreFixture.mentee)
        let before = fixture.state.person(CoreFixture.mentee).dialog
        let inDialog = Self.say(&fixture, nil, text: "im scared")
        #expect(inDialog.to(CoreFixture.mentee).bodies == [fixture.text("bot.safety.ask", "en")])
        #expect(fixture.state.person(CoreFixture.mentee).dialog == before)
        // A catalog's help word stays the help command, which names sos: German "hilf mir".
        fixture.say("language de", from: CoreFixture.mentee)
        let help = Self.say(&fixture, nil, text: "hilf mir")
        #expect(help.to(CoreFixture.mentee).bodies.first == fixture.text("bot.help", "de"), "\(help.to(CoreFixture.mentee).bodies)")
        #expect(fixture.state.worries.count == 3)
    }

    @Test func aRunOfWorriesWithinDaysRaisesAnIncident() throws {
        var fixture = Self.fixture()
        let first = Self.say(&fixture, Self.unsure)
        #expect(first.to(CoreFixture.mentee).bodies == [fixture.text("bot.safety.ask", "en")], "the question, and no \"I did not understand\"")
        fixture.now += 3_600
        let second = Self.say(&fixture, SemanticMatch(category: .threat, score: Self.pair.ask, nearest: "x"), text: "the bus was late again this morning")
        #expect(second.to(CoreFixture.mentee).bodies.allSatisfy { $0 != fixture.text("bot.safety.ask", "en") }, "asked once a day at most")
        #expect(fixture.state.incidents.isEmpty)
        fixture.now += 86_400
        let third = Self.say(&fixture, SemanticMatch(category: .debtOrWorkPressure, score: Self.pair.ask + 0.003, nearest: "y"),
                             text: "we could meet at the library on friday")
        let incident = try #require(fixture.state.incidents.first)
        #expect(incident.category == .threat, "the most severe signal names it")
        #expect(third.toCoordinators.first?.mentions == [CoreFixture.coordinator])
        #expect(fixture.state.worries.allSatisfy { $0.incident == incident.reference && !$0.isOpen })
    }

    @Test func worriesFurtherApartThanTheWindowDoNotAddUp() {
        var fixture = Self.fixture()
        for _ in 0..<3 {
            _ = Self.say(&fixture, Self.unsure)
            fixture.now += 4 * 86_400
        }
        #expect(fixture.state.incidents.isEmpty)
        #expect(fixture.state.worries.count == 3)
    }

    @Test(arguments: ["sos please", "help sos", "SOS I need help", "sos sos", "s\u{200B}os", "\u{202E}sos\u{202C}", "sos\u{0}",
                      "ЅОЅ", "сос", "ＳＯＳ", "s.o.s", "S O S help", "pls s0s"])
    func theSafetyWordCountsWhereverItStands(text: String) throws {
        var fixture = CoreFixture()
        fixture.startAndLinkRooms()
        // Mid-onboarding: "SOS I need help" must never be taken as an answer.
        let sent = fixture.say(text, from: CoreFixture.mentee)
        let incident = try #require(fixture.state.incidents.first, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        #expect(incident.category == .safetyWord)
        #expect(sent.to(CoreFixture.mentee).first?.body == fixture.text("bot.safety.reply", "en", ["emergency": "112"]))
    }

    @Test(arguments: ["sosa", "I lost my sons hat", "room 505", "the SOS Children's Village called me back, all good",
                      "chaos", "s o", "dos"])
    func wordsThatOnlyLookLikeTheSafetyWordDoNot(text: String) {
        var fixture = Self.fixture()
        fixture.say(text, from: CoreFixture.mentee)
        if text.contains("SOS") {
            // The word itself stands there: it counts, even in a name. Better one call too many.
            #expect(!fixture.state.incidents.isEmpty)
        } else {
            #expect(fixture.state.incidents.isEmpty, "\(text)")
        }
    }
}
