import BotModel
import Dialogs
import Foundation
import ProgrammeReport
import Safeguarding
import StrictYAML

/// The deterministic heart of the bot: given the state, one input and the time, it decides what
/// happens as a list of events. No I/O and no clock reads, so every behaviour is testable and a
/// replay after a crash decides exactly the same thing.
public struct BotCore: Sendable {
    public let configuration: Configuration
    public let library: DialogLibrary
    public let localizer: Localizer
    /// Danger and distress phrases, every language: every inbound text passes through it first.
    public let screener: Screener
    let composer: MessageComposer

    /// Message keys the core says itself; `mentorbot check` insists they exist in every catalog.
    public static let applicationKeys = [
        "bot.greeting.mentor", "bot.greeting.mentee", "bot.greeting.coordinator", "bot.help", "bot.help.dialog",
        "bot.stopped", "bot.restarted", "bot.language.changed", "bot.language.unknown", "bot.not_understood",
        "bot.dialog.unavailable", "bot.dialog.stuck", "bot.later.paused", "bot.later.nothing",
        "bot.continue.resumed", "bot.continue.nothing", "bot.person.requested", "bot.safety.reply",
        "bot.consent.first", "bot.consent.missing", "bot.pair.none", "bot.pair.which", "bot.meeting.none", "bot.meeting.confirmed",
        "bot.meeting.declined", "bot.meeting.moved", "bot.meeting.cancelled", "bot.support.received",
        "bot.nudge.meeting", "bot.nudge.log", "bot.nudge.no_meeting", "bot.nudge.book_next",
        "coordinator.paused", "coordinator.resumed", "coordinator.no_pair", "coordinator.help", "coordinator.inbox.title",
        "coordinator.inbox.empty", "coordinator.inbox.incident", "coordinator.inbox.ticket", "coordinator.show.alerts",
        "coordinator.show.phrase", "coordinator.show.outcome", "coordinator.show.ticket", "coordinator.show.their_words",
        "coordinator.unknown_reference", "coordinator.already", "coordinator.acknowledged", "coordinator.note_needed",
        "coordinator.resolved", "coordinator.ticket_updated", "coordinator.closed", "coordinator.already_closed",
        "coordinator.pairs.line", "coordinator.pairs.none", "coordinator.pairs.paused", "coordinator.pairs.ended",
        "status.open", "status.acknowledged", "status.resolved", "status.inProgress", "status.referred",
        "bot.safety.programme_phone", "bot.safety.helpline", "bot.safety.contact", "bot.safety.ask", "coordinator.inbox.worry", "coordinator.worry_seen",
        "bot.erase.requested", "summary.erase_request", "option.area.data_erasure", "summary.retention_purged",
        "bot.room.encrypted", "bot.room.moved", "bot.room.group", "bot.edit.kept", "coordinator.encrypted_room", "bot.safety.acknowledged", "bot.incident.backup",
        "bot.support.inProgress", "bot.support.referred", "bot.support.resolved",
        "severity.urgent", "severity.high", "summary.field.what",
        "category.safety_word", "category.threat", "category.trafficker_seen", "category.documents_taken",
        "category.debt_or_work_pressure", "category.violence_at_home", "category.self_harm", "category.crisis",
        "category.mentor_misconduct",
        "partner.mentor", "partner.mentee", "role.mentor", "role.mentee",
        "summary.stuck", "summary.person_request",
        "summary.no_meeting", "summary.pair_ending", "summary.below_target", "summary.incident", "summary.incident_more",
        "summary.incident_unsafe", "summary.incident_unacknowledged", "summary.incident_reminder", "summary.ticket_overdue",
        "summary.monthly_report", "summary.monthly_report_acknowledge",
        "coordinator.erase.confirm", "coordinator.erase.ask_first", "coordinator.erase.done", "coordinator.erase.unknown",
        "coordinator.erase.coordinator",
    ] + ReportPage.catalogKeys

    /// What the core can do with a completed dialog's answers (`outcome:` in a script); the built-in
    /// "which pair?" question's own outcome is not for scripts.
    public static var outcomes: Set<String> { Set(DialogOutcome.allCases.filter { $0 != .pairChosen }.map(\.rawValue)) }
    /// Word meanings the core reads (`words:` in the catalogs): the commands people write and the
    /// coordinators' command words. `mentorbot check` insists the English catalog has each; the
    /// catalog check then requires every meaning of English in every language.
    public static var applicationWords: [String] {
        ["safety", "stop", "start", "help", "person", "erase", "later", "continue", "language"] + coordinatorCommands.map(\.meaning)
    }
    /// Dialogs the core starts by id (the others start from a word or a menu, as their scripts say).
    static var applicationDialogs: [String] {
        [onboarding, "meeting_confirm", "log_meeting", "mentor_checkin", "mentee_checkin", "closure", safetyCheck]
    }
    /// The purposes onboarding asks consent for, each saved as `consent_<purpose>`.
    public static let consentPurposes: Set<String> = ["checkins", "meetings", "evaluation"]
    static let onboarding = "onboarding"

