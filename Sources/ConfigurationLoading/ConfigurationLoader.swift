import BotModel
import Dialogs
import Foundation
import MentorBotCore
import Safeguarding
import StrictYAML

/// Reads and checks the configuration file. Unknown keys are errors, because a misspelt key that
/// is silently ignored is a setting that silently does not apply. All problems are reported at once.
public struct ConfigurationLoader {
    /// Languages that have a catalog; a person's language must be one of them.
    public let supportedLanguages: Set<String>

    public init(supportedLanguages: Set<String>) { self.supportedLanguages = supportedLanguages }

    /// `file` is the path shown in problems; relative directories are resolved against `baseDirectory`.
    public func load(yaml: String, file: String, baseDirectory: String) throws -> Configuration {
        let problems = ProblemCollector()
        let root = try YAMLValue.parse(yaml, file: file).mapping()
        let homeserver = problems.attempt { try homeserverURL(root.required("homeserver")) }
        let bot = problems.attempt { try account(root.required("bot")) }
        let dataDirectory = problems.attempt { try root.required("data_directory").nonEmptyString() }
        let dialogsDirectory = problems.attempt { try root.optional("dialogs_directory")?.nonEmptyString() ?? "../Dialogs" }
        let room = problems.attempt { try roomReference(root.required("coordinators_room")) }
        let monitoringPort = problems.attempt { () throws -> Int? in
            guard let value = root.optional("monitoring_port") else { return nil }
            let port = try value.int()
            guard (1_024...65_535).contains(port) else { throw value.problem("a port between 1024 and 65535") }
            return port
        } ?? nil
        let logging = problems.attempt { () throws -> (level: String, json: Bool)? in
            guard let value = root.optional("logging") else { return nil }
            let map = try value.mapping()
            var level = "info", format = "plain"
            if let node = map.optional("level") {
                level = try node.nonEmptyString()
                guard Self.logLevels.contains(level) else { throw node.problem("one of \(Self.logLevels.joined(separator: ", "))") }
            }
            if let node = map.optional("format") {
                format = try node.nonEmptyString()
                guard ["plain", "json"].contains(format) else { throw node.problem("plain or json") }
            }
            try map.finish()
            return (level, format == "json")
        } ?? nil
        let programme = problems.attempt { try self.programme(root.required("programme"), problems: problems) }
        // A broken programme section must not hide the roster's own problems: check the roster
        // against English and UTC meanwhile.
        let rosterDefaults = programme ?? Programme(defaultLanguage: Localizer.baseLanguage, timeZone: "UTC")
        let roster = problems.attempt { try self.roster(root.required("roster"), programme: rosterDefaults, problems: problems) }
        _ = problems.attempt { try root.finish() }
        try problems.throwIfAny()
        var resolved = programme!
        resolved.safety.semantic.model = resolved.safety.semantic.model.map { Self.resolve($0, against: baseDirectory) }
        resolved.safety.semantic.cache = resolved.safety.semantic.cache.map { Self.resolve($0, against: baseDirectory) }
        var configuration = Configuration(
            homeserver: homeserver!, bot: bot!,
            dataDirectory: Self.resolve(dataDirectory!, against: baseDirectory),
            dialogsDirectory: Self.resolve(dialogsDirectory!, against: baseDirectory),
            coordinatorsRoom: room!, programme: resolved, roster: roster!, monitoringPort: monitoringPort)
        configuration.logLevel = logging?.level ?? "info"
        configuration.logAsJSON = logging?.json ?? false
        return configuration
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    static func resolve(_ path: String, against base: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    func homeserverURL(_ value: YAMLValue) throws -> String {
        let text = try value.nonEmptyString()
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw value.problem("\"\(text)\" is not an http(s) URL, e.g. https://matrix.example.org")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    func account(_ value: YAMLValue) throws -> BotAccount {
        let map = try value.mapping()
        let userID = try matrixUserID(map.required("user_id"))
        let sources: [(String, (SecretSource) -> Credential, (String) -> SecretSource)] = [
            ("access_token_env", Credential.accessToken, SecretSource.environment),
            ("access_token_file", Credential.accessToken, SecretSource.file),
            ("password_env", Credential.password, SecretSource.environment),
            ("password_file", Credential.password, SecretSource.file),
        ]
        var credentials: [Credential] = []
        for (key, credential, source) in sources {
            if let entry = map.optional(key) { credentials.append(credential(source(try entry.nonEmptyString()))) }
        }
        let deviceID = try map.optional("device_id")?.nonEmptyString() ?? "MENTORBOT"
        let displayName = try map.optional("display_name")?.nonEmptyString() ?? "MentorBot"
        var avatarURL: String?
        if let avatar = map.optional("avatar_url") {
            let text = try avatar.nonEmptyString()
            guard text.hasPrefix("mxc://"), text.dropFirst(6).contains("/") else {
                throw avatar.problem("avatar_url must be an mxc:// address (upload the image with a Matrix client first)")
            }
            avatarURL = text
        }
        try map.finish()
        guard credentials.count == 1, let credential = credentials.first else {
            throw value.problem("give exactly one of access_token_env, access_token_file, password_env, password_file "
                + "(the secret itself never goes in this file)")
        }
        return BotAccount(userID: userID, credential: credential, deviceID: deviceID, displayName: displayName, avatarURL: avatarURL)
    }

    func matrixUserID(_ value: YAMLValue) throws -> String {
        let text = try value.nonEmptyString()
        guard text.hasPrefix("@"), let colon = text.firstIndex(of: ":"), colon > text.index(after: text.startIndex),
              text.index(after: colon) < text.endIndex else {
            throw value.problem("\"\(text)\" is not a Matrix user id like @name:example.org")
        }
        return text
    }

    func roomReference(_ value: YAMLValue) throws -> String {
        let text = try value.nonEmptyString()
        guard text.hasPrefix("!") || text.hasPrefix("#"), text.contains(":") else {
            throw value.problem("\"\(text)\" is neither a room id (!id:server) nor an alias (#name:server)")
        }
        return text
    }

    func language(_ value: YAMLValue) throws -> String {
        let code = try value.nonEmptyString().lowercased()
        guard supportedLanguages.contains(code) else {
            throw value.problem("\"\(code)\" is not a supported language (supported: \(supportedLanguages.sorted().joined(separator: ", ")))")
        }
        return code
    }

    func timeZone(_ value: YAMLValue) throws -> String {
        let name = try value.nonEmptyString()
        guard TimeZone(identifier: name) != nil else {
            throw value.problem("\"\(name)\" is not an IANA time zone such as Europe/Brussels")
        }
        return name
    }

    func programme(_ value: YAMLValue, problems: ProblemCollector) throws -> Programme {
        let map = try value.mapping()
        let programme = Programme(defaultLanguage: try language(map.required("default_language")),
                                  timeZone: try timeZone(map.required("time_zone")),
                                  emergencyNumber: try map.optional("emergency_number")?.nonEmptyString() ?? "112",
                                  schedule: try map.optional("reminders").map { try schedule($0, problems: problems) } ?? Schedule(),
                                  cadence: try map.optional("cadence").map { try cadence($0, problems: problems) } ?? Cadence(),
                                  safety: try map.optional("safety").map { try safety($0, problems: problems) } ?? SafetySettings(),
                                  retention: map.optional("retention").flatMap { field in problems.attempt { try retention(field) } } ?? nil)
        _ = problems.attempt { try map.finish() }
        return programme
    }

    /// `programme.retention`: a period after a pair's end ("12mo"), or off (the default).
    func retention(_ field: YAMLValue) throws -> CalendarPeriod? {
        let text = try field.string().trimmingCharacters(in: .whitespaces).lowercased()
        if text == "off" { return nil }
        guard let period = Self.calendarPeriod(text) else {
            throw field.problem("\"\(text)\" is not a period like 12mo or 365d, of at most ten years (or off)")
        }
        return period
    }

    /// `programme.reminders`: every key optional, the DOMAIN.md timings as defaults.
    func schedule(_ value: YAMLValue, problems: ProblemCollector) throws -> Schedule {
        let map = try value.mapping()
        var schedule = Schedule()
        func duration(_ key: String) -> TimeInterval? {
            problems.attempt { try map.optional(key).map(DialogLoader.loadDuration) } ?? nil
        }
        if let list = map.optional("before_meeting") {
            schedule.meetingReminders = problems.attempt { () throws -> [TimeInterval] in
                if case .sequence = list.node { return try list.sequence().map(DialogLoader.loadDuration) }
                return [try DialogLoader.loadDuration(list)]
            } ?? schedule.meetingReminders
        }
        for (key, field) in [("meeting_length", \Schedule.meetingLength), ("log_request_after_end", \.logRequestAfterEnd),
                             ("log_reminder_after", \.logReminderAfter)] {
            if let value = duration(key) { schedule[keyPath: field] = value }
        }
        if let quiet = map.optional("quiet_hours") {
            _ = problems.attempt {
                let text = try quiet.string()
                let parts = text.split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
                guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && (0...23).contains($0[0]) && (0...59).contains($0[1]) })
                else { throw quiet.problem("\"\(text)\" is not a range like 21:00-08:00") }
                schedule.quietStart = parts[0][0] * 60 + parts[0][1]
                schedule.quietEnd = parts[1][0] * 60 + parts[1][1]
            }
        }
        if let limit = map.optional("daily_limit") {
            _ = problems.attempt {
                let value = try limit.int()
                guard value >= 1 else { throw limit.problem("at least 1: a person must be able to get their reminders") }
                schedule.dailyLimit = value
            }
        }
        _ = problems.attempt { try map.finish() }
        return schedule
    }

    /// `programme.cadence`: every key optional, the DOMAIN.md timings as defaults. Periods are
    /// whole days ("14d"), weeks ("2w") or months ("1mo"); "off" turns a nudge off.
    func cadence(_ value: YAMLValue, problems: ProblemCollector) throws -> Cadence {
        let map = try value.mapping()
        var cadence = Cadence()
        func period(_ key: String, canBeOff: Bool) -> CalendarPeriod?? {
            guard let field = map.optional(key) else { return nil }
            return problems.attempt { () throws -> CalendarPeriod? in
                let text = try field.string().trimmingCharacters(in: .whitespaces).lowercased()
                if text == "off" {
                    guard canBeOff else { throw field.problem("\(key) cannot be off") }
                    return nil
                }
                guard let period = Self.calendarPeriod(text) else {
                    throw field.problem("\"\(text)\" is not a period like 14d, 2w or 1mo, of at most ten years\(canBeOff ? " (or off)" : "")")
                }
                return period
            }
        }
        if let value = period("mentor_first_checkin", canBeOff: true) { cadence.mentorFirstCheckIn = value }
        if let value = period("mentor_checkin_every", canBeOff: false), let value { cadence.mentorCheckInEvery = value }
        if let value = period("mentee_checkin_every", canBeOff: true) { cadence.menteeCheckInEvery = value }
        if let value = period("no_meeting_after", canBeOff: true) { cadence.noMeetingAfter = value }
        if let value = period("tell_coordinator_after", canBeOff: false), let value { cadence.tellCoordinatorAfter = value }
        if let value = period("book_next_after", canBeOff: true) { cadence.bookNextAfter = value }
        if let value = period("pair_length", canBeOff: false), let value { cadence.pairLength = value }
        if let value = period("tell_coordinator_before_end", canBeOff: false), let value { cadence.tellCoordinatorBeforeEnd = value }
        if let value = period("closure_before_end", canBeOff: false), let value { cadence.closureBeforeEnd = value }
        if let target = map.optional("meetings_per_month") {
            _ = problems.attempt {
                let value = try target.int()
                guard (0...31).contains(value) else { throw target.problem("between 0 (no target) and 31") }
                cadence.meetingsPerMonth = value
            }
        }
        if let time = map.optional("time_of_day") {
            _ = problems.attempt {
                let text = try time.string()
                let parts = text.split(separator: ":").compactMap { Int($0) }
                guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
                    throw time.problem("\"\(text)\" is not a time like 10:00")
                }
                cadence.timeOfDay = parts[0] * 60 + parts[1]
            }
        }
        _ = problems.attempt { try map.finish() }
        return cadence
    }

