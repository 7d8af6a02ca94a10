import Foundation
import Testing
@testable import Safeguarding

/// Colloquial Persian read in its formal words before the model reads it.
@Suite struct FormalReadingTests {
    static let words = try! FormalReading(text: """
        # colloquial | formal
        میخوام | می‌خواهم
        خونه | خانه
        نمیدونم | نمی‌دانم

        بهش | به او
        """)

    @Test func listedWordsAreReadInTheirFormalFormAndTheRestAsTyped() {
        #expect(Self.words.reading(of: "میخوام برم خونه") == "می‌خواهم برم خانه")
        // Punctuation around a word stays; a half-space or Arabic ي ك typed inside a listed word
        // does not hide it.
        #expect(Self.words.reading(of: "«نمیدونم»، بهش گفتم!") == "«نمی‌دانم»، به او گفتم!")
        #expect(Self.words.reading(of: "می‌خوام") == "می‌خواهم")
        #expect(Self.words.reading(of: "ميخوام برم پارک") == "می‌خواهم برم پارک")
        // Arabic yeh and kaf in other words are written as Persian types them.
        #expect(Self.words.reading(of: "خونه \u{0643}وچیک") == "خانه \u{06A9}وچیک")
    }

    @Test func onlyPersianIsRewritten() {
        // Nothing listed and nothing to respell.
        #expect(Self.words.reading(of: "امروز کلاس دارم") == nil)
        // Arabic (no letter that only Persian has) and Latin letters are left alone.
        #expect(Self.words.reading(of: "بدي روح على البيت") == nil)
        // So is Persian typed on an Arabic keyboard with no letter only Persian has: it cannot be
        // told from Arabic.
        #expect(Self.words.reading(of: "ميخوام برم") == nil)
        #expect(Self.words.reading(of: "mikham beram khune") == nil)
        #expect(FormalReading.none.reading(of: "میخوام برم خونه") == nil)
    }

    @Test func aProblemInTheListNamesItsLine() throws {
        for (text, line, message) in [("خونه | خانه\nمیخوام\n", 2, "colloquial | formal"),
                                      ("خونه | خانه\n\nخونه | منزل\n", 3, "already listed"),
                                      ("# one\nمی خوام | می‌خواهم\n", 2, "one word on the left"),
                                      ("خونه |\n", 1, "colloquial | formal")] {
            #expect {
                try FormalReading(text: text)
            } throws: { error in
                guard let problem = error as? LabelledSet.Problem else { return false }
                return problem.line == line && problem.message.contains(message)
            }
        }
        // The same word with a half-space is the same word.
        #expect(throws: LabelledSet.Problem.self) { try FormalReading(text: "میخوام | می‌خواهم\nمی‌خوام | می‌خواهم\n") }
    }

    @Test func theProgrammesListReadsAndAMissingOneReadsNothingDifferently() throws {
        let list = try FormalReading.load(folder: ScreeningTests.repoRoot.appendingPathComponent("Dialogs/safety/formal"))
        #expect(list.words.count > 800)
        #expect(list.reading(of: "نمیدونم چیکار کنم") != nil)
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("no-formal-\(UUID().uuidString)")
        #expect(try FormalReading.load(folder: nowhere).words.isEmpty)
    }
}