    /// Everything wrong with a dialogs directory for this application: the validator's checks,
    /// plus what the core relies on (onboarding asks every consent purpose; meeting_confirm exists).
    public static func problems(in library: DialogLibrary) -> [YAMLProblem] {
        var problems = DialogValidator(library: library, applicationKeys: applicationKeys, outcomes: outcomes,
                                       consentPurposes: consentPurposes).problems()
        let folder = "Dialogs"
        for needed in applicationDialogs where library.scripts[needed] == nil {
            problems.append(YAMLProblem(file: "\(folder)/\(needed).yaml", line: 0, keyPath: "",
                                        message: "the application needs the dialog \"\(needed)\""))
        }
        if let english = library.catalogs[Localizer.baseLanguage] {
            for meaning in applicationWords where (english.words[meaning] ?? []).isEmpty {
                problems.append(YAMLProblem(file: english.file, line: 0, keyPath: "words.\(meaning)",
                                            message: "the application reads the word meaning \"\(meaning)\": add it under words"))
            }
        }
        if let script = library.scripts[onboarding] {
            let saved = Set(script.steps.compactMap(\.saveAs))
            for purpose in consentPurposes.sorted() where !saved.contains("consent_\(purpose)") {
                problems.append(YAMLProblem(file: script.file, line: 1, keyPath: "steps",
                                            message: "onboarding must ask consent for \"\(purpose)\" (save: consent_\(purpose))"))
            }
        }
        return problems
    }

    public init(configuration: Configuration, library: DialogLibrary, screener: Screener) {
        self.configuration = configuration
        self.library = library
        self.screener = screener
        self.localizer = Localizer(catalogs: library.catalogs, defaultLanguage: configuration.programme.defaultLanguage)
        self.composer = MessageComposer(localizer: localizer)
    }

    var roster: Roster { configuration.roster }

    /// Starts a dialog for a person directly, also one no word starts (meeting_confirm): what the
    /// core does when a job or an outcome starts it. For rehearsals of a dialog (`mentorbot play`).
    public func starting(_ dialogID: String, for person: Person, state: BotState, now: Date,
                         parameters: [String: String] = [:]) -> [DomainEvent] {
        var decision = Decision(state: state)
        begin(dialogID, for: person, at: now, parameters: parameters, &decision)
        return decision.events
    }

    public func handle(_ input: Input, state: BotState, now: Date) -> [DomainEvent] {
        var decision = Decision(state: state)
        switch input {
        case .started: start(&decision, now: now)
        case .reloaded(let removedPairs, let removedPeople): reloaded(removedPairs: removedPairs, removedPeople: removedPeople, &decision, now: now)
        case .purged(let pairIDs): purged(pairIDs: pairIDs, &decision)
        case .erased(let personID, _): erased(personID: personID, &decision)
        case .text(let text): receive(text, &decision, now: now)
        case .reaction(let reaction): receive(reaction, &decision, now: now)
        case .invited(let roomID, let inviter): invited(roomID: roomID, inviter: inviter, &decision)
        case .roomRequestSucceeded(let requestID, let roomID): roomReady(requestID: requestID, roomID: roomID, &decision)
        case .roomObserved(let room): observed(room, &decision)
        case .memberLeft(let roomID, let matrixID): memberLeft(matrixID, roomID: roomID, &decision)
        case .roomUpgraded(let roomID, let replacement): upgraded(roomID, to: replacement, &decision)
        case .edited(let edit): edited(edit, &decision, now: now)
        case .roomRequestFailed(let requestID): roomRequestFailed(requestID, &decision)
        case .messageDelivered(let transactionID, let eventID):
            decision.record(.messageSent(transactionID: transactionID, eventID: eventID))
        case .messageRejected(let transactionID, let reason):
            decision.record(.messageAbandoned(transactionID: transactionID, reason: reason))
        case .syncCompleted(let token):
            if token != state.syncToken { decision.record(.syncAdvanced(token: token)) }
        case .tick: timePassed(&decision, now: now)
        }
        return decision.events
    }

    public func language(of person: Person, in state: BotState) -> String {
        state.person(person.matrixID).language ?? person.language
    }