    /// `programme.safety`: contacts told to a person in danger, and the escalation timings.
    func safety(_ value: YAMLValue, problems: ProblemCollector) throws -> SafetySettings {
        let map = try value.mapping()
        var safety = SafetySettings()
        func duration(_ key: String) -> TimeInterval? {
            problems.attempt { try map.optional(key).map(DialogLoader.loadDuration) } ?? nil
        }
        safety.programmePhone = problems.attempt { try map.optional("programme_phone")?.nonEmptyString() } ?? nil
        safety.helpline = problems.attempt { try map.optional("helpline")?.nonEmptyString() } ?? nil
        for (key, field) in [("contact_within", \SafetySettings.contactWithin), ("acknowledge_within", \.acknowledgeWithin),
                             ("resolve_within", \.resolveWithin), ("remind_open_support_after", \.remindOpenSupportAfter)] {
            if let value = duration(key) { safety[keyPath: field] = value }
        }
        if let count = map.optional("re_alerts") {
            _ = problems.attempt {
                let value = try count.int()
                guard (1...20).contains(value) else { throw count.problem("between 1 and 20: an alert nobody took must be repeated") }
                safety.reAlerts = value
            }
        }
        if let semantic = map.optional("semantic") {
            safety.semantic = problems.attempt { try self.semantic(semantic, problems: problems) } ?? SemanticSettings()
        }
        _ = problems.attempt { try map.finish() }
        return safety
    }

