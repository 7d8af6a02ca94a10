import Foundation
import Synchronization
import Testing
@testable import Safeguarding

/// The semantic layer's decisions and its calibration, on hand-made embeddings and scores (no model
/// needed): what a phrase match does when the message reads as ordinary talk, that each language's
/// average is taken away before comparing, and where calibration puts the thresholds.
@Suite struct CalibrationTests {
    static func phrase(_ category: DangerCategory) -> ScreeningResult {
        ScreeningResult(category: category, phrase: "killing ... me", language: "en", line: 1)
    }

    @Test func aPhraseOnAMessageThatReadsAsOrdinaryTalkAsksInsteadOfAlerting() {
        let thresholds = SemanticThresholds()
        let ordinaryTalk = SemanticMatch(category: .threat, score: thresholds.phraseDoubt - 0.01, nearest: "en.chat.txt:3")
        let unsure = SemanticMatch(category: .threat, score: thresholds.phraseDoubt + 0.001, nearest: "en.chat.txt:3")
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: ordinaryTalk, thresholds: thresholds).level == .ask)
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: ordinaryTalk, thresholds: thresholds).category == .threat)
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: unsure, thresholds: thresholds).level == .alert)
        // Too short for the model (no match at all): the phrase alone decides.
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: nil, thresholds: thresholds).level == .alert)
    }

    /// Four-dimensional "embeddings": danger along the first axis, ordinary talk along the second,
    /// and which language a text is in along the third (language "a") or fourth (language "b"),
    /// as the model mixes both into one picture. Normalised as the model gives them.
    static func example(_ category: DangerCategory?, _ reference: String, _ vector: [Float]) -> (SemanticIndex.Example, [Float]) {
        (SemanticIndex.Example(category: category, text: "message \(reference)", reference: reference), SemanticIndex.normalised(vector))
    }

    @Test func aShortCallForHelpAsksUnlessTheModelReadsItAsDanger() {
        let call = ScreeningResult(category: .crisis, phrase: "help me", language: "en", line: 12, isCall: true)
        let thresholds = SemanticThresholds()
        // Too short for the model: the call asks, in the crisis category.
        let alone = Assessment(phrase: call, semantic: nil, thresholds: thresholds)
        #expect(alone.level == .ask && alone.category == .crisis)
        // Read as ordinary talk, it still asks: the person called for help.
        let ordinary = SemanticMatch(category: .threat, score: thresholds.phraseDoubt - 0.1, nearest: "en.chat.txt:3")
        #expect(Assessment(phrase: call, semantic: ordinary, thresholds: thresholds).level == .ask)
        // Read as danger, it alerts, for what the model read.
        let danger = SemanticMatch(category: .threat, score: thresholds.byCategory[.threat]!.alert + 0.01, nearest: "en.chat.txt:4")
        let sure = Assessment(phrase: call, semantic: danger, thresholds: thresholds)
        #expect(sure.level == .alert && sure.category == .threat && sure.nearest == "en.chat.txt:4")
    }

    @Test func aMessageFindsTheExamplesThatSayTheSameInAnotherLanguage() throws {
        // Language a has examples of danger and of ordinary talk; language b only of ordinary talk.
        let rows = [Self.example(.threat, "a.chat.txt:1", [1, 0, 2, 0]), Self.example(.threat, "a.chat.txt:2", [1, 0.1, 2, 0]),
                    Self.example(nil, "a.chat.txt:3", [0, 1, 2, 0]), Self.example(nil, "a.chat.txt:4", [0.1, 1, 2, 0]),
                    Self.example(nil, "b.chat.txt:1", [0.3, 1, 0, 2]), Self.example(nil, "b.chat.txt:2", [0.2, 1, 0, 2])]
        // A danger message in language b: as the model gives it, it is nearest to b's ordinary
        // examples because they share the language.
        let message = SemanticIndex.normalised([1, 0, 0, 2])
        let asItIs = SemanticIndex(examples: rows.map(\.0), vectors: rows.flatMap(\.1), dimension: 4, languageShare: 0)
        let plain = try #require(SemanticScreener.strongestDanger(in: asItIs.neighbourhood(of: message, k: 2), index: asItIs))
        #expect(plain.score < 0, "\(plain)")
        // With each language's average taken away, what it says decides: a's danger examples.
        let index = SemanticIndex(examples: rows.map(\.0), vectors: rows.flatMap(\.1), dimension: 4)
        let centred = try #require(SemanticScreener.strongestDanger(in: index.neighbourhood(of: message, k: 2), index: index))
        #expect(centred.score > 0.3 && centred.category == .threat && centred.nearest.hasPrefix("a."), "\(centred)")
        // The language a message reads as is found from the message, not from anyone's settings.
        #expect(index.languages == ["a", "b"])
        let share = SemanticIndex.languageShare
        let bMean = [rows[4].1, rows[5].1].reduce([Float](repeating: 0, count: 4)) { sum, row in zip(sum, row).map { $0 + $1 / 2 } }
        let byHand = SemanticIndex.normalised(zip(message, bMean).map { $0 - share * $1 })
        #expect(zip(index.centred(message), byHand).allSatisfy { abs($0 - $1) < 1e-5 })
        // An embedding the engine could not make (zeros) stays nothing, near no example.
        let nothing = [Float](repeating: 0, count: 4)
        #expect(index.centred(nothing) == nothing)
        #expect(SemanticScreener.strongestDanger(in: index.neighbourhood(of: nothing, k: 2), index: index).map { $0.score == 0 } == true)
    }

    @Test func calibrationPlacesThresholdsAtTheChosenShareOfOrdinaryMessagesForBothLayersTogether() throws {
        // 19 ordinary messages whose scores spread from clearly ordinary to nearly danger, and one
        // the phrase lists alert on that the model reads as danger too (a figure of speech).
        let phrases = ScreeningTests.screener
        let phraseAlert = "I owe them a pizza after the move"
        #expect(phrases.screen(phraseAlert, language: "en") != nil)
        let lines = (1...19).map { "ok | an ordinary message about the week \($0)" }
            + ["ok | \(phraseAlert)", "documents_taken | they took my passport and keep it"]
        let set = try LabelledSet(text: lines.joined(separator: "\n"))
        let calibration = Calibration(sets: [("en", set)], phrases: phrases) { sentence in
            let number = Double(sentence.split(separator: " ").last.flatMap { Int($0) } ?? 40)
            return SemanticMatch(category: .threat, score: number / 100 - 0.1, nearest: "en.chat.txt:1")
        }
        let thresholds = calibration.thresholds(alertShare: 0.15, askShare: 0.15)
        let pair = try #require(thresholds.byCategory[.threat])
        let semanticOnly = calibration.scored.filter { $0.item.category == nil && $0.phrase == nil }.compactMap { $0.match?.score }
        #expect(semanticOnly.count == 19)
        // 15% of 20 is 3 alerts: the phrase's one, and two by the semantic layer.
        #expect(semanticOnly.filter { $0 >= pair.alert }.count == 2, "\(pair)")
        // And 15% of 20, 3, asked about besides: 6 asked or alerted, five by the semantic layer.
        #expect(semanticOnly.filter { $0 >= pair.ask }.count == 5, "\(pair)")
        let counts = calibration.evaluation(thresholds: thresholds)
        #expect(counts.falseAlerts == 3 && counts.falseAsks == 3)
    }

    @Test func thePhraseDoubtIsPlacedWhereItCatchesTheMostDanger() throws {
        let phrases = ScreeningTests.screener
        let joke = "I owe them a pizza after the move", caught = "they took my passport and keep it",
            notCaught = "the lady at the flat has my little blue book"
        #expect(phrases.screen(joke, language: "en") != nil && phrases.screen(caught, language: "en") != nil)
        #expect(phrases.screen(notCaught, language: "en") == nil)
        // 40 ordinary messages: the joke (a phrase matches, the model leans ordinary), one the
        // model is unsure of, 38 plainly ordinary; one alert is allowed.
        let lines = ["ok | \(joke)", "ok | the bus was late again"] + (1...38).map { "ok | we baked bread together this morning \($0)" }
            + ["documents_taken | \(caught)", "documents_taken | \(notCaught)"]
        let scores = [joke: -0.01, "the bus was late again": 0.01, caught: 0.05, notCaught: 0.0]
        let calibration = Calibration(sets: [("en", try LabelledSet(text: lines.joined(separator: "\n")))], phrases: phrases) {
            SemanticMatch(category: .documentsTaken, score: scores[$0] ?? -0.2, nearest: "en.chat.txt:1")
        }
        let thresholds = calibration.thresholds(alertShare: 0.025, askShare: 0.1)
        // Trusting the joke's phrase would spend the one alert on it, and the message no phrase
        // catches would not alert; doubting phrases the model reads as ordinary (below zero)
        // lets the semantic layer alert on it. The phrase that reads as danger still alerts.
        #expect(thresholds.phraseDoubt == 0, "\(thresholds)")
        let judged = Dictionary(uniqueKeysWithValues: calibration.scored.map {
            ($0.item.sentence, Assessment(phrase: $0.phrase, semantic: $0.match, thresholds: thresholds).level)
        })
        #expect(judged[joke] == .ask && judged[caught] == .alert && judged[notCaught] == .alert)
        let counts = calibration.evaluation(thresholds: thresholds)
        #expect(counts.alerts == 2 && counts.falseAlerts == 1, "\(counts.summary)")
        // A doubt is never placed above zero, where the model reads a message as danger.
        #expect(calibration.thresholds(alertShare: 0.5, askShare: 0.1).phraseDoubt <= 0)
    }


    @Test func ofTheDoubtsThatCatchTheMostTheMiddleOneIsChosen() {
        // Doubts in rising order and the danger each alerts on: the run catching 424 spans four.
        let tried: [(thresholds: Double, alerts: Int)] = [(-0.33, 410), (-0.16, 423), (-0.14, 424), (-0.12, 424),
                                                          (-0.09, 424), (-0.06, 424), (-0.03, 423), (0, 419)]
        // Neither end of the run (-0.14 sits beside a doubt that catches less) but its middle,
        // the lower of the two middle ones.
        #expect(Calibration.middleOfBest(tried)?.thresholds == -0.12)
        #expect(Calibration.middleOfBest([(thresholds: 0.0, alerts: 3)])?.thresholds == 0)
        #expect(Calibration.middleOfBest([(thresholds: Double, alerts: Int)]()) == nil)
        // Three that catch the most: the middle one.
        #expect(Calibration.middleOfBest([(-0.2, 5), (-0.1, 5), (0, 5)])?.thresholds == -0.1)
    }
    @Test func aLongerMessageIsAskedAboutOnItsPiecesAndItsWholeOnlyAlerts() {
        let thresholds = SemanticThresholds(everyCategory: .init(ask: -0.02, alert: 0.02), phraseDoubt: -0.02, pieceAlert: 0.08,
                                            pieceAsk: 0.03, longerAlert: 0.02)
        func match(whole: Double, piece: Double?) -> SemanticMatch {
            SemanticMatch(category: .selfHarm, score: whole, nearest: "en.chat.txt:1",
                          piece: piece.map { .init(category: .threat, score: $0, nearest: "de.chat2.txt:7") })
        }
        func assess(whole: Double, piece: Double?, phrase: Bool = false, _ thresholds: SemanticThresholds = thresholds) -> Assessment {
            Assessment(phrase: phrase ? Self.phrase(.threat) : nil, semantic: match(whole: whole, piece: piece), thresholds: thresholds)
        }
        // The whole reads as ordinary talk, one piece clearly as a threat: an alert, for the threat,
        // with the piece's nearest example as the reason.
        let diluted = assess(whole: -0.05, piece: 0.09)
        #expect(diluted.level == .alert && diluted.category == .threat && diluted.nearest == "de.chat2.txt:7")
        // A piece between its ask and its alert asks, again for the piece's category.
        let unsure = assess(whole: -0.05, piece: 0.05)
        #expect(unsure.level == .ask && unsure.category == .threat && unsure.nearest == "de.chat2.txt:7")
        #expect(assess(whole: -0.05, piece: 0.02).level == .none)
        // The whole of a longer message between ask and alert does not ask on its own: a story of
        // several topics reads half like anything. A short message with that score is asked about.
        #expect(assess(whole: 0.0, piece: 0.02).level == .none)
        #expect(assess(whole: 0.0, piece: nil).level == .ask)
        // The whole alerting decides, whatever its pieces.
        #expect(assess(whole: 0.03, piece: 0.09).category == .selfHarm)
        #expect(assess(whole: 0.03, piece: -0.2).level == .alert)
        // A phrase on a message whose whole reads as ordinary talk is doubted only if no piece
        // reads as danger either.
        #expect(assess(whole: -0.05, piece: -0.03, phrase: true).level == .ask)
        #expect(assess(whole: -0.05, piece: 0.0, phrase: true).level == .alert)
        // Never below a category's own thresholds, whatever the configuration says.
        let loose = SemanticThresholds(everyCategory: .init(ask: -0.02, alert: 0.1), pieceAlert: 0.05, pieceAsk: -0.5)
        #expect(assess(whole: -0.05, piece: 0.09, loose).level == .ask)
        #expect(assess(whole: -0.05, piece: -0.03, loose).level == .none)
        #expect(assess(whole: -0.05, piece: -0.01, loose).level == .ask)
    }

    @Test func theWholeOfALongerMessageAlertsFromItsOwnThresholdNeverBelowItsCategorys() {
        let thresholds = SemanticThresholds(everyCategory: .init(ask: -0.02, alert: 0.02), pieceAlert: 0.08, pieceAsk: 0.03,
                                            longerAlert: 0.05)
        func level(_ score: Double, longer: Bool, piece: Double = -0.1, _ thresholds: SemanticThresholds = thresholds) -> ConcernLevel {
            let match = SemanticMatch(category: .debtOrWorkPressure, score: score, nearest: "en.chat.txt:1",
                                      piece: longer ? .init(category: .debtOrWorkPressure, score: piece, nearest: "en.chat.txt:2") : nil,
                                      isLonger: longer)
            return thresholds.level(of: match)
        }
        // A message of a few lines alerts from its category's alert; the whole of a longer one
        // ("paid off the last of the debt, passport back from the embassy, ...") only from its own.
        #expect(level(0.03, longer: false) == .alert)
        #expect(level(0.03, longer: true) == .none)
        #expect(level(0.05, longer: true) == .alert)
        // Its pieces still alert from theirs, and ask from theirs.
        #expect(level(0.03, longer: true, piece: 0.08) == .alert)
        #expect(level(0.03, longer: true, piece: 0.04) == .ask)
        // A category's own alert above it wins.
        var strict = thresholds
        strict.byCategory[.debtOrWorkPressure] = .init(ask: -0.02, alert: 0.07)
        #expect(level(0.06, longer: true, strict) == .none && level(0.07, longer: true, strict) == .alert)
        // And the whole alerting by its own threshold settles a staged reading, its not doing so does not.
        let read = { (score: Double) in SemanticMatch(category: .threat, score: score, nearest: "en.chat.txt:1", isLonger: true, partsUnread: true) }
        #expect(thresholds.settles(read(0.05), beside: nil, everyWholeRead: true))
        #expect(!thresholds.settles(read(0.03), beside: nil, everyWholeRead: true))
    }

    @Test func theLongerMessagesWholeAndPieceAlertsArePlacedTogetherWhereTheyCatchTheMostWithinTheShare() throws {
        // Ten longer ordinary messages of 30 words: wholes 0.01 to 0.08 and two at 0.02, 0.03;
        // pieces low but for two (0.10, 0.11). Four longer danger ones: two told in a piece
        // (0.105, the whole reads ordinary), two by the whole (0.085). 30 short ordinary ones,
        // which joined three at a time read as nothing (-0.5).
        func story(_ label: String, _ number: Int) -> String {
            "\(label) | story \(number) " + (1...28).map { "w\($0)" }.joined(separator: " ")
        }
        let lines = (1...10).map { story("ok", $0) } + (11...14).map { story("debt_or_work_pressure", $0) }
            + (1...30).map { "ok | we baked bread \($0) together at the kitchen" }
        let calibration = Calibration(sets: [("en", try LabelledSet(text: lines.joined(separator: "\n")))],
                                      phrases: ScreeningTests.screener) { sentence in
            guard SemanticScreener.isLonger(sentence) else {
                let joined = sentence.split(separator: " ").count > 10
                return SemanticMatch(category: .debtOrWorkPressure, score: joined ? -0.5 : -0.2, nearest: "en.chat.txt:1")
            }
            let number = Int(sentence.split(separator: " ")[1]) ?? 0
            let whole = [9: 0.02, 10: 0.03, 11: 0.0, 12: 0.0, 13: 0.085, 14: 0.085][number] ?? Double(number) / 100
            let piece = [9: 0.10, 10: 0.11, 11: 0.105, 12: 0.105][number] ?? 0.0
            return SemanticMatch(category: .debtOrWorkPressure, score: whole, nearest: "en.chat.txt:1",
                                 piece: .init(category: .debtOrWorkPressure, score: piece, nearest: "en.chat.txt:2"))
        }
        #expect(calibration.joined.count == 10 && calibration.joined.allSatisfy { !SemanticScreener.isLonger($0.item.sentence) },
                "only the short ones are joined: longer ones joined would outrun the pieces read")
        // Four of the twenty longer and joined ordinary ones may alert. The whole from just above
        // 0.04 leaves the pieces no room (only just above 0.11: the danger pieces are lost); from
        // just above 0.05 three wholes alert, and the pieces may alert from just above 0.10: all
        // four danger messages. Just above 0.06 catches as many, but is not lower.
        let placed = calibration.thresholds(alertShare: 0.2, askShare: 0.1)
        #expect(abs(placed.longerAlert - 0.0501) < 1e-9 && abs(placed.pieceAlert - 0.1001) < 1e-9, "\(placed)")
        let counts = calibration.evaluation(thresholds: placed, length: .longer)
        #expect(counts.alerts == 4 && counts.falseAlerts == 4, "\(counts.summary)")
        // At 10%, two may alert: from just above 0.06 the pieces have no room (two danger messages
        // lost); from just above 0.07 the pieces alert from just above 0.10, and all four are caught.
        let stricter = calibration.thresholds(alertShare: 0.1, askShare: 0.1)
        #expect(abs(stricter.longerAlert - 0.0701) < 1e-9 && abs(stricter.pieceAlert - 0.1001) < 1e-9, "\(stricter)")
        #expect(calibration.evaluation(thresholds: stricter, length: .longer).falseAlerts == 2)
    }

    @Test func thePiecesAskIsPlacedOnTheJoinedOrdinaryMessagesAtTheAskShare() throws {
        // 30 ordinary messages of 11 words, joined three at a time into ten longer ones whose
        // strongest pieces read between ordinary talk and danger (the last alerts by its whole).
        let lines = (1...30).map { "ok | we baked bread \($0) together at the community kitchen this morning" }
        let set = try LabelledSet(text: lines.joined(separator: "\n"))
        let calibration = Calibration(sets: [("en", set)], phrases: ScreeningTests.screener) { sentence in
            let words = sentence.split(separator: " ")
            guard words.count > 25, let first = Int(words[3]) else {
                return SemanticMatch(category: .threat, score: -0.2, nearest: "en.chat.txt:1")
            }
            let three = (first - 1) / 3 // 0...9
            return SemanticMatch(category: .threat, score: three == 9 ? 0.05 : -0.1, nearest: "en.chat.txt:1",
                                 piece: .init(category: .threat, score: Double(-25 + 4 * three) / 1000, nearest: "en.chat.txt:2"))
        }
        #expect(calibration.joined.count == 10)
        let pair = SemanticThresholds.Pair(ask: -0.02, alert: 0.02)
        let open = SemanticThresholds(everyCategory: pair, phraseDoubt: -0.3, pieceAlert: 0.08, pieceAsk: -0.02, longerAlert: 0.02)
        let asked = calibration.evaluation(thresholds: open, joined: true)
        #expect(asked.falseAlerts == 1 && asked.falseAsks == 7, "\(asked.summary)")
        // 20% of ten: two may be asked about. The alerted one does not count; the threshold sits
        // just above the third highest piece (-0.001).
        var placed = open
        placed.pieceAsk = calibration.pieceAsk(above: open, askShare: 0.2)
        #expect(abs(placed.pieceAsk - (-0.0009)) < 1e-9, "\(placed.pieceAsk)")
        let joined = calibration.evaluation(thresholds: placed, joined: true)
        #expect(joined.falseAlerts == 1 && joined.falseAsks == 2, "\(joined.summary)")
        // Allowing as many as there are, it is the category's ask; it never passes the pieces' alert.
        #expect(calibration.pieceAsk(above: open, askShare: 1) == -0.02)
        var strictAlert = open
        strictAlert.pieceAlert = -0.01
        #expect(calibration.pieceAsk(above: strictAlert, askShare: 0) == -0.01)
    }

    @Test func aShortMessageIsReadWithTheShortMessagesPairWhateverItsCategory() {
        let thresholds = SemanticThresholds(everyCategory: .init(ask: -0.02, alert: 0.02), short: .init(ask: 0.01, alert: 0.05))
        func level(_ score: Double, short: Bool) -> ConcernLevel {
            thresholds.level(of: SemanticMatch(category: .selfHarm, score: score, nearest: "en.short.txt:3", isShort: short))
        }
        // "thanks for the help" at 0.03: a longer message would alert, a short one is asked about.
        #expect(level(0.03, short: false) == .alert && level(0.03, short: true) == .ask)
        #expect(level(0.0, short: false) == .ask && level(0.0, short: true) == .none)
        #expect(level(0.06, short: true) == .alert)
        // A short call for help still asks when the short pair does not alert, and alerts when it does.
        let call = ScreeningResult(category: .crisis, phrase: "help me", language: "en", line: 12, isCall: true)
        let unsure = SemanticMatch(category: .threat, score: 0.03, nearest: "en.short.txt:4", isShort: true)
        #expect(Assessment(phrase: call, semantic: unsure, thresholds: thresholds).level == .ask)
        let sure = SemanticMatch(category: .threat, score: 0.06, nearest: "en.short.txt:4", isShort: true)
        #expect(Assessment(phrase: call, semantic: sure, thresholds: thresholds).level == .alert)
    }

    @Test func theShortMessagesPairIsPlacedOnTheShortCalibrationMessagesAloneWithCallsAskedFirst() throws {
        // 40 longer ordinary messages scored below zero, and 20 short ordinary ones scored about
        // 0.001 to 0.020, the two highest of which are calls for help; two danger messages.
        let phrases = try ScreeningTests.screener(calls: "[help me, im scared]", threat: "[x0]")
        let longer = (1...40).map { "ok | we baked bread together at the kitchen \($0)" }
        let short = (1...18).map { "ok | see you at \($0)" } + ["ok | help me 19", "ok | im scared 20"]
        let danger = ["crisis | please come im locked", "documents_taken | she keeps my passport and my papers"]
        let set = try LabelledSet(text: (longer + short + danger).joined(separator: "\n"))
        let calibration = Calibration(sets: [("xx", set)], phrases: phrases) { sentence in
            let isShort = SemanticScreener.isShort(sentence)
            let number = Double(sentence.split(separator: " ").last.flatMap { Int($0) } ?? 0)
            let score = sentence.hasPrefix("please") || sentence.contains("passport") ? 0.05
                : isShort ? number / 1000 + 0.00005 : -0.1 - number / 1000 + 0.00005
            return SemanticMatch(category: .crisis, score: score, nearest: "xx.chat.txt:1", isShort: isShort)
        }
        #expect(calibration.scored.filter { $0.phrase?.isCall == true }.count == 2)
        let thresholds = calibration.thresholds(alertShare: 0.1, askShare: 0.2)
        // 10% of the 20 short ordinary ones may alert: the calls (0.020, 0.019), so the short
        // alert sits just above the third highest (0.018).
        #expect(abs(thresholds.short.alert - 0.0181) < 1e-9, "\(thresholds.short)")
        // 20% more may be asked about or alert: the calls take two of those six places whatever
        // their score, so four other scores (0.018 to 0.015) may reach the ask: just above 0.014.
        #expect(abs(thresholds.short.ask - 0.0141) < 1e-9, "\(thresholds.short)")
        let shortCounts = calibration.evaluation(thresholds: thresholds, length: .short)
        #expect(shortCounts.alerts == 1 && shortCounts.falseAlerts == 2 && shortCounts.falseAsks == 4, "\(shortCounts.summary)")
        // The longer messages' pair is placed on them alone, at their own share: nothing short
        // pulls it up.
        let pair = try #require(thresholds.byCategory[.crisis])
        #expect(pair.alert < 0, "\(pair)")
        let longerCounts = calibration.evaluation(thresholds: thresholds, length: .plain)
        #expect(longerCounts.alerts == 1 && longerCounts.falseAlerts == 4, "\(longerCounts.summary)")
        // With no short calibration messages, short messages keep the longer messages' pair.
        let noShort = Calibration(sets: [("xx", try LabelledSet(text: (longer + danger.suffix(1)).joined(separator: "\n")))],
                                  phrases: phrases) { _ in SemanticMatch(category: .crisis, score: -0.2, nearest: "xx.chat.txt:1") }
        let placed = noShort.thresholds(alertShare: 0.1, askShare: 0.2)
        #expect(placed.short == placed.byCategory[.crisis])
        // A share of their own for the short messages moves their alert alone: at 20%, four of
        // the 20 may alert (the calls, 0.018 and 0.017), so it sits just above the fifth (0.016).
        let looser = calibration.thresholds(alertShare: 0.1, askShare: 0.2, shortAlertShare: 0.2)
        #expect(abs(looser.short.alert - 0.0161) < 1e-9, "\(looser.short)")
        #expect(calibration.evaluation(thresholds: looser, length: .short).falseAlerts == 4)
        #expect(looser.byCategory[.crisis] == pair && looser.phraseDoubt == thresholds.phraseDoubt)
    }

    @Test func aLabelledSetJoinsEachDangerMessageBetweenTwoOrdinaryOnesAndOrdinaryOnesThreeAtATime() throws {
        let set = try LabelledSet(text: "ok | a\nthreat | X\nok | b\nok | c\n# note\nself_harm | Y\nok | d\nok | e")
        let joined = set.joined().items
        #expect(joined.map(\.sentence) == ["a X b", "c Y d", "a b c"], "the fifth ordinary one has no three to join")
        #expect(joined.map(\.category) == [.threat, .selfHarm, nil])
        #expect(joined.map(\.line) == [2, 6, 1], "the line of the danger message, or of the first ordinary one")
        #expect(try LabelledSet(text: "threat | X").joined().items.isEmpty, "nothing to join with")
    }

    @Test func thePiecesAlertIsPlacedAtTheShareOfTheLongerAndJoinedOrdinaryMessagesTogether() throws {
        // 30 ordinary messages of 11 words, one long ordinary one, two danger ones. Joined three
        // at a time they are longer than a piece: the model reads the joined danger as ordinary
        // talk as a whole, and its piece as danger.
        let ordinary = (1...30).map { "ok | we baked bread \($0) together at the community kitchen this morning" }
        let long = "ok | a long story about my week: " + (1...26).map { "word\($0)" }.joined(separator: " ")
        let lines = ordinary + [long, "documents_taken | they took my passport and keep it", "documents_taken | the lady has my passport still"]
        let set = try LabelledSet(text: lines.joined(separator: "\n"))
        let calibration = Calibration(sets: [("en", set)], phrases: ScreeningTests.screener) { sentence in
            let words = sentence.split(separator: " ").count, danger = sentence.contains("passport")
            let piece: Double? = words <= 25 ? nil : danger ? 0.09
                : sentence.hasPrefix("we baked bread 1 together") ? 0.07 : sentence.hasPrefix("we baked bread 4 together") ? 0.065
                : sentence.hasPrefix("a long story") ? 0.05 : 0
            return SemanticMatch(category: .documentsTaken, score: danger ? (words <= 25 ? 0.1 : 0) : -0.2, nearest: "en.chat.txt:1",
                                 piece: piece.map { .init(category: .documentsTaken, score: $0, nearest: "en.chat.txt:2") })
        }
        #expect(calibration.joined.count == 12, "two danger messages between ordinary ones, ten threes of ordinary ones")
        // 10% of the eleven longer ordinary messages (the long one and the ten joined): one may
        // alert by a piece, so the threshold sits just above the second highest (0.065); the long
        // ordinary message's piece (0.05) is below.
        let strict = calibration.thresholds(alertShare: 0.1, askShare: 0.1)
        #expect(abs(strict.pieceAlert - 0.0651) < 1e-9, "\(strict.pieceAlert)")
        let joined = calibration.evaluation(thresholds: strict, joined: true)
        #expect(joined.alerts == 2 && joined.falseAlerts == 1, "\(joined.summary)")
        #expect(calibration.evaluation(thresholds: strict).falseAlerts == 0)
        // At 30%, three may: the long one's piece too, and the threshold falls to just above the
        // pieces that read as nothing (0.0).
        let loose = calibration.thresholds(alertShare: 0.3, askShare: 0.1)
        #expect(abs(loose.pieceAlert - 0.0001) < 1e-9, "\(loose.pieceAlert)")
        #expect(calibration.evaluation(thresholds: loose).falseAlerts == 1)
    }

    @Test func aShortMessageIsJudgedByItsThreeNearestExamplesOfEachKindALongerOneByFive() throws {
        // Three threats say exactly what the message says; two more only share a word with it.
        // The ordinary examples are all equally near (0.5), so only the danger side moves.
        let rows = [Self.example(.threat, "a.chat.txt:1", [1, 0, 0, 0]), Self.example(.threat, "a.chat.txt:2", [1, 0, 0, 0]),
                    Self.example(.threat, "a.chat.txt:3", [1, 0, 0, 0]), Self.example(.threat, "a.chat.txt:4", [0, 0, 1, 0]),
                    Self.example(.threat, "a.chat.txt:5", [0, 0, 1, 0])]
            + (6...10).map { Self.example(nil, "a.chat.txt:\($0)", [0.5, Float(0.75).squareRoot(), 0, 0]) }
        let index = SemanticIndex(examples: rows.map(\.0), vectors: rows.flatMap(\.1), dimension: 4, languageShare: 0,
                                  boundaryWeight: 0, characterWeight: 0)
        let screener = SemanticScreener(index: index, embed: { texts in texts.flatMap { _ in [Float(1), 0, 0, 0] } })
        let short = try #require(screener.match("they know my street"))
        let longer = try #require(screener.match("they know my street and my house"))
        #expect(abs(short.score - (1 - 0.5)) < 1e-5, "three nearest threats at 1: \(short)")
        #expect(abs(longer.score - (0.6 - 0.5)) < 1e-5, "five nearest threats, three at 1 and two at 0: \(longer)")
        #expect(SemanticScreener.neighbours(forWords: SemanticScreener.shortWords) == 3)
        #expect(SemanticScreener.neighbours(forWords: SemanticScreener.shortWords + 1) == 5)
    }

    /// What a screener gave its engine, call by call (each call a list of texts).
    final class EngineCalls: Sendable {
        private let calls = Mutex<[[String]]>([])
        func record(_ texts: [String]) { calls.withLock { $0.append(texts) } }
        func clear() { calls.withLock { $0 = [] } }
        var all: [[String]] { calls.withLock { $0 } }
    }

    /// A screener over two threats and two ordinary examples whose engine reads a text as the
    /// threats when `readsAsDanger` says so, else as the ordinary ones, and records its calls.
    static func recordingScreener(readsAsDanger: @escaping @Sendable (String) -> Bool) -> (SemanticScreener, SemanticIndex, EngineCalls) {
        let rows = [Self.example(.threat, "a.chat.txt:1", [1, 0, 1, 0]), Self.example(.threat, "a.chat.txt:2", [1, 0.1, 1, 0]),
                    Self.example(nil, "a.chat.txt:3", [0, 1, 1, 0]), Self.example(nil, "a.chat.txt:4", [0.1, 1, 1, 0])]
        let index = SemanticIndex(examples: rows.map(\.0), vectors: rows.flatMap(\.1), dimension: 4)
        let calls = EngineCalls()
        let screener = SemanticScreener(index: index, embed: { texts in
            calls.record(texts)
            return texts.flatMap { SemanticIndex.normalised(readsAsDanger($0) ? [1, 0, 1, 0] : [0, 1, 1, 0]) }
        })
        return (screener, index, calls)
    }

    @Test func aMessagesWindowsPiecesAndReadingsGoToTheModelInOneCallAndEachKindKeepsItsStrongest() throws {
        // Danger only in a text of at most 20 words that says "hurt": a piece, never the whole.
        let (screener, index, calls) = Self.recordingScreener { $0.contains("hurt") && $0.split(separator: " ").count <= 20 }
        let message = "we met at the library and worked on my cv and then we had tea in the park near the station. "
            + "he says he will hurt my sister. see you next week at the same place, thank you for everything"
        let match = try #require(screener.match(message))
        #expect(match.score < 0 && (match.piece?.score ?? 0) > 0.5 && match.piece?.category == .threat, "\(match)")
        let pieces = SemanticScreener.pieces(of: message)
        #expect(calls.all == [[message] + pieces], "one call: the whole, then its pieces")
        // Arabic in Latin letters: both readings, with their pieces, in the same one call.
        calls.clear()
        let arabizi = "ana ta3bana ktir w ma 3am bnam mnih"
        _ = screener.match(arabizi)
        #expect(calls.all == [[arabizi, Arabizi.inArabicScript(arabizi)]])
        // A message of four words or fewer is marked short (read with the short messages' pair).
        #expect(match.isShort == false)
        #expect(screener.match("he will hurt me")?.isShort == true)
        #expect(screener.match("he will hurt me again")?.isShort == false)
        // An engine that gives back too little is no match, not a crash or a made-up score.
        #expect(SemanticScreener(index: index, embed: { _ in [0, 1, 1, 0] }).match(message) == nil)
    }

    @Test func aLongerMessageWhoseWholeAlertsIsNotReadInPiecesAndOneWhoseWholeDoesNotIsReadInFull() throws {
        // "hurt" reads as danger in any text that says it, whole or piece; "scared" only in a piece.
        let (screener, _, calls) = Self.recordingScreener {
            $0.contains("hurt") || ($0.contains("scared") && $0.split(separator: " ").count <= 20)
        }
        let thresholds = SemanticThresholds()
        let opening = "we met at the library and worked on my cv and then we had tea in the park near the station. "
        let closing = ". see you next week at the same place, thank you for everything"
        let alerting = opening + "he says he will hurt my sister" + closing
        let match = try #require(screener.match(alerting, decidingWith: thresholds))
        #expect(calls.all == [[alerting]], "only the whole is read: \(calls.all)")
        #expect(match.partsUnread && match.piece == nil && match.category == .threat, "\(match)")
        let assessment = Assessment(phrase: nil, semantic: match, thresholds: thresholds)
        #expect(assessment.level == .alert && assessment.category == .threat)
        // The same verdict as reading everything, which calibration still does.
        let everything = try #require(screener.match(alerting))
        #expect(!everything.partsUnread && everything.piece != nil)
        #expect(Assessment(phrase: nil, semantic: everything, thresholds: thresholds).level == .alert)

        // Danger only in a piece: the whole first, then the pieces, and the match is the full reading's.
        calls.clear()
        let diluted = opening + "i am so scared of him" + closing
        let staged = try #require(screener.match(diluted, decidingWith: thresholds))
        #expect(calls.all == [[diluted], SemanticScreener.pieces(of: diluted)])
        #expect(staged == screener.match(diluted), "\(staged)")
        #expect(!staged.partsUnread && (staged.piece?.score ?? 0) > thresholds.pieceAlert)
        #expect(Assessment(phrase: nil, semantic: staged, thresholds: thresholds).level == .alert)

        // A short message has no pieces: one call, nothing left unread.
        calls.clear()
        #expect(screener.match("he will hurt me", decidingWith: thresholds)?.partsUnread == false)
        #expect(calls.all == [["he will hurt me"]])
    }

    @Test func piecesLeftUnreadUnderThresholdsThatChangedSinceAskAndLeaveAPhraseItsAlert() {
        // Read when the whole alerted at 0.02; a reload has since raised the alert to 0.5 and the
        // phrase doubt to 0.3: what the pieces said is unknown.
        let unread = SemanticMatch(category: .threat, score: 0.02, nearest: "en.chat.txt:3", partsUnread: true)
        #expect(SemanticThresholds(everyCategory: .init(ask: -0.03, alert: 0.01)).wholeDecides(unread))
        let raised = SemanticThresholds(everyCategory: .init(ask: 0.4, alert: 0.5), phraseDoubt: 0.3)
        #expect(!raised.wholeDecides(unread))
        #expect(raised.level(of: unread) == .ask, "asked, not let pass")
        #expect(Assessment(phrase: nil, semantic: unread, thresholds: raised).level == .ask)
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: unread, thresholds: raised).level == .alert, "never doubted")
        // Read in full, the same low score would pass and the phrase would be doubted.
        let read = SemanticMatch(category: .threat, score: 0.02, nearest: "en.chat.txt:3")
        #expect(raised.level(of: read) == .none)
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: read, thresholds: raised).level == .ask)
        // A whole under the phrase doubt never leaves its pieces unread: they could lift it.
        let doubtful = SemanticThresholds(everyCategory: .init(ask: -0.05, alert: 0.0), phraseDoubt: 0.1)
        #expect(!doubtful.wholeDecides(unread))
    }

    /// Whether a text is in Arabic script (the own-script reading of Arabic typed in Latin letters).
    static func inArabicScript(_ text: String) -> Bool { text.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) } }

    @Test func besideAPhraseTheModelDoesNotDoubtTheReadingStopsAndTheVerdictIsReadingEverythings() throws {
        let thresholds = SemanticThresholds()
        let phrase = Self.phrase(.threat)
        let arabizi = "ana ta3bana ktir w ma 3am bnam mnih"
        let native = Arabizi.inArabicScript(arabizi)
        func verdict(_ match: SemanticMatch?, _ phrase: ScreeningResult?) -> (ConcernLevel, DangerCategory?) {
            let assessment = Assessment(phrase: phrase, semantic: match, thresholds: thresholds)
            return (assessment.level, assessment.category)
        }

        // Its own script reads as danger: the phrase stands, and the message as typed is never read.
        let (screener, _, calls) = Self.recordingScreener(readsAsDanger: Self.inArabicScript)
        let staged = try #require(screener.match(arabizi, decidingWith: thresholds, beside: phrase))
        #expect(calls.all == [[native]], "the own script's reading alone: \(calls.all)")
        #expect(staged.partsUnread)
        let everything = screener.match(arabizi)
        #expect(verdict(staged, phrase) == (.alert, .threat) && verdict(everything, phrase) == (.alert, .threat))

        // Its own script reads as ordinary talk, under the doubt: the rest is read, and the match is
        // the one reading everything finds (the message as typed reads as danger).
        let (typedDanger, _, typedCalls) = Self.recordingScreener { !Self.inArabicScript($0) }
        let full = try #require(typedDanger.match(arabizi, decidingWith: thresholds, beside: phrase))
        #expect(typedCalls.all == [[native], [arabizi]], "\(typedCalls.all)")
        #expect(!full.partsUnread && full == typedDanger.match(arabizi), "\(full)")

        // Both read as ordinary talk: read in full, and the phrase is doubted as it would be.
        let (ordinary, _, ordinaryCalls) = Self.recordingScreener { _ in false }
        let doubted = try #require(ordinary.match(arabizi, decidingWith: thresholds, beside: phrase))
        #expect(ordinaryCalls.all == [[native], [arabizi]] && !doubted.partsUnread)
        #expect(verdict(doubted, phrase).0 == .ask)

        // A short call for help is decided by the model, and with no phrase nothing stands without
        // the whole: both readings at once, as before.
        calls.clear()
        var call = phrase
        call.isCall = true
        _ = screener.match(arabizi, decidingWith: thresholds, beside: call)
        _ = screener.match(arabizi, decidingWith: thresholds)
        #expect(calls.all == [[arabizi, native], [arabizi, native]], "\(calls.all)")

        // A laughing message's phrase is doubted up to zero: an own-script score under it reads on.
        var laughing = phrase
        laughing.laughs = true
        #expect(thresholds.phraseStands(phrase, scoring: -0.05) && !thresholds.phraseStands(laughing, scoring: -0.05))
        #expect(!thresholds.phraseStands(call, scoring: 1))

        // A longer message the model reads between the doubt and the alert: beside a phrase its
        // pieces are not read, without one they are.
        let (middling, _, middlingCalls) = Self.recordingScreener { _ in false }
        let longer = "we met at the library and worked on my cv and then we had tea in the park near the station. "
            + "he says he will hurt my sister. see you next week at the same place, thank you for everything"
        // (This little index leans hard on the letters: the scores run far beyond the usual ones.)
        let lenient = SemanticThresholds(everyCategory: .init(ask: -100, alert: 100), phraseDoubt: -100)
        let besidePhrase = try #require(middling.match(longer, decidingWith: lenient, beside: phrase))
        #expect(middlingCalls.all == [[longer]] && besidePhrase.partsUnread, "\(middlingCalls.all) \(besidePhrase)")
        middlingCalls.clear()
        let alone = try #require(middling.match(longer, decidingWith: lenient))
        #expect(middlingCalls.all == [[longer], SemanticScreener.pieces(of: longer)] && !alone.partsUnread)
    }

    @Test func aReadingStoppedBesideAPhraseTheCoreDoesNotFindAsksAndNeverLetsPass() {
        // The shell read the own script alone beside a phrase match; the core, judging later (the
        // person changed language, a list's cancel now applies), finds no phrase, or a call.
        let thresholds = SemanticThresholds()
        let partial = SemanticMatch(category: .threat, score: thresholds.short.ask - 0.1, nearest: "ar.chat.txt:1 in Arabic script",
                                    isShort: true, partsUnread: true)
        #expect(Assessment(phrase: nil, semantic: partial, thresholds: thresholds).level == .ask)
        var call = Self.phrase(.crisis)
        call.isCall = true
        #expect(Assessment(phrase: call, semantic: partial, thresholds: thresholds).level == .ask)
        #expect(Assessment(phrase: Self.phrase(.threat), semantic: partial, thresholds: thresholds).level == .alert)
    }
}