    func timeZone(of person: Person) -> TimeZone {
        TimeZone(identifier: person.timeZone) ?? TimeZone(identifier: configuration.programme.timeZone) ?? .gmt
    }

    // MARK: - Start-up

    private func start(_ decision: inout Decision, now: Date) {
        if decision.state.firstStartedAt == nil { decision.record(.firstStarted(at: now)) }
        let pending = decision.state.roomRequests.map(\.action)
        if decision.state.coordinatorsRoomID == nil
            && !pending.contains(where: { if case .joinCoordinatorsRoom = $0 { true } else { false } }) {
            let invite = roster.coordinators.map(\.matrixID)
            request(.joinCoordinatorsRoom(reference: configuration.coordinatorsRoom, invite: invite), &decision)
        }
        for person in roster.people {
            let known = decision.state.person(person.matrixID)
            // A room is opened when there is something to say (say() sees to it), and for
            // messages that were already waiting for one.
            if decision.state.outbox.contains(where: { $0.target == .person(matrixID: person.matrixID) }) {
                ensureDirectRoom(for: person, &decision)
            }
            // Someone whose data was erased is not greeted as a newcomer while still on the roster.
            if !known.greeted && !known.stopped && !decision.state.wasErased(person.id) {
                say(Prompt(key: "bot.greeting.\(person.role.rawValue)"), to: person, &decision)
                decision.record(.greeted(matrixID: person.matrixID))
                // Onboarding comes first: nothing else runs for a person until they have answered it.
                if person.role != .coordinator { begin(Self.onboarding, for: person, at: now, &decision) }
            }
        }
        planRoutine(at: now, &decision)
    }

    /// A new roster (and catalogs, dialogs, settings) while running: what a start does for it
    /// (new people are greeted, new pairs get their rhythm, changed dates move their jobs), and
    /// pairs the roster no longer has end kindly, as when a coordinator closes one: the closing
    /// questions go to whoever of the two is still in the programme, their routine jobs stop.
    private func reloaded(removedPairs: [Pair], removedPeople: [Person], _ decision: inout Decision, now: Date) {
        // Their data stays (a subject access request may still come) until retention erases it.
        for person in removedPeople where person.role != .coordinator {
            decision.record(.leftRoster(DepartedPerson(id: person.id, matrixID: person.matrixID, role: person.role.rawValue, at: now)))
        }
        for pair in removedPairs {
            _ = end(pair, by: "roster", at: now, &decision)
            for job in decision.state.jobs where job.kind.pairID == pair.id {
                decision.record(.jobFinished(jobID: job.id, outcome: .skipped(reason: "the pair is no longer in the programme"), at: now))
            }
        }
        start(&decision, now: now)
    }

    /// "delete my data": the person is told what will happen, and the coordinators get a ticket
    /// in their inbox; they check with the person, then erase (`mentorbot person erase`).
    private func requestErasure(for person: Person, at sentAt: Date, now: Date, _ decision: inout Decision) {
        let reference = decision.state.nextReference(.ticket)
        decision.record(.ticketOpened(SupportTicket(
            reference: reference, personID: person.id, pairIDs: roster.pairs(of: person).map(\.id), area: "data_erasure",
            urgency: "soon", forWhom: "me", description: "", status: .open, openedAt: sentAt)))
        tellCoordinators(key: "summary.erase_request", about: person, extra: ["reference": reference, "person": person.id], &decision)
        say(Prompt(key: "bot.erase.requested", parameters: ["reference": reference]), to: person, &decision)
        repeatQuestion(of: person, intro: "bot.help.dialog", now: now, &decision)
    }

    func request(_ action: RoomRequest.Action, _ decision: inout Decision) {
        decision.record(.roomRequested(RoomRequest(id: decision.nextID("room-"), action: action)))
    }

    // MARK: - Messages from people

    /// The roster member who may talk to the bot in this room, or nil to ignore the event.
    private func speaker(_ sender: String, roomID: String, sentAt: Date, in state: BotState) -> Person? {
        guard sender != configuration.bot.userID,
              let firstStart = state.firstStartedAt, sentAt >= firstStart,
              roomID != state.coordinatorsRoomID,
              let person = roster.person(matrixID: sender) else { return nil }
        // Only the person's direct room: a room becomes one when the bot opened it for them, or
        // when a /sync batch showed that the room they invited it to holds just the two of them
        // and is not encrypted (Rooms.swift). Anywhere else only "sos" counts.
        return state.person(sender).directRoomID == roomID ? person : nil
    }

