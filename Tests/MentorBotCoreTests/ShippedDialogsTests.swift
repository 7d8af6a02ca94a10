import BotModel
import Dialogs
import Foundation
@testable import MentorBotCore
import Rehearsal
import StrictYAML
import Testing

let repoDialogs = CoreFixture.repoRoot.appendingPathComponent("Dialogs")

/// Copies Dialogs/ to a temporary directory, lets `breakIt` damage one file, and returns what
/// `mentorbot check` would report.
func problemsAfter(_ file: String, _ breakIt: @escaping (String) -> String) throws -> [YAMLProblem] {
    try problemsAfter([(file, breakIt)])
}

/// The same with several files damaged at once.
func problemsAfter(_ damage: [(String, (String) -> String)]) throws -> [YAMLProblem] {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("dialogs-\(UUID().uuidString)/Dialogs")
    try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: copy.deletingLastPathComponent()) }
    try FileManager.default.copyItem(at: repoDialogs, to: copy)
    for (file, breakIt) in damage {
        let target = copy.appendingPathComponent(file)
        let original = try String(contentsOf: target, encoding: .utf8)
        let broken = breakIt(original)
        #expect(broken != original, "the damage did not apply to \(file): the test would prove nothing")
        try broken.write(to: target, atomically: true, encoding: .utf8)
    }
    do {
        // As `mentorbot check` does: a file that cannot be read does not hide the others' problems.
        let library = try DialogLibrary.load(directory: copy, skippingBroken: true)
        return library.loadProblems + BotCore.problems(in: library)
    } catch let problems as YAMLProblems {
        return problems.problems
    } catch let problem as YAMLProblem {
        return [problem]
    }
}

@Suite struct ShippedDialogsTests {
    static let languages: Set<String> = ["en", "fr", "nl", "de", "it", "es", "pt", "sq", "el", "sv", "ar", "fa"]