    /// `programme.safety.semantic`: model and cache folders, thresholds per category, worry escalation.
    func semantic(_ value: YAMLValue, problems: ProblemCollector) throws -> SemanticSettings {
        let map = try value.mapping()
        var settings = SemanticSettings()
        settings.model = problems.attempt { try map.optional("model")?.nonEmptyString() } ?? nil
        settings.cache = problems.attempt { try map.optional("cache")?.nonEmptyString() } ?? nil
        if let thresholds = map.optional("thresholds") {
            _ = problems.attempt {
                let entries = try thresholds.mapping()
                var byCategory: [DangerCategory: SemanticThresholds.Pair] = [:]
                var fallback: SemanticThresholds.Pair?
                for entry in entries.allEntries() {
                    let category = DangerCategory(rawValue: entry.key)
                    guard entry.key == "default" || (category != nil && category != .safetyWord) else {
                        problems.add(entry.value.problem("unknown category \"\(entry.key)\" (default or one of: \(DangerCategory.screened.map(\.rawValue).joined(separator: ", ")))"))
                        continue
                    }
                    guard let pair = problems.attempt({ try thresholdPair(entry.value) }) else { continue }
                    if let category { byCategory[category] = pair } else { fallback = pair }
                }
                // "default" replaces the calibrated pair of every category not named.
                if let fallback { for category in DangerCategory.screened where byCategory[category] == nil { byCategory[category] = fallback } }
                settings.thresholds = SemanticThresholds(byCategory: byCategory)
                _ = try entries.finish()
            }
        }
        if let doubt = map.optional("phrase_doubt") {
            _ = problems.attempt { settings.thresholds.phraseDoubt = try score(doubt, within: -1...0) }
        }
        if let pieceAlert = map.optional("piece_alert") {
            _ = problems.attempt { settings.thresholds.pieceAlert = try score(pieceAlert, within: -1...1) }
        }
        if let longerAlert = map.optional("longer_alert") {
            _ = problems.attempt { settings.thresholds.longerAlert = try score(longerAlert, within: -1...1) }
        }
        if let pieceAsk = map.optional("piece_ask") {
            _ = problems.attempt { settings.thresholds.pieceAsk = try score(pieceAsk, within: -1...1) }
        }
        if let short = map.optional("short") {
            _ = problems.attempt { settings.thresholds.short = try thresholdPair(short) }
        }
        if let worry = map.optional("worry") {
            _ = problems.attempt {
                let entries = try worry.mapping()
                if let signals = entries.optional("signals") {
                    let count = try signals.int()
                    guard (2...20).contains(count) else { throw signals.problem("between 2 and 20 worry signals") }
                    settings.worrySignals = count
                }
                if let within = entries.optional("within") {
                    let duration = try DialogLoader.loadDuration(within)
                    guard duration >= 3_600, duration <= 60 * 86_400 else { throw within.problem("between 1h and 60d") }
                    settings.worryWithin = duration
                }
                try entries.finish()
            }
        }
        _ = problems.attempt { try map.finish() }
        return settings
    }