    /// "sos" from a roster member in another room the bot is in (a group room it is about to
    /// leave, a room it has not yet decided on) still raises the incident; the reply goes to
    /// their direct room.
    private func safetyWordElsewhere(_ text: InboundText, _ decision: inout Decision) {
        guard let person = roster.person(matrixID: text.sender), text.sender != configuration.bot.userID,
              text.roomID != decision.state.coordinatorsRoomID,
              let firstStart = decision.state.firstStartedAt, text.sentAt >= firstStart,
              SafetyWord.appears(in: text.body) else { return }
        decision.record(.inboundHandled(eventID: text.eventID))
        raiseIncident(for: person, category: .safetyWord, phrase: nil, askIfSafe: false, at: text.sentAt, &decision)
    }

    /// An edit of a reply that did not fit the question still open is the corrected answer, and
    /// an edit that adds "sos" counts as "sos"; otherwise an edit is not an answer (the
    /// conversation has moved on since), and the person is told once how to change one.
    private func edited(_ edit: InboundEdit, _ decision: inout Decision, now: Date) {
        guard !decision.state.hasHandled(edit.eventID), let person = roster.person(matrixID: edit.sender),
              decision.state.person(edit.sender).directRoomID == edit.roomID,
              let firstStart = decision.state.firstStartedAt, edit.sentAt >= firstStart else { return }
        let known = decision.state.person(edit.sender)
        let correctsAnOpenQuestion = known.dialog.map { $0.invalidAttempts > 0 && $0.unfittingReplyEventID == edit.replaces } == true
        if correctsAnOpenQuestion || SafetyWord.appears(in: edit.body) {
            return receive(InboundText(eventID: edit.eventID, roomID: edit.roomID, sender: edit.sender, body: edit.body,
                                       sentAt: edit.sentAt), &decision, now: now)
        }
        decision.record(.inboundHandled(eventID: edit.eventID))
        guard !known.toldAboutEdits, !known.stopped else { return }
        say(Prompt(key: "bot.edit.kept"), to: person, &decision)
        decision.record(.editExplained(matrixID: edit.sender))
    }

