import Foundation
import StrictYAML
import Testing
@testable import Dialogs

let repoDialogs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Dialogs")
let library = try! DialogLibrary.load(directory: repoDialogs)
let localizer = Localizer(catalogs: library.catalogs, defaultLanguage: "en")
let brussels = TimeZone(identifier: "Europe/Brussels")!
/// Monday 23 November 2026, 10:00 in Brussels.
let monday = Date(timeIntervalSince1970: 1_795_424_400)

func parser(_ language: String, now: Date = monday) -> AnswerParser {
    AnswerParser(localizer: localizer, language: language, now: now, timeZone: brussels)
}

/// A small script written here, so that runner tests do not depend on the shipped wording.
func script(_ yaml: String) throws -> DialogScript { try DialogLoader.loadScript(yaml: yaml, file: "test.yaml") }

@Suite struct AnswerParsingTests {
    @Test func normalisationFoldsCaseAccentsPunctuationAndDigits() {
        #expect(TextNormalizer.normalize("  Arrêter ! ") == "arreter")
        #expect(TextNormalizer.normalize("٣") == "3")
        #expect(TextNormalizer.normalize("۳") == "3")
        #expect(TextNormalizer.normalize("\u{06CC}") == TextNormalizer.normalize("\u{064A}"))
    }

    @Test func choicesAreUnderstoodByNumberNumberWordLabelValueAndReaction() throws {
        let type = try #require(library.scripts["mentor_checkin"]?.step("progress")?.answer)
        let french = parser("fr")
        #expect(french.parse("2", as: type) == .choice("a_little"))
        #expect(french.parse("٢", as: type) == .choice("a_little"))
        #expect(french.parse("deux", as: type) == .choice("a_little"))
        #expect(french.parse(localizer.text("option.progress.a_little", in: "fr") + " !", as: type) == .choice("a_little"))
        #expect(french.parse("a little", as: type) == .choice("a_little"))
        #expect(french.parse("not_yet", as: type) == .choice("not_yet"))
        #expect(french.parse("7", as: type) == nil)
        #expect(french.parseReaction("3️⃣", as: type) == .choice("not_yet"))
        #expect(french.parseReaction("👍", as: type) == nil)
    }

    @Test func severalChoicesAreUnderstoodInManyShapes() throws {
        let type = try #require(library.scripts["log_meeting"]?.step("activities")?.answer)
        let english = parser("en")
        #expect(english.parse("1 4", as: type) == .choices(["leisure", "administration"]))
        #expect(english.parse("4, 1 and 6", as: type) == .choices(["leisure", "administration", "housing"]))
        #expect(english.parse("sport, housing", as: type) == .choices(["sport", "housing"]))
        #expect(english.parse("3", as: type) == .choices(["sport"]))
        #expect(parser("ar").parse("١، ٤", as: type) == .choices(["leisure", "administration"]))
        #expect(english.parse("1 9", as: type) == nil)
        #expect(english.parse("lots", as: type) == nil)
    }

    @Test func yesNoScaleNumberAndTextFollowTheirRules() {
        let french = parser("fr")
        #expect(french.parse("Non !", as: .yesNo) == .yesNo(false))
        #expect(french.parse("oui", as: .yesNo) == .yesNo(true))
        #expect(french.parse("yes", as: .yesNo) == .yesNo(true))
        #expect(french.parse("4", as: .scale) == .number(4))
        #expect(french.parse("5", as: .scale) == nil)
        #expect(french.parse(localizer.text("answer.scale_2", in: "fr"), as: .scale) == .number(2))
        #expect(french.parse("12", as: .number(min: 1, max: 10)) == nil)
        #expect(french.parse(String(repeating: "a", count: 11), as: .text(maxLength: 10)) == nil)
        #expect(french.parse(" ok ", as: .text(maxLength: 10)) == .text("ok"))
    }

    @Test func everyLanguageUnderstandsItsOwnYesNoAndNumbers() {
        for language in localizer.languages {
            let local = parser(language)
            for word in localizer.catalogs[language]!.words["yes"]! {
                #expect(local.parse(word, as: .yesNo) == .yesNo(true), "\(language) \(word)")
            }
            for word in localizer.catalogs[language]!.words["no"]! {
                #expect(local.parse(word, as: .yesNo) == .yesNo(false), "\(language) \(word)")
            }
            for number in 1...4 {
                for word in localizer.catalogs[language]!.words["number.\(number)"]! {
                    #expect(local.parse(word, as: .scale) == .number(number), "\(language) \(word)")
                }
            }
        }
    }
}

