import Foundation
import StrictYAML
import Testing
@testable import Dialogs

let repoDialogs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Dialogs")
/// The keys BotCore says itself (MentorBotCore's `BotCore.applicationKeys`; this target cannot import it).
let applicationKeys = [
    "bot.greeting.mentor", "bot.greeting.mentee", "bot.greeting.coordinator", "bot.help", "bot.help.dialog",
    "bot.stopped", "bot.restarted", "bot.language.changed", "bot.language.unknown", "bot.not_understood",
    "bot.checkin.unavailable", "bot.dialog.stuck", "summary.stuck", "role.mentor", "role.mentee",
]

/// Copies Dialogs/ to a temporary directory, lets `breakIt` damage one file, and returns the problems found.
func problemsAfter(_ file: String, _ breakIt: (String) -> String) throws -> [YAMLProblem] {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("dialogs-\(UUID().uuidString)/Dialogs")
    try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: repoDialogs, to: copy)
    let target = copy.appendingPathComponent(file)
    try breakIt(try String(contentsOf: target, encoding: .utf8)).write(to: target, atomically: true, encoding: .utf8)
    do {
        let library = try DialogLibrary.load(directory: copy)
        return DialogValidator(library: library, applicationKeys: applicationKeys).problems()
    } catch let problems as YAMLProblems {
        return problems.problems
    } catch let problem as YAMLProblem {
        return [problem]
    }
}

@Suite struct ShippedDialogsTests {
    @Test func theShippedDialogsAndCatalogsHaveNoProblems() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let problems = DialogValidator(library: library, applicationKeys: applicationKeys).problems()
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        #expect(library.scripts["mentor_checkin"] != nil)
        #expect(Set(library.catalogs.keys) == ["en", "fr"])
    }

    /// Mechanical parts of the tone rules in DOMAIN.md, for every message in every language.
    @Test func everyMessageIsShortAndNeverSaysVictim() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        for catalog in library.catalogs.values {
            for (key, text) in catalog.messages {
                #expect(text.count < 300, "\(catalog.language) \(key) is \(text.count) characters")
                for word in ["victim", "victime"] {
                    #expect(!text.lowercased().contains(word), "\(catalog.language) \(key)")
                }
                #expect(text.filter { $0 == "?" }.count <= 1, "one question per message: \(catalog.language) \(key)")
            }
        }
    }
}

@Suite struct ValidatorCatchesBrokenCopiesTests {
    @Test func aMissingTranslationIsReported() throws {
        let problems = try problemsAfter("locales/fr.yaml") { $0.replacingOccurrences(of: "  mentor_checkin.went_well:", with: "  # removed:") }
        #expect(problems.contains { $0.file.hasSuffix("fr.yaml") && $0.keyPath == "messages.mentor_checkin.went_well" })
    }

    @Test func anExtraKeyIsReportedWithItsLine() throws {
        let problems = try problemsAfter("locales/fr.yaml") { $0 + "  bot.unused: \"Bonjour\"\n" }
        let problem = try #require(problems.first { $0.keyPath == "messages.bot.unused" })
        #expect(problem.line > 0)
        #expect(problem.message.contains("extra key"))
    }

    @Test func aPlaceholderMismatchIsReported() throws {
        let problems = try problemsAfter("locales/fr.yaml") { $0.replacingOccurrences(of: "de 1 à {count}", with: "de 1 à {nombre}") }
        #expect(problems.contains { $0.keyPath == "messages.dialog.hint.choice" && $0.message.contains("placeholders") })
    }

    @Test func aBranchToNowhereIsReported() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "goto: difficulty_area", with: "goto: difficulty_zone") }
        #expect(problems.contains { $0.file == "Dialogs/mentor_checkin.yaml" && $0.message.contains("\"difficulty_zone\", which is not a step") && $0.line > 0 })
    }

    @Test func anUnreachableStepIsReported() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "        goto: thanks_contact", with: "        goto: thanks") }
        #expect(problems.contains { $0.keyPath == "steps.thanks_contact" && $0.message.contains("never be reached") })
    }

    @Test func anUnknownAnswerTypeIsReportedWithFileAndLine() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "answer: {type: scale}", with: "answer: {type: stars}") }
        let problem = try #require(problems.first)
        #expect(problem.file == "Dialogs/mentor_checkin.yaml")
        #expect(problem.message.contains("unknown answer type \"stars\""))
        #expect(problem.line > 0)
    }

    @Test func freeTextInACoordinatorSummaryIsRejected() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "answer: {type: scale}", with: "answer: {type: text, max_length: 100}") }
        #expect(problems.contains { $0.message.contains("free text") })
    }

    @Test func anUnknownKeyInAStepIsReported() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "    save: progress", with: "    saev: progress") }
        #expect(problems.contains { $0.keyPath == "steps[1].saev" && $0.message.contains("unknown key") })
    }
}

