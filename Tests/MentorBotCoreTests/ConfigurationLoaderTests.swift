import BotModel
import ConfigurationLoading
import Foundation
@testable import MentorBotCore
import Safeguarding
import StrictYAML
import Testing

@Suite struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(supportedLanguages: ["en", "fr"])
    static let exampleURL = CoreFixture.repoRoot.appendingPathComponent("Config/mentorbot.example.yaml")
    static let example = try! String(contentsOf: exampleURL, encoding: .utf8)

    func load(_ yaml: String) throws -> Configuration {
        try loader.load(yaml: yaml, file: "Config/test.yaml", baseDirectory: "/srv/mentorbot/Config")
    }

    func problems(_ yaml: String) -> [YAMLProblem] {
        do {
            _ = try load(yaml)
            return []
        } catch let found as YAMLProblems {
            return found.problems
        } catch let one as YAMLProblem {
            return [one]
        } catch {
            return [YAMLProblem(file: "?", line: 0, keyPath: "", message: "\(error)")]
        }
    }

    @Test func theShippedExampleLoads() throws {
        let configuration = try load(Self.example)
        #expect(configuration.bot.credential == .accessToken(.environment("MENTORBOT_ACCESS_TOKEN")))
        #expect(configuration.dataDirectory == "/srv/mentorbot/data")
        #expect(configuration.roster.people.count == 4)
        #expect(configuration.roster.people.first { $0.id == "C2" }?.isBackup == true)
        #expect(configuration.roster.people.first { $0.id == "E1" }?.timeZone == "Europe/Brussels")
        #expect(configuration.roster.pairs == [Pair(id: "P-001", mentorID: "M1", menteeID: "E1", startDate: "2026-11-01", knownAs: "Amal", endDate: "2027-05-01")])
        #expect(configuration.programme.cadence == Cadence(), "the example shows the defaults")
    }

    @Test func theBotsNameAndPictureAreReadAndABadPictureAddressIsReported() throws {
        #expect(try load(Self.example).bot.displayName == "MentorBot")
        let named = Self.example.replacingOccurrences(of: "  display_name: MentorBot\n  # Its picture",
                                                      with: "  display_name: Helper\n  avatar_url: \"mxc://example.org/abc\"\n  # Its picture")
        let configuration = try load(named)
        #expect(configuration.bot.displayName == "Helper" && configuration.bot.avatarURL == "mxc://example.org/abc")
        let bad = problems(named.replacingOccurrences(of: "mxc://example.org/abc", with: "https://example.org/me.png"))
        #expect(bad.contains { $0.keyPath.hasSuffix("avatar_url") && $0.message.contains("mxc://") }, "\(bad)")
    }

    /// Issue 13's reproducers: each of these crashed `check` or `run`, spun for ever, or would have
    /// told a person in danger "helpline: null". Each is now a problem with its file, line and key.
    @Test(arguments: [
        ("mentee_checkin_every: 1mo", "mentee_checkin_every: 9223372036854775807mo", "mentee_checkin_every"),
        ("mentee_checkin_every: 1mo", "mentee_checkin_every: 2000000000000000000w", "mentee_checkin_every"),
        ("acknowledge_within: 10m", "acknowledge_within: 9223372036854775807d", "acknowledge_within"),
        ("helpline: \"+32 800 00 000\"", "helpline: null", "helpline"),
        ("helpline: \"+32 800 00 000\"", "helpline: ~", "helpline"),
        ("# monitoring_port: 9464", "monitoring_port: 80", "monitoring_port"),
        ("# logging: {level: info, format: json}", "logging: {level: loud}", "logging.level"),
        ("# logging: {level: info, format: json}", "logging: {format: xml}", "logging.format"),
    ])
    func absurdValuesAreProblemsWithTheirKey(original: String, replacement: String, key: String) {
        #expect(Self.example.contains(original))
        let found = problems(Self.example.replacingOccurrences(of: original, with: replacement))
        #expect(found.contains { $0.keyPath.hasSuffix(key) && $0.line > 0 }, "\(replacement): \(found)")
    }

    @Test func theRetentionPeriodIsReadAndABadOneNamed() throws {
        #expect(try load(Self.example).programme.retention == nil, "the example keeps data until erased by hand")
        let twelve = Self.example.replacingOccurrences(of: "  retention: off\n", with: "  retention: 12mo\n")
        #expect(try load(twelve).programme.retention == .months(12))
        let bad = problems(Self.example.replacingOccurrences(of: "  retention: off\n", with: "  retention: forever\n"))
        #expect(bad.count == 1 && bad[0].keyPath == "programme.retention" && bad[0].message.contains("12mo"), "\(bad)")
    }

    @Test func theLogsLevelAndFormatAreRead() throws {
        let configuration = try load(Self.example.replacingOccurrences(of: "# logging: {level: info, format: json}",
                                                                        with: "logging: {level: debug, format: json}"))
        #expect(configuration.logLevel == "debug" && configuration.logAsJSON)
        let plain = try load(Self.example)
        #expect(plain.logLevel == "info" && !plain.logAsJSON)
    }

    @Test func aYAMLAliasBombIsRefusedBeforeItIsExpanded() {
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            + "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n? [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n: boom\n"
        let found = problems(bomb)
        #expect(found.contains { $0.line == 1 && $0.message.contains("anchors and aliases") }, "\(found)")
    }

    @Test func remindersAreReadWithTheirDefaultsAndBadValuesAreReported() throws {
        let configuration = try ConfigurationLoader(supportedLanguages: ["en", "fr"])
            .load(yaml: Self.example, file: "Config/test.yaml", baseDirectory: "/srv/mentorbot/Config")
        #expect(configuration.programme.schedule == Schedule())
        let custom = Self.example.replacingOccurrences(of: "before_meeting: [1d, 2h]", with: "before_meeting: 3h")
            .replacingOccurrences(of: "quiet_hours: \"21:00-08:00\"", with: "quiet_hours: \"22:30-07:15\"")
        let schedule = try ConfigurationLoader(supportedLanguages: ["en", "fr"])
            .load(yaml: custom, file: "Config/test.yaml", baseDirectory: "/srv").programme.schedule
        #expect(schedule.meetingReminders == [10_800])
        #expect(schedule.quietStart == 22 * 60 + 30 && schedule.quietEnd == 7 * 60 + 15)
        let broken = Self.example.replacingOccurrences(of: "quiet_hours: \"21:00-08:00\"", with: "quiet_hours: evenings")
            .replacingOccurrences(of: "daily_limit: 3", with: "daily_limit: 0")
            .replacingOccurrences(of: "meeting_length: 2h", with: "meeting_length: long")
        let paths = problems(broken).map(\.keyPath)
        #expect(paths.contains("programme.reminders.quiet_hours"))
        #expect(paths.contains("programme.reminders.daily_limit"))
        #expect(paths.contains("programme.reminders.meeting_length"))
    }

    @Test func anUnknownKeyIsAnErrorWithFileLineAndKey() {
        let yaml = Self.example.replacingOccurrences(of: "  time_zone: Europe/Brussels\n\n", with: "  time_zone: Europe/Brussels\n  timezone: UTC\n\n")
        let found = problems(yaml)
        #expect(found.count == 1)
        let line = yaml.components(separatedBy: "\n").firstIndex { $0.hasPrefix("  timezone:") }.map { $0 + 1 }
        #expect(found.first?.line == line)
        #expect(found.first?.keyPath == "programme.timezone")
        #expect(found.first?.file == "Config/test.yaml")
    }

    @Test func everyProblemIsReportedInOnePass() {
        let yaml = Self.example
            .replacingOccurrences(of: "language: fr", with: "language: xx")
            .replacingOccurrences(of: "time_zone: Europe/Brussels\n  mentees", with: "time_zone: Mars/Olympus\n  mentees")
            .replacingOccurrences(of: "mentee: E1", with: "mentee: E9")
        let messages = problems(yaml).map(\.description)
        #expect(messages.count == 3)
        #expect(messages.contains { $0.contains("roster.mentors[0].language") && $0.contains("\"xx\"") })
        #expect(messages.contains { $0.contains("roster.mentors[0].time_zone") && $0.contains("Mars/Olympus") })
        #expect(messages.contains { $0.contains("roster.pairs[0].mentee") && $0.contains("E9") })
    }

    @Test func aBrokenProgrammeSectionDoesNotHideRosterProblemsOrUnknownKeys() {
        let yaml = Self.example
            .replacingOccurrences(of: "  time_zone: Europe/Brussels\n\n", with: "  time_zone: Mars/Base\n\n")
            .replacingOccurrences(of: "language: fr", with: "language: xx") + "extra_key: 1\nother_key: 2\n"
        let paths = problems(yaml).map(\.keyPath)
        #expect(paths == ["programme.time_zone", "roster.mentors[0].language", "extra_key", "other_key"])
    }

    @Test func secretsMustComeFromExactlyOneSource() {
        let yaml = Self.example.replacingOccurrences(of: "  access_token_env: MENTORBOT_ACCESS_TOKEN\n",
                                                     with: "  access_token_env: A\n  password_file: /run/secret\n")
        #expect(problems(yaml).first?.message.contains("exactly one of") == true)
    }

    @Test func badValuesAreNamed() {
        #expect(problems(Self.example.replacingOccurrences(of: "https://matrix.example.org", with: "matrix.example.org"))
            .first?.keyPath == "homeserver")
        #expect(problems(Self.example.replacingOccurrences(of: "\"@mentor.one:example.org\"", with: "mentor.one"))
            .first?.keyPath == "roster.mentors[0].matrix_id")
        #expect(problems(Self.example.replacingOccurrences(of: "start: 2026-11-01", with: "start: 2026-02-30"))
            .first?.keyPath == "roster.pairs[0].start")
        #expect(problems(Self.example.replacingOccurrences(of: "mentor: M1", with: "mentor: E1"))
            .first?.message.contains("is a mentee, not a mentor") == true)
    }

    @Test func safetySettingsAndWhoIsOnDutyAreRead() throws {
        let configuration = try load(Self.example)
        #expect(configuration.programme.safety.programmePhone == "+32 2 000 00 00")
        #expect(configuration.programme.safety.acknowledgeWithin == 600 && configuration.programme.safety.reAlerts == 3)
        #expect(configuration.roster.onDuty.map(\.id) == ["C1"])
        #expect(configuration.roster.backups.map(\.id) == ["C2"])
        let bad = Self.example.replacingOccurrences(of: "re_alerts: 3", with: "re_alerts: 0")
        #expect(problems(bad).first?.keyPath == "programme.safety.re_alerts")
        let typo = Self.example.replacingOccurrences(of: "acknowledge_within: 10m", with: "acknowledge_within: soon")
        #expect(problems(typo).first?.keyPath == "programme.safety.acknowledge_within")
    }

    @Test func semanticThresholdsAndTheWorryRuleAreReadAndCheckedByKey() throws {
        let configuration = try load(Self.example)
        #expect(configuration.programme.safety.semantic == SemanticSettings(), "the example shows the defaults")
        let custom = Self.example.replacingOccurrences(of: "      # thresholds:\n      #   self_harm: {ask: -0.003, alert: 0.004}",
                                                       with: "      thresholds:\n        self_harm: {ask: -0.003, alert: 0.004}\n        default: {ask: 0.0, alert: 0.01}")
            .replacingOccurrences(of: "      # model: /opt/mentorbot/venv", with: "      model: ../venv")
            .replacingOccurrences(of: "      # phrase_doubt: -0.1062", with: "      phrase_doubt: -0.02")
            .replacingOccurrences(of: "      # piece_alert: 0.0817", with: "      piece_alert: 0.07")
            .replacingOccurrences(of: "      # longer_alert: 0.1199", with: "      longer_alert: 0.06")
            .replacingOccurrences(of: "      # piece_ask: 0.0496", with: "      piece_ask: 0.02")
            .replacingOccurrences(of: "      # short: {ask: -0.0412, alert: 0.0147}", with: "      short: {ask: 0.01, alert: 0.05}")
        let semantic = try load(custom).programme.safety.semantic
        #expect(semantic.thresholds.short == .init(ask: 0.01, alert: 0.05))
        let shortUpsideDown = problems(custom.replacingOccurrences(of: "short: {ask: 0.01, alert: 0.05}", with: "short: {ask: 0.05, alert: 0.01}"))
        #expect(shortUpsideDown.contains { $0.keyPath == "programme.safety.semantic.short" && $0.message.contains("ask must not be above alert") && $0.line > 0 },
                "\(shortUpsideDown)")
        #expect(semantic.thresholds.phraseDoubt == -0.02)
        #expect(semantic.thresholds.pieceAlert == 0.07)
        #expect(semantic.thresholds.longerAlert == 0.06)
        let longerOutOfRange = problems(custom.replacingOccurrences(of: "longer_alert: 0.06", with: "longer_alert: -2"))
        #expect(longerOutOfRange.contains { $0.keyPath == "programme.safety.semantic.longer_alert" && $0.message.contains("between -1 and 1") && $0.line > 0 },
                "\(longerOutOfRange)")
        #expect(semantic.thresholds.pieceAsk == 0.02)
        let pieceAskNotANumber = problems(custom.replacingOccurrences(of: "piece_ask: 0.02", with: "piece_ask: often"))
        #expect(pieceAskNotANumber.contains { $0.keyPath == "programme.safety.semantic.piece_ask" && $0.message.contains("a number") && $0.line > 0 },
                "\(pieceAskNotANumber)")
        let pieceOutOfRange = problems(custom.replacingOccurrences(of: "piece_alert: 0.07", with: "piece_alert: 3"))
        #expect(pieceOutOfRange.contains { $0.keyPath == "programme.safety.semantic.piece_alert" && $0.message.contains("between -1 and 1") && $0.line > 0 },
                "\(pieceOutOfRange)")
        let doubtAboveZero = problems(custom.replacingOccurrences(of: "phrase_doubt: -0.02", with: "phrase_doubt: 0.05"))
        #expect(doubtAboveZero.contains { $0.keyPath == "programme.safety.semantic.phrase_doubt" && $0.message.contains("between -1 and 0") && $0.line > 0 },
                "\(doubtAboveZero)")
        #expect(semantic.thresholds.byCategory[.selfHarm] == .init(ask: -0.003, alert: 0.004))
        #expect(semantic.thresholds.byCategory[.threat] == .init(ask: 0.0, alert: 0.01), "default replaces the others")
        #expect(semantic.model == "/srv/mentorbot/venv", "relative to the configuration file")
        for (bad, message) in [("self_harm: {ask: 0.01, alert: 0.004}", "ask must not be above alert"),
                               ("self_harm: {ask: -0.003, alert: 7}", "between -1 and 1"),
                               ("self_harm: {ask: -0.003, alert: .nan}", "between -1 and 1"),
                               ("selfharm: {ask: -0.003, alert: 0.004}", "unknown category \"selfharm\"")] {
            let yaml = custom.replacingOccurrences(of: "self_harm: {ask: -0.003, alert: 0.004}", with: bad)
            let found = problems(yaml)
            #expect(found.contains { $0.keyPath.hasPrefix("programme.safety.semantic.thresholds") && $0.message.contains(message) && $0.line > 0 },
                    "\(bad): \(found)")
        }
        let tooFew = problems(Self.example.replacingOccurrences(of: "signals: 3", with: "signals: 1"))
        #expect(tooFew.first?.keyPath == "programme.safety.semantic.worry.signals")
    }

    @Test func duplicateMatrixIDsAreRejected() {
        let yaml = Self.example.replacingOccurrences(of: "@mentee.one:example.org", with: "@mentor.one:example.org")
        #expect(problems(yaml).contains { $0.message.contains("already used on line") })
    }

    @Test func aProgrammeWithoutCoordinatorsIsRejected() {
        let start = Self.example.range(of: "  coordinators:")!.lowerBound
        let end = Self.example.range(of: "  mentors:")!.lowerBound
        var yaml = Self.example
        yaml.removeSubrange(start..<end)
        #expect(problems(yaml).contains { $0.message.contains("at least one coordinator") })
    }
}
