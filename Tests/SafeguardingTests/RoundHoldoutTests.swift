import Testing
@testable import Safeguarding

/// The semantic layer measured with each writing round of the examples held out in turn, on
/// embeddings made by hand (no model needed): four directions, each example exactly on one.
@Suite struct RoundHoldoutTests {
    static func direction(_ axis: Int) -> [Float] {
        (0..<4).map { $0 == axis ? 1 : 0 }
    }

    /// Round "chat" and "chat2" say the same danger (a threat, along the first direction);
    /// round "chat3" says a danger no other round has, along the direction where "chat" has
    /// ordinary talk; and one of its messages is also kept in its own script, read as a threat.
    static func examples() -> (examples: [SemanticIndex.Example], vectors: [Float]) {
        var rows: [(SemanticIndex.Example, [Float])] = []
        func add(_ category: DangerCategory?, _ file: String, _ line: Int, _ axis: Int, source: String? = nil, script: Bool = false) {
            let reference = "xx.\(file).txt:\(line)" + (script ? " in Arabic script" : "")
            // Longer than a short message: judged by five neighbours of each kind.
            let text = script ? "copy of \(source!)" : "\(file) example message on line \(line)"
            rows.append((SemanticIndex.Example(category: category, text: text, reference: reference, source: source), direction(axis)))
        }
        add(.threat, "chat", 1, 0); add(.threat, "chat", 2, 0)
        add(nil, "chat", 3, 1); add(nil, "chat", 4, 1)
        for line in 5...9 { add(nil, "chat", line, 2) }
        add(.threat, "chat2", 1, 0); add(.threat, "chat2", 2, 0)
        add(nil, "chat2", 3, 1); add(nil, "chat2", 4, 1)
        add(.crisis, "chat3", 1, 2); add(.crisis, "chat3", 2, 2)
        add(.crisis, "chat3", 3, 2); add(.crisis, "chat3", 3, 0, source: "chat3 example message on line 3", script: true)
        add(nil, "chat3", 4, 1); add(nil, "chat3", 5, 1)
        return (rows.map(\.0), rows.flatMap(\.1))
    }

    @Test func eachRoundIsScoredAgainstTheOtherRoundsOnly() {
        let (examples, vectors) = Self.examples()
        let holdout = RoundHoldout(examples: examples, vectors: vectors, dimension: 4, languageShare: 0, boundaryWeight: 0)
        #expect(holdout.rounds == ["chat", "chat2", "chat3"])
        // The message kept in two scripts is one message, scored by its stronger reading.
        #expect(holdout.scored.count == examples.count - 1)
        // Half the ordinary messages may score above: those above are "chat"'s five along the
        // third direction, which read like "chat3"'s danger.
        let report = holdout.report(ordinaryShare: 0.5)
        #expect(report.all == RoundHoldout.Counts(caught: 5, danger: 7, falseAlerts: 5, ordinary: 11))
        #expect(report.byRound["chat"] == RoundHoldout.Counts(caught: 2, danger: 2, falseAlerts: 5, ordinary: 7))
        #expect(report.byRound["chat2"] == RoundHoldout.Counts(caught: 2, danger: 2, falseAlerts: 0, ordinary: 2))
        // With its own round left out, "chat3"'s danger finds only ordinary talk: measured on
        // itself it would have found its own examples. Its message read as a threat in its
        // own script is caught.
        #expect(report.byRound["chat3"] == RoundHoldout.Counts(caught: 1, danger: 3, falseAlerts: 0, ordinary: 2))
        #expect(report.byLanguage["xx"] == report.all)
        // The message kept in its own script too is also counted as typed in Latin letters.
        #expect(report.byLanguage["xx typed in Latin letters"] == RoundHoldout.Counts(caught: 1, danger: 1, falseAlerts: 0, ordinary: 0))
        #expect(holdout.scored.filter(\.isTypedInLatin).count == 1)
        // Every message here is longer than a short one: the longer ones alone are all of them.
        #expect(holdout.report(ordinaryShare: 0.5, short: false).all == report.all)
        #expect(holdout.report(ordinaryShare: 0.5, short: true).all == RoundHoldout.Counts())
        // No ordinary message may score above: nothing at or below the highest ordinary score counts.
        let strict = holdout.report(ordinaryShare: 0)
        #expect(strict.all.falseAlerts == 0)
        #expect(strict.threshold == holdout.scored.filter { !$0.isDanger }.map(\.score).max())
    }

    @Test func aRoundIsTheFileNameAfterTheLanguage() {
        #expect(RoundHoldout.round(ofReference: "ar.chat13.txt:12") == "chat13")
        #expect(RoundHoldout.round(ofReference: "fa.chat6.txt:3 in Persian script") == "chat6")
        #expect(RoundHoldout.round(ofReference: "el.translit.txt:40") == "translit")
    }
}