    /// A semantic score (or a margin of one) within `range`.
    private func score(_ node: YAMLValue, within range: ClosedRange<Double>) throws -> Double {
        guard let number = Double(try node.string()), number.isFinite, range.contains(number) else {
            throw node.problem("a number between \(range.lowerBound.formatted()) and \(range.upperBound.formatted())")
        }
        return number
    }

    /// `{ask: -0.003, alert: 0.006}`: asking may not start above alerting.
    private func thresholdPair(_ value: YAMLValue) throws -> SemanticThresholds.Pair {
        let map = try value.mapping()
        let pair = SemanticThresholds.Pair(ask: try score(map.required("ask"), within: -1...1),
                                           alert: try score(map.required("alert"), within: -1...1))
        try map.finish()
        guard pair.ask <= pair.alert else { throw value.problem("ask must not be above alert") }
        return pair
    }

    static func calendarPeriod(_ text: String) -> CalendarPeriod? {
        // At most ten years, whatever the unit: beyond that the dates overflow.
        for (suffix, months, days, most) in [("mo", 1, 0, 120), ("w", 0, 7, 522), ("d", 0, 1, 3_660)] where text.hasSuffix(suffix) {
            guard let amount = Int(text.dropLast(suffix.count)), amount > 0, amount <= most else { return nil }
            return CalendarPeriod(months: amount * months, days: amount * days)
        }
        return nil
    }