@Suite struct DateAndTimeTests {
    @Test func relativeDaysWeekdaysAndNumericDatesInSeveralLanguages() {
        let cases: [(String, String, DateRange, String)] = [
            ("en", "today", .future, "2026-11-23"), ("en", "tomorrow", .future, "2026-11-24"),
            ("en", "yesterday", .past, "2026-11-22"), ("en", "Friday", .future, "2026-11-27"),
            ("en", "monday", .future, "2026-11-30"), ("en", "monday", .past, "2026-11-23"), ("en", "fri", .past, "2026-11-20"),
            ("en", "27/11", .future, "2026-11-27"), ("en", "27.11.", .future, "2026-11-27"), ("en", "2/1", .future, "2027-01-02"),
            ("en", "2/1", .past, "2026-01-02"), ("en", "27-11-2026", .any, "2026-11-27"), ("en", "27/11/26", .any, "2026-11-27"),
            ("en", "2026-12-01", .future, "2026-12-01"), ("en", "friday 27/11", .future, "2026-11-27"),
            ("en", "27th November", .future, "2026-11-27"), ("en", "dec 3", .future, "2026-12-03"),
            ("fr", "demain", .future, "2026-11-24"), ("fr", "vendredi", .future, "2026-11-27"), ("fr", "1er décembre", .future, "2026-12-01"),
            ("de", "morgen", .future, "2026-11-24"), ("de", "Freitag", .future, "2026-11-27"), ("de", "3. Dezember", .future, "2026-12-03"),
            ("es", "27 de noviembre", .future, "2026-11-27"), ("it", "il 27/11", .future, "2026-11-27"),
            ("pt", "3 de dezembro", .future, "2026-12-03"),
            ("ar", "غدا", .future, "2026-11-24"), ("ar", "الجمعة", .future, "2026-11-27"), ("ar", "٢٧/١١", .future, "2026-11-27"),
        ]
        for (language, text, range, expected) in cases {
            #expect(parser(language).parse(text, as: .date(range)) == .date(expected), "\(language) \(text)")
        }
    }

    @Test func daysOnTheWrongSideOfTodayAndImpossibleDaysAreRefused() {
        let english = parser("en")
        #expect(english.interpret("yesterday", as: .date(.future)) == .outOfRange(.future))
        #expect(english.interpret("tomorrow", as: .date(.past)) == .outOfRange(.past))
        #expect(english.interpret("31/02", as: .date(.any)) == .notUnderstood)
        #expect(english.interpret("someday", as: .date(.any)) == .notUnderstood)
    }

    @Test func timesInTheFormsPeopleType() {
        let cases: [(String, String, String)] = [
            ("en", "14:30", "14:30"), ("en", "14.30", "14:30"), ("en", "2pm", "14:00"), ("en", "2:30 pm", "14:30"),
            ("en", "12am", "00:00"), ("en", "9", "09:00"), ("fr", "14h30", "14:30"), ("fr", "14h", "14:00"),
            ("de", "14 Uhr", "14:00"), ("sv", "kl 14", "14:00"), ("ar", "١٤:٣٠", "14:30"), ("ar", "3 بعد الظهر", "15:00"),
            ("en", "3 in the afternoon", "15:00"),
        ]
        for (language, text, expected) in cases {
            #expect(parser(language).parse(text, as: .time) == .time(expected), "\(language) \(text)")
        }
        for nonsense in ["25:00", "14:75", "13pm", "soon"] {
            #expect(parser("en").parse(nonsense, as: .time) == nil, "\(nonsense)")
        }
    }

    @Test func aDayAndATimeTogetherInEitherOrder() {
        let english = parser("en")
        #expect(english.parse("friday 14:30", as: .dateTime(.future)) == .dateTime("2026-11-27T14:30"))
        #expect(english.parse("14:30 friday", as: .dateTime(.future)) == .dateTime("2026-11-27T14:30"))
        #expect(english.parse("27/11 at 10", as: .dateTime(.future)) == .dateTime("2026-11-27T10:00"))
        #expect(parser("fr").parse("demain à 9h", as: .dateTime(.future)) == .dateTime("2026-11-24T09:00"))
        #expect(english.interpret("today 8:00", as: .dateTime(.future)) == .outOfRange(.future))
    }

    @Test func valuesAreReadBackInThePersonsLanguageOnTheGregorianCalendar() {
        #expect(parser("en").describe(.date("2026-11-27"), as: .date(.any)) == "Friday 27 November")
        #expect(parser("fr").describe(.date("2026-11-27"), as: .date(.any)) == "vendredi 27 novembre")
        #expect(parser("de").describe(.date("2026-11-27"), as: .date(.any)).contains("27. November"))
        // Persian speakers in Europe meet on European dates: never the Solar Hijri calendar.
        let persian = parser("fa").describe(.date("2026-11-27"), as: .date(.any))
        #expect(persian.contains("نوامبر"), "\(persian)")
        #expect(parser("en").describe(.time("09:05"), as: .time) == "09:05")
        #expect(parser("en").describe(.dateTime("2026-11-27T14:30"), as: .dateTime(.any))
            == localizer.text("dialog.time_format", in: "en", ["date": "Friday 27 November", "time": "14:30"]))
    }
}