    @Test func theShippedDialogsAndCatalogsHaveNoProblemsInAllTwelveLanguages() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let problems = BotCore.problems(in: library)
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        #expect(Set(library.catalogs.keys) == Self.languages)
        #expect(library.catalogs["ar"]?.direction == .rtl)
        #expect(library.catalogs["fa"]?.direction == .rtl)
        for script in ["onboarding", "menu_mentor", "menu_mentee", "mentor_checkin", "mentee_checkin", "plan_meeting",
                       "meeting_confirm", "change_meeting", "log_meeting", "support_request", "mentor_wellbeing", "closure"] {
            #expect(library.scripts[script] != nil, "\(script) is missing")
        }
    }

    @Test("a word the code reads (a coordinator command) or a dialog it starts by id, missing from the files, is a problem for check")
    func wordsAndDialogsTheCodeReliesOnAreChecked() throws {
        let withoutWord = try problemsAfter("locales/en.yaml") { $0.replacingOccurrences(of: "  pause_pair: [pause, hold]\n", with: "") }
        #expect(withoutWord.contains { $0.keyPath == "words.pause_pair" && $0.message.contains("the application reads the word meaning") },
                "\(withoutWord.map(\.description))")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("dialogs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: repoDialogs, to: copy)
        try FileManager.default.removeItem(at: copy.appendingPathComponent("closure.yaml"))
        let withoutDialog = BotCore.problems(in: try DialogLibrary.load(directory: copy))
        #expect(withoutDialog.contains { $0.message == "the application needs the dialog \"closure\"" }, "\(withoutDialog.map(\.description))")
    }

    /// The README's table says which catalogs a native speaker reviewed: it must match the files.
    @Test func theReadmeShowsEachCatalogsReviewStatusHonestly() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let readme = try String(contentsOf: CoreFixture.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for catalog in library.catalogs.values {
            let row = try #require(readme.split(separator: "\n").first { $0.contains("| \(catalog.nativeName) (\(catalog.language))") },
                                   "README has no row for \(catalog.language)")
            #expect(row.contains(catalog.reviewedByNativeSpeaker ? "| yes |" : "| no |"), "\(row)")
        }
    }

    /// The mechanical parts of the tone rules in DOMAIN.md, for every message in every language.
    @Test func everyMessageIsShortAsksOneQuestionAndNeverSaysVictim() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let victim = ["victim", "victime", "opfer", "slachtoffer", "vittima", "víctima", "vítima", "viktim", "θύμα", "ضحية", "قربانی"]
        for catalog in library.catalogs.values {
            let questionMarks: Set<Character> = catalog.language == "el" ? [";", "\u{037E}"] : ["?", "\u{061F}"]
            for (key, text) in catalog.messages {
                #expect(text.count < 300, "\(catalog.language) \(key) is \(text.count) characters")
                for word in victim {
                    #expect(!text.lowercased().contains(word), "\(catalog.language) \(key) says \(word)")
                }
                #expect(text.filter(questionMarks.contains).count <= 1, "one question per message: \(catalog.language) \(key)")
            }
        }
    }

    /// Whatever the bot suggests typing ("write “later”") must be a word it understands in that language.
    @Test func everyQuotedWordIsOneTheBotUnderstands() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let localizer = Localizer(catalogs: library.catalogs, defaultLanguage: "en")
        let quote = try Regex(#"[“«„‘”"»]\s*([^“”«»„"]+?)\s*[”»“"’]"#)
        for catalog in library.catalogs.values {
            let known = Set(catalog.words.values.joined()).union(library.catalogs["en"]!.words.values.joined())
            let languageWords = Set(localizer.words("language", in: catalog.language))
            for (key, text) in catalog.messages {
                for match in text.matches(of: quote) {
                    // A placeholder stands for a reference or an id the person copies ("erase {person} yes").
                    let written = String(match.output[1].substring ?? "").replacing(#/\{[a-z_]+\}/#, with: " ")
                    let quoted = TextNormalizer.normalize(written)
                    if let first = quoted.split(separator: " ").first, languageWords.contains(String(first)) { continue }
                    let letters = quoted.split(whereSeparator: { $0.isNumber || "/:.- ".contains($0) }).map(String.init)
                    let understood = known.contains(quoted) || letters.allSatisfy(known.contains)
                    #expect(understood, "\(catalog.language) \(key): “\(quoted)” is not a word the bot understands")
                }
            }
        }
    }

    /// Examples of days and times the bot gives ("for example “27/11” or “14:30”") must parse.
    @Test func everyExampleDayAndTimeInAPromptIsUnderstood() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let localizer = Localizer(catalogs: library.catalogs, defaultLanguage: "en")
        let quote = try Regex(#"[“«„‘”"»]\s*([^“”«»„"]+?)\s*[”»“"’]"#)
        let examples: [(key: String, type: AnswerType)] = [
            ("plan_meeting.date", .date(.future)), ("plan_meeting.time", .time), ("log_meeting.date", .date(.past)),
            ("change_meeting.new_time", .dateTime(.future)), ("dialog.hint.time", .time), ("dialog.hint.date_time", .dateTime(.future)),
        ]
        for catalog in library.catalogs.values {
            let parser = AnswerParser(localizer: localizer, language: catalog.language, now: Rehearsal.defaultStart,
                                      timeZone: TimeZone(identifier: "Europe/Brussels")!)
            let stopWords = Set(["later", "stop", "menu"].flatMap { localizer.words($0, in: catalog.language) })
            for (key, type) in examples {
                for match in (catalog.messages[key] ?? "").matches(of: quote) {
                    let example = String(match.output[1].substring ?? "")
                    guard !stopWords.contains(TextNormalizer.normalize(example)) else { continue }
                    #expect(parser.parse(example, as: type) != nil, "\(catalog.language) \(key): example “\(example)” is not understood")
                }
            }
        }
    }

    /// DOMAIN.md: always offer a way out. The first thing each dialog says, and what the bot says
    /// outside dialogs, mention "stop", "later", "menu", "talk to a person" or the like.
    @Test func messagesThatEndAnExchangeOfferAWayOut() throws {
        let library = try DialogLibrary.load(directory: repoDialogs)
        let wayOut = ["stop", "later", "menu", "person", "continue", "start", "plan", "change", "privacy", "help", "checkin", "support"]
        // Each is followed at once by a question, or is itself the way (the emergency number).
        // The safety contacts are themselves the way out; the backup coordinators' alert is for staff.
        // The lines about rooms are said in a room the bot then leaves, or point to the room that
        // works (with "sos"); an edit's note comes in the middle of an exchange that goes on.
        let followedByAQuestion: Set<String> = ["bot.help.dialog", "bot.continue.resumed", "bot.meeting.moved",
                                                "bot.safety.reply", "bot.language.unknown", "bot.consent.first",
                                                "bot.safety.programme_phone", "bot.safety.helpline", "bot.safety.acknowledged", "bot.safety.contact",
                                                "bot.incident.backup", "bot.room.encrypted", "bot.room.group", "bot.room.moved",
                                                "bot.edit.kept"]
        var keys = BotCore.applicationKeys.filter { $0.hasPrefix("bot.") && !followedByAQuestion.contains($0) }
        for script in library.scripts.values where script.keyword != nil {
            keys.append(script.steps[0].message)
        }
        for catalog in library.catalogs.values {
            let words = wayOut.flatMap { (catalog.words[$0] ?? []) + (library.catalogs["en"]!.words[$0] ?? []) }
            for key in Set(keys).sorted() {
                let text = TextNormalizer.normalize(catalog.messages[key] ?? "")
                #expect(words.contains { text.contains($0) }, "\(catalog.language) \(key) offers no way out")
            }
        }
    }
}

/// `mentorbot check` on broken copies of the shipped dialogs: each kind of mistake is caught
/// and reported with its file, line and key.
@Suite struct CheckCatchesBrokenCopiesTests {
    @Test func aMissingTranslationIsReported() throws {
        let problems = try problemsAfter("locales/fr.yaml") { $0.replacingOccurrences(of: "  checkin.went_well:", with: "  # removed:") }
        #expect(problems.contains { $0.file.hasSuffix("fr.yaml") && $0.keyPath == "messages.checkin.went_well" })
    }

