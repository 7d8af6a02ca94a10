import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Rehearsal
import Testing

/// Golden transcripts pin every dialog, word for word, in English, French and Arabic (right to
/// left): each script in Tests/Golden is played through the real core by the offline runner and
/// compared with its recorded transcript. A change in wording or flow shows up as a diff to
/// review. To accept intended changes, run the tests with MENTORBOT_UPDATE_GOLDEN=1 and read the
/// diff before committing it.
@Suite struct GoldenTranscriptTests {
    static let folder = CoreFixture.repoRoot.appendingPathComponent("Tests/Golden")
    static let languages = ["en", "fr", "ar"]
    static let scripts = ["onboarding", "mentor_checkin", "mentee_checkin", "meetings", "log_meeting", "support",
                          "wellbeing", "closure", "words_everywhere", "reminders", "six_months"]

    static var cases: [(String, String)] { scripts.flatMap { script in languages.map { (script, $0) } } }

    @Test(arguments: cases)
    func theTranscriptMatchesItsGoldenFile(script: String, language: String) throws {
        let source = try String(contentsOf: Self.folder.appendingPathComponent("\(script).script"), encoding: .utf8)
        var rehearsal = Rehearsal(library: CoreFixture.library, screener: CoreFixture.screener, mentorLanguage: language, menteeLanguage: language)
        let transcript = try RehearsalScript.play(source, on: &rehearsal)
        let golden = Self.folder.appendingPathComponent("\(script).\(language).txt")
        if ProcessInfo.processInfo.environment["MENTORBOT_UPDATE_GOLDEN"] == "1" {
            try transcript.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: golden, encoding: .utf8) else {
            Issue.record("no golden file \(golden.lastPathComponent): run the tests with MENTORBOT_UPDATE_GOLDEN=1 and review it")
            return
        }
        let got = transcript.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        if let line = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset ?? (got.count == want.count ? nil : min(got.count, want.count)) {
            Issue.record("""
                \(golden.lastPathComponent) differs at line \(line + 1):
                  expected: \(line < want.count ? String(want[line]) : "(end)")
                  got:      \(line < got.count ? String(got[line]) : "(end)")
                """)
        }
    }

    /// What the golden files themselves promise, checked on the transcripts as played.
    @Test(arguments: languages)
    func menteeAnswersNeverReachTheMentorInAnyTranscript(language: String) throws {
        for script in ["mentee_checkin", "support", "closure"] {
            let source = try String(contentsOf: Self.folder.appendingPathComponent("\(script).script"), encoding: .utf8)
            var rehearsal = Rehearsal(library: CoreFixture.library, screener: CoreFixture.screener, mentorLanguage: language, menteeLanguage: language)
            _ = rehearsal.start()
            var toMentor: [Rehearsal.Line] = []
            for (number, line) in source.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
                let lines = try RehearsalScript.step(String(line), number: number + 1, &rehearsal)
                if line.hasPrefix("mentee:") { toMentor += lines.filter { $0.recipient == "mentor" } }
            }
            #expect(toMentor.isEmpty, "\(script) \(language): the mentor received \(toMentor.map(\.body))")
        }
    }
}