@Suite struct AnswerAndRunnerTests {
    let library = try! DialogLibrary.load(directory: repoDialogs)
    var localizer: Localizer { Localizer(catalogs: library.catalogs, defaultLanguage: "en") }

    @Test func normalisationFoldsCaseAccentsPunctuationAndDigits() {
        #expect(TextNormalizer.normalize("  Arrêter ! ") == "arreter")
        #expect(TextNormalizer.normalize("٣") == "3")
        #expect(TextNormalizer.normalize("۳") == "3")
        #expect(TextNormalizer.normalize("\u{06CC}") == TextNormalizer.normalize("\u{064A}"))
    }

    @Test func choicesAreUnderstoodByNumberLabelValueAndReaction() throws {
        let script = try #require(library.scripts["mentor_checkin"])
        let type = try #require(script.step("progress")?.answer)
        let french = AnswerParser(localizer: localizer, language: "fr")
        #expect(french.parse("2", as: type) == .choice("a_little"))
        #expect(french.parse("Un peu.", as: type) == .choice("a_little"))
        #expect(french.parse("a little", as: type) == .choice("a_little"))
        #expect(french.parse("not_yet", as: type) == .choice("not_yet"))
        #expect(french.parse("7", as: type) == nil)
        #expect(french.parseReaction("3️⃣", as: type) == .choice("not_yet"))
        #expect(french.parseReaction("👍", as: type) == nil)
    }

    @Test func yesNoScaleNumberAndTextFollowTheirRules() {
        let french = AnswerParser(localizer: localizer, language: "fr")
        #expect(french.parse("Non !", as: .yesNo) == .yesNo(false))
        #expect(french.parse("oui", as: .yesNo) == .yesNo(true))
        #expect(french.parse("yes", as: .yesNo) == .yesNo(true))
        #expect(french.parse("4", as: .scale) == .number(4))
        #expect(french.parse("5", as: .scale) == nil)
        #expect(french.parse("un peu", as: .scale) == .number(2))
        #expect(french.parse("12", as: .number(min: 1, max: 10)) == nil)
        #expect(french.parse(String(repeating: "a", count: 11), as: .text(maxLength: 10)) == nil)
        #expect(french.parse(" ok ", as: .text(maxLength: 10)) == .text("ok"))
    }

    @Test func threeRepliesThatDoNotFitEndInStuckNotALoop() throws {
        let runner = DialogRunner(script: try #require(library.scripts["mentor_checkin"]))
        guard case .continuing(var progress, let prompts) = runner.start() else { Issue.record("no start"); return }
        #expect(prompts.map(\.key) == ["mentor_checkin.welcome", "mentor_checkin.progress"])
        let parser = AnswerParser(localizer: localizer, language: "en")
        guard case .retry(let once, let hint) = runner.reply("maybe", progress: progress, parser: parser) else { Issue.record("no retry"); return }
        #expect(hint.first == Prompt(key: "dialog.hint.choice", parameters: ["count": "3"]))
        progress = once
        guard case .retry(let twice, _) = runner.reply("hmm", progress: progress, parser: parser) else { Issue.record("no retry"); return }
        guard case .stuck = runner.reply("??", progress: twice, parser: parser) else { Issue.record("not stuck"); return }
    }

    @Test func rightToLeftTextIsolatesInsertedValues() {
        var catalogs = library.catalogs
        catalogs["ar"] = Catalog(language: "ar", nativeName: "العربية", direction: .rtl, reviewedByNativeSpeaker: false,
                                 messages: ["t": "مرحبا {pair}"], words: [:], file: "ar.yaml")
        let localizer = Localizer(catalogs: catalogs, defaultLanguage: "en")
        #expect(localizer.text("t", in: "ar", ["pair": "P-001"]) == "مرحبا \u{2068}P-001\u{2069}")
        #expect(localizer.text("bot.help", in: "ar") == localizer.text("bot.help", in: "en"))
        #expect(localizer.matches("help", meaning: "help", in: "ar"))
    }
}