    @Test func anExtraKeyIsReportedWithItsLine() throws {
        let problems = try problemsAfter("locales/ar.yaml") { $0 + "  bot.unused: \"مرحبا\"\n" }
        let problem = try #require(problems.first { $0.keyPath == "messages.bot.unused" })
        #expect(problem.file.hasSuffix("ar.yaml"))
        #expect(problem.line > 0)
        #expect(problem.message.contains("extra key"))
    }

    @Test func aPlaceholderMismatchIsReported() throws {
        let problems = try problemsAfter("locales/de.yaml") { $0.replacingOccurrences(of: "{count}", with: "{anzahl}") }
        let problem = try #require(problems.first { $0.keyPath == "messages.dialog.hint.choice" })
        #expect(problem.message.contains("placeholders"))
        #expect(problem.line > 0)
    }

    @Test func aBranchToNowhereIsReported() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "goto: difficulty_area", with: "goto: difficulty_zone") }
        #expect(problems.contains { $0.file == "Dialogs/mentor_checkin.yaml" && $0.message.contains("\"difficulty_zone\", which is not a step") && $0.line > 0 })
    }

    @Test func aHandOverToAMissingDialogIsReported() throws {
        let problems = try problemsAfter("menu_mentor.yaml") { $0.replacingOccurrences(of: "start: log_meeting", with: "start: log_meetings") }
        #expect(problems.contains { $0.keyPath.hasSuffix("next.start") && $0.message.contains("not a dialog") && $0.line > 0 })
    }

    @Test func aHandOverToADialogForOtherPeopleIsReported() throws {
        let problems = try problemsAfter("menu_mentee.yaml") { $0.replacingOccurrences(of: "start: mentee_checkin", with: "start: mentor_checkin") }
        #expect(problems.contains { $0.message.contains("for other people") })
    }

    @Test func aTimeoutToNowhereIsReported() throws {
        let problems = try problemsAfter("meeting_confirm.yaml") { $0.replacingOccurrences(of: "goto: no_answer}", with: "goto: nobody}") }
        #expect(problems.contains { $0.keyPath == "steps.ask.timeout.goto" && $0.line > 0 })
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

    @Test func aBadDurationIsReported() throws {
        let problems = try problemsAfter("plan_meeting.yaml") { $0.replacingOccurrences(of: "expires_after: 2d", with: "expires_after: two days") }
        #expect(problems.contains { $0.keyPath == "expires_after" && $0.message.contains("not a duration") })
    }

    @Test func anUnknownOutcomeOrConsentPurposeIsReported() throws {
        let outcome = try problemsAfter("plan_meeting.yaml") { $0.replacingOccurrences(of: "outcome: meeting_planned", with: "outcome: meeting_booked") }
        #expect(outcome.contains { $0.keyPath == "outcome" && $0.message.contains("meeting_booked") })
        let purpose = try problemsAfter("plan_meeting.yaml") { $0.replacingOccurrences(of: "requires_consent: meetings", with: "requires_consent: calendar") }
        #expect(purpose.contains { $0.keyPath == "requires_consent" })
    }

    @Test func aKeywordWithoutWordsIsReported() throws {
        let problems = try problemsAfter("closure.yaml") { $0.replacingOccurrences(of: "keyword: closure", with: "keyword: farewell") }
        #expect(problems.contains { $0.keyPath == "keyword" && $0.message.contains("farewell") })
    }

    @Test func aBrokenDialogFileDoesNotHideProblemsElsewhere() throws {
        let problems = try problemsAfter([
            ("mentor_wellbeing.yaml", { $0.replacingOccurrences(of: "type: yes_no", with: "type: maybe") }),
            ("locales/sv.yaml", { $0.replacingOccurrences(of: "{count}", with: "{antal}") }),
        ])
        #expect(problems.contains { $0.file.hasSuffix("mentor_wellbeing.yaml") && $0.message.contains("\"maybe\"") })
        #expect(problems.contains { $0.file.hasSuffix("sv.yaml") && $0.message.contains("placeholders") })
    }

    @Test func freeTextInACoordinatorSummaryIsRejected() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "answer: {type: scale}", with: "answer: {type: text, max_length: 100}") }
        #expect(problems.contains { $0.message.contains("free text") })
    }

    @Test func anUnknownKeyInAStepIsReported() throws {
        let problems = try problemsAfter("mentor_checkin.yaml") { $0.replacingOccurrences(of: "    save: progress", with: "    saev: progress") }
        #expect(problems.contains { $0.keyPath == "steps[1].saev" && $0.message.contains("unknown key") })
    }

    @Test func onboardingMustAskEveryConsentPurpose() throws {
        let problems = try problemsAfter("onboarding.yaml") { $0.replacingOccurrences(of: "save: consent_evaluation", with: "save: consent_stats") }
        #expect(problems.contains { $0.message.contains("\"evaluation\"") })
    }
}