    func roster(_ value: YAMLValue, programme: Programme, problems: ProblemCollector) throws -> Roster {
        let map = try value.mapping()
        var people: [Person] = []
        var firstLine: [String: Int] = [:]
        // Ids of people whose entry has a problem: a pair naming them is not a second problem.
        var declaredIDs: Set<String> = []
        for (key, role) in [("coordinators", Person.Role.coordinator), ("mentors", .mentor), ("mentees", .mentee)] {
            for entry in try map.optional(key)?.sequence() ?? [] {
                declaredIDs.formUnion((try? entry.mapping().optional("id")?.string()).flatMap { $0 }.map { [$0] } ?? [])
                guard let person = problems.attempt({ try self.person(entry, role: role, programme: programme, problems: problems) }),
                      let person else { continue }
                for (label, identity) in [("id", person.id), ("matrix_id", person.matrixID)] {
                    if let earlier = firstLine["\(label)=\(identity)"] {
                        problems.add(entry.problem("\(label) \"\(identity)\" is already used on line \(earlier)"))
                    }
                    firstLine["\(label)=\(identity)"] = entry.line
                }
                people.append(person)
            }
        }
        if !people.contains(where: { $0.role == .coordinator }) {
            problems.add(map.owner.problem("at least one coordinator is needed: alerts must always reach a person"))
        }
        var pairs: [Pair] = []
        for entry in try map.optional("pairs")?.sequence() ?? [] {
            if let pair = problems.attempt({ try self.pair(entry, people: people, declaredIDs: declaredIDs, problems: problems) }),
               let pair { pairs.append(pair) }
        }
        try map.finish()
        return Roster(people: people, pairs: pairs)
    }