@Suite struct RunnerTests {
    static let yaml = """
        id: sample
        audience: anyone
        expires_after: 1d
        steps:
          - id: day
            say: plan_meeting.date
            answer: {type: date, range: future}
            save: day
          - id: happy
            say: checkin.difficulties
            answer: {type: yes_no}
            save: happy
            timeout: {after: 2h, goto: late}
            next:
              - {when: {happy: "yes"}, start: other}
              - goto: end
          - id: late
            say: meeting_confirm.no_answer
        """

    @Test func threeRepliesThatDoNotFitEndInStuckNotALoop() throws {
        let runner = DialogRunner(script: try #require(library.scripts["mentor_checkin"]))
        guard case .continuing(var progress, let prompts) = runner.start(at: monday) else { Issue.record("no start"); return }
        #expect(prompts.map(\.key) == ["checkin.welcome", "mentor_checkin.progress"])
        let english = parser("en")
        guard case .retry(let once, let hint) = runner.reply("maybe", progress: progress, parser: english, at: monday)
        else { Issue.record("no retry"); return }
        #expect(hint.first == Prompt(key: "dialog.hint.choice", parameters: ["count": "3"]))
        progress = once
        guard case .retry(let twice, _) = runner.reply("hmm", progress: progress, parser: english, at: monday)
        else { Issue.record("no retry"); return }
        guard case .stuck = runner.reply("??", progress: twice, parser: english, at: monday) else { Issue.record("not stuck"); return }
    }

    @Test func aDayIsReadBackAndKeptOnlyOnceConfirmed() throws {
        let runner = DialogRunner(script: try script(Self.yaml))
        guard case .continuing(let start, _) = runner.start(at: monday) else { Issue.record("no start"); return }
        guard case .continuing(let asked, let readBack) = runner.reply("friday", progress: start, parser: parser("en"), at: monday)
        else { Issue.record("no read-back"); return }
        #expect(readBack == [Prompt(key: "dialog.confirm", choices: ["answer.yes", "answer.no"], isQuestion: true,
                                    parameters: ["value": "Friday 27 November"])])
        #expect(asked.answers["day"] == nil)
        // "no" asks the question again; a new day replaces the one read back.
        guard case .retry(let again, let prompts) = runner.reply("no", progress: asked, parser: parser("en"), at: monday)
        else { Issue.record("no re-ask"); return }
        #expect(prompts.map(\.key) == ["plan_meeting.date"])
        guard case .continuing(let second, _) = runner.reply("tomorrow", progress: again, parser: parser("en"), at: monday),
              case .continuing(let replaced, let newReadBack) = runner.reply("28/11", progress: second, parser: parser("en"), at: monday),
              case .continuing(let kept, _) = runner.reply("yes", progress: replaced, parser: parser("en"), at: monday)
        else { Issue.record("flow broke"); return }
        #expect(newReadBack.first?.parameters["value"] == "Saturday 28 November")
        #expect(kept.answers["day"] == .date("2026-11-28"))
        #expect(kept.stepID == "happy")
    }

    @Test func anUnansweredQuestionTakesItsTimeoutBranchAndTheDialogExpires() throws {
        let runner = DialogRunner(script: try script(Self.yaml))
        guard case .continuing(let start, _) = runner.start(at: monday),
              case .continuing(let readBack, _) = runner.reply("friday", progress: start, parser: parser("en"), at: monday),
              case .continuing(let waiting, _) = runner.reply("yes", progress: readBack, parser: parser("en"), at: monday)
        else { Issue.record("flow broke"); return }
        #expect(runner.timeout(waiting, at: monday.addingTimeInterval(7_199)) == nil)
        guard case .finished(_, let prompts, let handOff)? = runner.timeout(waiting, at: monday.addingTimeInterval(7_200))
        else { Issue.record("no timeout"); return }
        #expect(prompts.map(\.key) == ["meeting_confirm.no_answer"])
        #expect(handOff == nil)
        #expect(!runner.hasExpired(waiting, at: monday.addingTimeInterval(86_399)))
        #expect(runner.hasExpired(waiting, at: monday.addingTimeInterval(86_400)))
    }

    @Test func aBranchCanHandOverToAnotherDialog() throws {
        let runner = DialogRunner(script: try script(Self.yaml))
        guard case .continuing(let start, _) = runner.start(at: monday),
              case .continuing(let readBack, _) = runner.reply("friday", progress: start, parser: parser("en"), at: monday),
              case .continuing(let waiting, _) = runner.reply("yes", progress: readBack, parser: parser("en"), at: monday),
              case .finished(let done, _, let handOff) = runner.reply("yes", progress: waiting, parser: parser("en"), at: monday)
        else { Issue.record("flow broke"); return }
        #expect(handOff == "other")
        #expect(done.answers["happy"] == .yesNo(true))
    }

    @Test func rightToLeftTextIsolatesInsertedValues() {
        #expect(localizer.text("bot.support.received", in: "ar", ["reference": "S-001"]).contains("\u{2068}S-001\u{2069}"))
        #expect(!localizer.text("bot.support.received", in: "en", ["reference": "S-001"]).contains("\u{2068}"))
        #expect(localizer.matches("help", meaning: "help", in: "ar"))
    }
}