    private func receive(_ text: InboundText, _ decision: inout Decision, now: Date) {
        guard !decision.state.hasHandled(text.eventID) else { return }
        if receiveInCoordinatorsRoom(text, at: now, &decision) { return }
        guard let person = speaker(text.sender, roomID: text.roomID, sentAt: text.sentAt, in: decision.state) else {
            return safetyWordElsewhere(text, &decision)
        }
        decision.record(.inboundHandled(eventID: text.eventID))
        let language = language(of: person, in: decision.state)
        let words = TextNormalizer.normalize(text.body)
        let known = decision.state.person(person.matrixID)
        func means(_ meaning: String) -> Bool { localizer.matches(words, meaning: meaning, in: language) }

        // The safety word works in every language, in every state, even after "stop", and
        // wherever "sos" stands as a word in what they wrote.
        if SafetyWord.appears(in: text.body) || localizer.matchesInAnyLanguage(words, meaning: "safety") {
            raiseIncident(for: person, category: .safetyWord, phrase: nil, askIfSafe: false, at: text.sentAt, &decision)
            return
        }
        // A request to delete one's data, in the words the catalog lists, is that and nothing
        // else (the semantic layer took "delete my data" for papers being taken).
        if means("erase") {
            requestErasure(for: person, at: text.sentAt, now: now, &decision)
            return
        }
        // Danger and distress in any words, any language, any state. Sure: an incident at once,
        // and "are you safe right now?". Unsure: a gentle question and a note in the inbox, and
        // the message is then handled as usual. Coordinators discuss cases in their own rooms,
        // not screened.
        if person.role != .coordinator {
            let assessment = screener.assess(text.body, language: language, semantic: text.semantic,
                                             thresholds: safety.semantic.thresholds)
            switch (assessment.level, assessment.category) {
            case (.alert, let category?):
                let why = assessment.phrase?.phrase ?? assessment.nearest.map { "≈ \($0)" }
                raiseIncident(for: person, category: category, phrase: why, askIfSafe: true, at: text.sentAt, &decision)
                return
            // "hilf mir" is German for help me, and the catalog's help command, which names sos.
            case (.ask, _) where assessment.phrase?.isCall == true && means("help"):
                break
            case (.ask, let category?):
                if noteWorry(category, assessment, for: person, at: text.sentAt, &decision) { return }
                // Outside a dialog the gentle question is the whole answer ("I did not understand"
                // after it would be cold), and to a call for help everywhere; inside one, another
                // message may still answer the open question.
                if assessment.phrase?.isCall == true || decision.state.person(person.matrixID).dialog == nil {
                    decision.record(.inboundHandled(eventID: text.eventID))
                    return
                }
            default:
                break
            }
        }
        if means("stop") {
            if let dialog = known.dialog {
                decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: dialog.dialogID, reason: .stopped))
            }
            decision.record(.stopped(matrixID: person.matrixID, at: text.sentAt))
            say(Prompt(key: "bot.stopped"), to: person, &decision)
            return
        }
        if means("start") {
            if known.stopped { decision.record(.restarted(matrixID: person.matrixID, at: text.sentAt)) }
            say(Prompt(key: "bot.restarted"), to: person, &decision)
            return
        }
        if means("help") {
            say(Prompt(key: "bot.help"), to: person, &decision)
            if !known.stopped { repeatQuestion(of: person, intro: "bot.help.dialog", now: now, &decision) }
            return
        }
        // Someone who said stop hears nothing more until they say start (or ask for help).
        guard !known.stopped else { return }
        if let code = requestedLanguage(words) {
            chooseLanguage(code, for: person, now: now, &decision)
            return
        }
        if means("person") {
            decision.record(.personRequested(matrixID: person.matrixID, at: text.sentAt))
            tellCoordinators(key: "summary.person_request", about: person, &decision)
            say(Prompt(key: "bot.person.requested"), to: person, &decision)
            repeatQuestion(of: person, intro: "bot.help.dialog", now: now, &decision)
            return
        }
        if means("later") {
            if let dialog = known.dialog {
                decision.record(.dialogPaused(matrixID: person.matrixID, progress: dialog))
                say(Prompt(key: "bot.later.paused"), to: person, &decision)
            } else {
                say(Prompt(key: "bot.later.nothing"), to: person, &decision)
            }
            return
        }
        let role = person.role.rawValue
        let keywordDialog = library.scripts.values.sorted(by: { $0.id < $1.id })
            .first { $0.keyword.map(means) == true && $0.isFor(role: role) }
        if let dialog = known.dialog, let runner = runner(for: dialog, of: person) {
            let parser = parser(for: person, decision.state, now)
            // Asking for another dialog mid-way ("menu") is not a wrong answer: say where we are.
            if keywordDialog != nil, case .notUnderstood = parser.interpret(text.body, as: runner.script.step(dialog.stepID)?.answer ?? .yesNo) {
                let intro = dialog.dialogID == Self.onboarding ? "bot.consent.first" : "bot.help.dialog"
                repeatQuestion(of: person, intro: intro, now: now, &decision)
                return
            }
            var turn = runner.reply(text.body, progress: dialog, parser: parser, at: now)
            // Remembered so that an edit of this very reply can answer the question instead.
            if case .retry(var progress, let prompts) = turn {
                progress.unfittingReplyEventID = text.eventID
                turn = .retry(progress, prompts)
            }
            apply(turn, of: runner, for: person, at: now, &decision)
            return
        }
        if means("continue") {
            if known.pausedDialog != nil {
                decision.record(.dialogResumed(matrixID: person.matrixID))
                repeatQuestion(of: person, intro: "bot.continue.resumed", now: now, &decision)
            } else {
                say(Prompt(key: "bot.continue.nothing"), to: person, &decision)
            }
            return
        }
        if let script = keywordDialog {
            begin(script.id, for: person, at: now, &decision)
            return
        }
        if library.scripts.values.contains(where: { $0.keyword.map(means) == true }) {
            say(Prompt(key: "bot.dialog.unavailable"), to: person, &decision)
            return
        }
        say(Prompt(key: "bot.not_understood"), to: person, &decision)
    }

    private func receive(_ reaction: InboundReaction, _ decision: inout Decision, now: Date) {
        guard !decision.state.hasHandled(reaction.eventID) else { return }
        if receiveReactionInCoordinatorsRoom(reaction, at: now, &decision) { return }
        guard let person = speaker(reaction.sender, roomID: reaction.roomID, sentAt: reaction.sentAt, in: decision.state) else { return }
        let known = decision.state.person(person.matrixID)
        guard !known.stopped, let dialog = known.dialog, dialog.questionEventID == reaction.relatesTo,
              let runner = runner(for: dialog, of: person),
              let turn = runner.reaction(reaction.key, progress: dialog, parser: parser(for: person, decision.state, now), at: now)
        else { return }
        decision.record(.inboundHandled(eventID: reaction.eventID))
        apply(turn, of: runner, for: person, at: now, &decision)
    }

    /// "language fr", "langue fr", "language français": the code or the language's own name.
    /// Returns nil when this is not a language command, `.some(nil)` for a language we do not have.
    private func requestedLanguage(_ words: String) -> String?? {
        let parts = words.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, localizer.matchesInAnyLanguage(parts[0], meaning: "language") else { return nil }
        let wanted = parts[1]
        if localizer.supports(wanted) { return .some(wanted) }
        let byName = localizer.catalogs.values.first { TextNormalizer.normalize($0.nativeName) == wanted }
        return .some(byName?.language)
    }

    private func chooseLanguage(_ code: String?, for person: Person, now: Date, _ decision: inout Decision) {
        guard let code else {
            let names = localizer.catalogs.values.sorted { $0.language < $1.language }
                .map { "\($0.language) (\($0.nativeName))" }.joined(separator: ", ")
            say(Prompt(key: "bot.language.unknown", parameters: ["languages": names]), to: person, &decision)
            return
        }
        decision.record(.languageChosen(matrixID: person.matrixID, language: code))
        say(Prompt(key: "bot.language.changed"), to: person, &decision)
        repeatQuestion(of: person, intro: nil, now: now, &decision)
    }

    /// Says the question the person's dialog is waiting on, if any (after help, a language change...).
    private func repeatQuestion(of person: Person, intro: String?, now: Date, _ decision: inout Decision) {
        guard let dialog = decision.state.person(person.matrixID).dialog, let runner = runner(for: dialog, of: person) else { return }
        if let intro { say(Prompt(key: intro), to: person, &decision) }
        say(runner.currentQuestion(dialog, parser: parser(for: person, decision.state, now)), to: person,
            parameters: dialog.parameters, &decision)
    }

    // MARK: - Safety and people

    // MARK: - Dialogs

    private func runner(for progress: DialogProgress, of person: Person) -> DialogRunner? {
        if progress.dialogID == Self.choosePair { return DialogRunner(script: choosePairScript(for: person)) }
        return library.scripts[progress.dialogID].map(DialogRunner.init)
    }

    static let choosePair = "choose_pair"

    /// "Which of your pairs is this about?", asked of someone with several pairs before a dialog
    /// about one pair. Built from the roster, so its choices are the pairs' names, not message keys.
    func choosePairScript(for person: Person) -> DialogScript {
        let options = roster.pairs(of: person).map { ChoiceOption(value: $0.id, label: Localizer.literalPrefix + ($0.knownAs ?? $0.id)) }
        let step = DialogStep(id: "which", message: "bot.pair.which", answer: .choice(options), saveAs: "pair", next: [], line: 0)
        return DialogScript(id: Self.choosePair, audience: .anyone, firstStepID: "which", steps: [step], coordinatorSummary: [],
                            summaryTitle: nil, outcome: DialogOutcome.pairChosen.rawValue, expiresAfter: 86_400, keepsAnswers: false,
                            perPair: false, file: "(built in)")
    }

    private func parser(for person: Person, _ state: BotState, _ now: Date) -> AnswerParser {
        AnswerParser(localizer: localizer, language: language(of: person, in: state), now: now, timeZone: timeZone(of: person))
    }

    /// Starts a dialog for someone, if it is for them and they have agreed to what it keeps. A
    /// dialog started while another is open waits its turn.
    func begin(_ dialogID: String, for person: Person, at now: Date, parameters: [String: String] = [:],
               _ decision: inout Decision) {
        let known = decision.state.person(person.matrixID)
        guard !known.stopped else { return }
        guard let script = library.scripts[dialogID], script.isFor(role: person.role.rawValue) else {
            say(Prompt(key: "bot.dialog.unavailable"), to: person, &decision)
            return
        }
        // Asked again about what is already open (a log reminder while the log waits for an
        // answer): the open question is repeated rather than a second copy started or queued.
        if let open = known.dialog, open.dialogID == dialogID,
           parameters.allSatisfy({ key, value in open.parameters[key] == value }) {
            repeatQuestion(of: person, intro: nil, now: now, &decision)
            return
        }
        if known.queuedDialogs.contains(QueuedDialog(dialogID: dialogID, parameters: parameters)) { return }
        if known.dialog != nil {
            decision.record(.dialogQueued(matrixID: person.matrixID, QueuedDialog(dialogID: dialogID, parameters: parameters)))
            return
        }
        // Reporting a concern never waits for the welcome questions.
        if dialogID != Self.onboarding && !script.isSafeguarding && person.role != .coordinator && known.consents == nil {
            say(Prompt(key: "bot.consent.first"), to: person, &decision)
            begin(Self.onboarding, for: person, at: now, &decision)
            return
        }
        if let purpose = script.requiresConsent, known.consents?[purpose] != true {
            say(Prompt(key: "bot.consent.missing"), to: person, &decision)
            return
        }
        var parameters = parameters
        if script.perPair && parameters["pair"] == nil {
            let pairs = roster.pairs(of: person)
            if pairs.count > 1 {
                parameters["then"] = dialogID
                let chooser = DialogRunner(script: choosePairScript(for: person))
                apply(chooser.start(at: now, parameters: parameters), of: chooser, for: person, at: now, &decision)
                return
            }
            parameters["pair"] = pairs.first?.id
        }
        if let pairID = parameters["pair"], roster.pairs(of: person).count > 1,
           let name = roster.pair(id: pairID)?.knownAs {
            parameters["partner"] = name  // "your mentee" would not say which one
        }
        guard prepare(script, for: person, at: now, &parameters, &decision) else { return }
        let runner = DialogRunner(script: script)
        let facts: [String: AnswerValue] = ["role": .choice(person.role.rawValue)]
        apply(runner.start(at: now, facts: facts, parameters: parameters), of: runner, for: person, at: now, &decision)
    }

    /// What a dialog needs to know before it starts; false (having told the person why) if it cannot.
    private func prepare(_ script: DialogScript, for person: Person, at now: Date, _ parameters: inout [String: String],
                         _ decision: inout Decision) -> Bool {
        let meetingOutcomes: Set<String> = ["meeting_planned", "meeting_changed", "meeting_logged", "meeting_confirmed"]
        guard let outcome = script.outcome, meetingOutcomes.contains(outcome) else { return true }
        guard let pair = pair(parameters) else {
            say(Prompt(key: "bot.pair.none"), to: person, &decision)
            return false
        }
        switch outcome {
        case "meeting_changed":
            guard let meeting = nextMeeting(of: pair, after: now, in: decision.state) else {
                say(Prompt(key: "bot.meeting.none"), to: person, &decision)
                return false
            }
            parameters["meeting"] = meeting.id
            parameters["when"] = when(meeting.startsAt, for: person, in: decision.state)
        case "meeting_logged":
            parameters["number"] = String(meetingsLogged(by: pair, in: decision.state) + 1)
        case "meeting_confirmed":
            // Waiting in a queue, the meeting may have moved or been cancelled meanwhile: then
            // there is nothing to confirm (the person was told about the change itself).
            guard let meeting = decision.state.meeting(parameters["meeting"]), meeting.isUpcoming,
                  parameters["when"] == when(meeting.startsAt, for: person, in: decision.state) else { return false }
        default:
            break
        }
        return true
    }

    func apply(_ turn: DialogTurn, of runner: DialogRunner, for person: Person, at time: Date, _ decision: inout Decision) {
        switch turn {
        case .continuing(let progress, let prompts), .retry(let progress, let prompts):
            decision.record(.dialogMoved(matrixID: person.matrixID, progress: progress))
            say(prompts, to: person, parameters: progress.parameters, &decision)
        case .stuck(let progress):
            decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: progress.dialogID, reason: .stuck))
            say(Prompt(key: "bot.dialog.stuck"), to: person, &decision)
            tellCoordinators(key: "summary.stuck", about: person, pairID: progress.parameters["pair"],
                             extra: ["dialog": progress.parameters["then"] ?? progress.dialogID], &decision)
            startQueued(for: person, at: time, &decision)
        case .finished(let progress, let prompts, let handOff):
            say(prompts, to: person, parameters: progress.parameters, &decision)
            let script = runner.script
            if script.keepsAnswers {
                let answers = progress.answers.filter { !DialogScript.providedFields.contains($0.key) }
                decision.record(.answersRecorded(AnswerRecord(
                    id: decision.nextID("answers-"), dialogID: progress.dialogID, personID: person.id, role: person.role.rawValue,
                    pairIDs: pairIDs(of: person, progress.parameters), answers: answers, completedAt: time)))
            }
            decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: progress.dialogID, reason: .completed))
            var headingExtra: [String: String] = [:]
            // The validator has refused any other name (`BotCore.problems`).
            if let outcome = script.outcome.flatMap(DialogOutcome.init(rawValue:)) {
                carryOut(outcome, progress, for: person, at: time, headingExtra: &headingExtra, &decision)
            }
            if script.wantsSummary(of: progress.answers), let title = script.summaryTitle {
                let fields = script.coordinatorSummary.compactMap { field in progress.answers[field].map { (field, $0) } }
                let texts = script.coordinatorText.compactMap { progress.answers[$0]?.canonical }
                tellCoordinators(key: title, about: person, pairID: progress.parameters["pair"], extra: headingExtra,
                                 fields: fields, theirWords: texts, script: script, &decision)
            }
            if let handOff {
                begin(handOff, for: person, at: time, &decision)
            } else {
                startQueued(for: person, at: time, &decision)
            }
        }
    }

    func startQueued(for person: Person, at time: Date, _ decision: inout Decision) {
        guard decision.state.person(person.matrixID).dialog == nil,
              let queued = decision.state.person(person.matrixID).queuedDialogs.first else { return }
        decision.record(.dialogDequeued(matrixID: person.matrixID))
        begin(queued.dialogID, for: person, at: time, parameters: queued.parameters, &decision)
    }

    // MARK: - Time

    /// Questions that waited past their step's timeout move on; dialogs past their expiry close gently.
    private func timePassed(_ decision: inout Decision, now: Date) {
        runDueJobs(at: now, &decision)
        for person in roster.people {
            let known = decision.state.person(person.matrixID)
            if let paused = known.pausedDialog, let runner = runner(for: paused, of: person), runner.hasExpired(paused, at: now) {
                decision.record(.dialogResumed(matrixID: person.matrixID))
                decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: paused.dialogID, reason: .expired))
            }
            guard let dialog = decision.state.person(person.matrixID).dialog, let runner = runner(for: dialog, of: person) else { continue }
            if runner.hasExpired(dialog, at: now) {
                decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: dialog.dialogID, reason: .expired))
                if !known.stopped { say(Prompt(key: runner.script.expiredMessage), to: person, &decision) }
                startQueued(for: person, at: now, &decision)
            } else if let turn = runner.timeout(dialog, at: now) {
                apply(turn, of: runner, for: person, at: now, &decision)
            }
        }
    }

    // MARK: - Saying things

    func say(_ prompts: [Prompt], to person: Person, parameters: [String: String] = [:], _ decision: inout Decision) {
        for prompt in prompts { say(prompt.filling(parameters), to: person, &decision) }
    }

    /// `priority: .safety` for what must overtake every routine message in the outbox.
    func say(_ prompt: Prompt, to person: Person, priority: OutboxMessage.Priority = .routine, inRoom roomID: String? = nil,
             _ decision: inout Decision) {
        if roomID == nil { ensureDirectRoom(for: person, &decision) }
        let language = language(of: person, in: decision.state)
        // {partner}: "your mentee" / "your mentor", in the reader's language.
        let partner = localizer.text("partner.\(person.role.rawValue)", in: language)
        let (body, html) = composer.compose(prompt.filling(["partner": partner]), in: language)
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: roomID.map { .room(id: $0) } ?? .person(matrixID: person.matrixID), kind: .text,
            priority: priority, body: body, html: html, questionFor: prompt.isQuestion ? person.matrixID : nil)))
    }

    /// A structured message for the coordinators' room: who (by pseudonymous pair reference and
    /// role), what, and the structured answers. Never a name and never a transcript; the only
    /// words of a person's own are those a dialog told them go to the coordinator.
    func tellCoordinators(key: String, about person: Person, pairID: String? = nil, extra: [String: String] = [:],
                          fields: [(String, AnswerValue)] = [], theirWords: [String] = [], script: DialogScript? = nil,
                          urgent: Bool = false, _ decision: inout Decision) {
        let language = configuration.programme.defaultLanguage
        let pairs = (pairID.map { [$0] } ?? roster.pairs(of: person).map(\.id)).joined(separator: ", ")
        let heading = localizer.text(key, in: language, extra.merging([
            "pair": pairs.isEmpty ? person.id : pairs, "role": localizer.text("role.\(person.role.rawValue)", in: language),
        ]) { own, _ in own })
        let display = AnswerParser(localizer: localizer, language: language, now: .distantPast,
                                   timeZone: TimeZone(identifier: configuration.programme.timeZone) ?? .gmt)
        let lines = fields.filter { !$0.1.isFreeText }.map { field, value in
            let type = script?.steps.first { $0.saveAs == field }?.answer ?? .text(maxLength: 0)
            return "• \(localizer.text("summary.field.\(field)", in: language)): \(display.describe(value, as: type))"
        } + theirWords.map { "• \(localizer.text("summary.their_words", in: language)): “\($0)”" }
        let (body, html) = composer.compose(lines: [heading] + lines, in: language)
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: .coordinatorsRoom, kind: urgent ? .text : .notice, body: body,
            html: html, mentions: urgent ? roster.coordinators.map(\.matrixID) : [])))
    }
}