    /// Every field of a person is checked, so one bad value does not hide the next.
    func person(_ value: YAMLValue, role: Person.Role, programme: Programme, problems: ProblemCollector) throws -> Person? {
        let map = try value.mapping()
        let id = problems.attempt { try map.required("id").nonEmptyString() }
        let matrixID = problems.attempt { try matrixUserID(map.required("matrix_id")) }
        let language = problems.attempt { try map.optional("language").map(self.language) ?? programme.defaultLanguage }
        let zone = problems.attempt { try map.optional("time_zone").map(timeZone) ?? programme.timeZone }
        let backup = problems.attempt { role == .coordinator ? try map.optional("backup")?.bool() ?? false : false }
        let onDuty = problems.attempt { role == .coordinator ? try map.optional("on_duty")?.bool() ?? false : false }
        _ = problems.attempt { try map.finish() }
        guard let id, let matrixID, let language, let zone, let backup, let onDuty else { return nil }
        return Person(id: id, matrixID: matrixID, role: role, language: language, timeZone: zone, isBackup: backup, isOnDuty: onDuty)
    }

    func pair(_ value: YAMLValue, people: [Person], declaredIDs: Set<String>, problems: ProblemCollector) throws -> Pair? {
        let map = try value.mapping()
        let id = problems.attempt { try map.required("id").nonEmptyString() }
        func member(_ key: String, _ role: Person.Role) throws -> String {
            let field = try map.required(key)
            let ref = try field.nonEmptyString()
            guard let person = people.first(where: { $0.id == ref }) else {
                if declaredIDs.contains(ref) { return ref }  // already reported where that person is defined
                throw field.problem("no one in the roster has id \"\(ref)\"")
            }
            guard person.role == role else { throw field.problem("\"\(ref)\" is a \(person.role.rawValue), not a \(role.rawValue)") }
            return ref
        }
        let mentor = problems.attempt { try member("mentor", .mentor) }
        let mentee = problems.attempt { try member("mentee", .mentee) }
        let start = problems.attempt { () throws -> String in
            let field = try map.required("start")
            let start = try field.nonEmptyString()
            guard Self.isISODate(start) else { throw field.problem("\"\(start)\" is not a date like 2026-03-01") }
            return start
        }
        let knownAs = problems.attempt { try map.optional("known_as")?.nonEmptyString() } ?? nil
        let end = problems.attempt { () throws -> String? in
            guard let field = map.optional("end") else { return nil }
            let end = try field.nonEmptyString()
            guard Self.isISODate(end) else { throw field.problem("\"\(end)\" is not a date like 2026-09-01") }
            // ISO dates compare as text.
            if let start, end <= start { throw field.problem("the end (\(end)) must come after the start (\(start))") }
            return end
        } ?? nil
        _ = problems.attempt { try map.finish() }
        guard let id, let mentor, let mentee, let start else { return nil }
        return Pair(id: id, mentorID: mentor, menteeID: mentee, startDate: start, knownAs: knownAs, endDate: end)
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-").map { Int($0) }
        guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2],
              text.count == 10, (2000...2100).contains(year), (1...12).contains(month) else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return false }
        return calendar.component(.day, from: date) == day
    }
}

extension ConfigurationLoader {
    /// The dialogs directory named by a configuration, read before the full load because the
    /// languages a roster may use are those the dialogs directory has catalogs for.
    public static func dialogsDirectory(yaml: String, file: String, baseDirectory: String) throws -> String {
        let root = try YAMLValue.parse(yaml, file: file).mapping()
        let path = try root.optional("dialogs_directory")?.nonEmptyString() ?? "../Dialogs"
        return resolve(path, against: baseDirectory)
    }
}
