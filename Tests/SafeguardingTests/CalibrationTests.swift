import Foundation
import Testing
@testable import Safeguarding

/// The semantic layer's decisions and its calibration, on hand-made embeddings (no model needed):
/// what a phrase match does when the message reads as ordinary talk, and that calibration scores
/// each chat-style example only against other files' examples.
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

    /// Two-dimensional "embeddings": danger along x, ordinary along y.
    static func example(_ category: DangerCategory?, _ file: String, _ line: Int, _ x: Float, _ y: Float, text: String? = nil)
        -> (SemanticIndex.Example, [Float]) {
        let length = (x * x + y * y).squareRoot()
        return (SemanticIndex.Example(category: category, text: text ?? "message number \(file) \(line)", reference: "\(file):\(line)"),
                [x / length, y / length])
    }

    static func index(_ rows: [(SemanticIndex.Example, [Float])]) -> SemanticIndex {
        SemanticIndex(examples: rows.map(\.0), vectors: rows.flatMap(\.1), dimension: 2)
    }

    @Test func calibrationScoresEachChatExampleAgainstOtherFilesOnly() {
        // In a.chat.txt, an ordinary example sits right on top of a danger example of the same
        // file; against its own file it would look like danger, against the others it does not.
        var rows = [Self.example(nil, "a.chat.txt", 1, 1, 0.05), Self.example(.threat, "a.chat.txt", 2, 1, 0.05)]
        for line in 1...3 {
            rows.append(Self.example(.threat, "b.chat.txt", line, 1, 0.01 * Float(line)))
            rows.append(Self.example(nil, "b.chat.txt", 10 + line, 0.01 * Float(line), 1))
            rows.append(Self.example(.threat, "c.explicit.txt", line, 1, 0))
            rows.append(Self.example(nil, "c.explicit.txt", 10 + line, 0, 1))
        }
        let calibration = Calibration(index: Self.index(rows))
        // The explicit file only ever serves as neighbours.
        #expect(calibration.scored.count == 8)
        #expect(!calibration.scored.contains { $0.example.reference.hasPrefix("c.") })
        // a.chat.txt:1 is scored against b and c only, where its nearest danger examples lie at
        // x ≈ 1: it reads as danger there, as a new writer's message would.
        let first = calibration.scored.first { $0.example.reference == "a.chat.txt:1" }?.match
        #expect(first.map { $0.score > 0 } == true)
        #expect(first?.nearest.hasPrefix("a.") == false)
    }

    @Test func calibrationPlacesThresholdsAtTheChosenShareOfOrdinaryExamples() {
        // 20 ordinary examples spread from nearly ordinary to nearly danger, in their own files.
        var rows: [(SemanticIndex.Example, [Float])] = []
        for line in 1...20 {
            rows.append(Self.example(nil, "o\(line).chat.txt", 1, Float(line) / 20, 1))
        }
        for line in 1...3 {
            rows.append(Self.example(.threat, "d.explicit.txt", line, 1, 0))
            rows.append(Self.example(nil, "d.explicit.txt", 10 + line, 0, 1))
        }
        let calibration = Calibration(index: Self.index(rows))
        let scores = calibration.scored.compactMap { $0.match?.score }.sorted(by: >)
        #expect(scores.count == 20)
        let pair = calibration.pair(alertShare: 0.1, askShare: 0.25)
        #expect(scores.filter { $0 >= pair.alert }.count == 2)
        #expect(scores.filter { $0 >= pair.ask }.count == 5)
        #expect(pair.ask <= pair.alert)
    }
}
