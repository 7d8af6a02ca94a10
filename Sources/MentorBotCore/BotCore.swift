import Dialogs
import Foundation

/// The deterministic heart of the bot: given the state, one input and the time, it decides what
/// happens as a list of events. No I/O and no clock reads, so every behaviour is testable and a
/// replay after a crash decides exactly the same thing.
public struct BotCore: Sendable {
    public let configuration: Configuration
    public let library: DialogLibrary
    public let localizer: Localizer
    let composer: MessageComposer

    /// Message keys the core says itself; `mentorbot check` insists they exist in every catalog.
    public static let applicationKeys = [
        "bot.greeting.mentor", "bot.greeting.mentee", "bot.greeting.coordinator", "bot.help", "bot.help.dialog",
        "bot.stopped", "bot.restarted", "bot.language.changed", "bot.language.unknown", "bot.not_understood",
        "bot.checkin.unavailable", "bot.dialog.stuck", "summary.stuck", "role.mentor", "role.mentee",
    ]

    public init(configuration: Configuration, library: DialogLibrary) {
        self.configuration = configuration
        self.library = library
        self.localizer = Localizer(catalogs: library.catalogs, defaultLanguage: configuration.programme.defaultLanguage)
        self.composer = MessageComposer(localizer: localizer)
    }

    var roster: Roster { configuration.roster }

    public func handle(_ input: Input, state: BotState, now: Date) -> [DomainEvent] {
        var decision = Decision(state: state)
        switch input {
        case .started: start(&decision, now: now)
        case .text(let text): receive(text, &decision)
        case .reaction(let reaction): receive(reaction, &decision)
        case .invited(let roomID, let inviter): invited(roomID: roomID, inviter: inviter, &decision)
        case .roomRequestSucceeded(let requestID, let roomID): roomReady(requestID: requestID, roomID: roomID, &decision)
        case .roomRequestFailed(let requestID): decision.record(.roomRequestFinished(requestID: requestID))
        case .messageDelivered(let transactionID, let eventID):
            decision.record(.messageSent(transactionID: transactionID, eventID: eventID))
        case .messageRejected(let transactionID, let reason):
            decision.record(.messageAbandoned(transactionID: transactionID, reason: reason))
        case .syncCompleted(let token):
            if token != state.syncToken { decision.record(.syncAdvanced(token: token)) }
        }
        return decision.events
    }

    public func language(of person: Person, in state: BotState) -> String {
        state.person(person.matrixID).language ?? person.language
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
            if known.directRoomID == nil && !pending.contains(.createDirectRoom(matrixID: person.matrixID))
                && !pending.contains(where: { if case .join(_, person.matrixID) = $0 { true } else { false } }) {
                request(.createDirectRoom(matrixID: person.matrixID), &decision)
            }
            if !known.greeted && !known.stopped {
                say(Prompt(key: "bot.greeting.\(person.role.rawValue)"), to: person, &decision)
                decision.record(.greeted(matrixID: person.matrixID))
            }
        }
    }

    private func request(_ action: RoomRequest.Action, _ decision: inout Decision) {
        decision.record(.roomRequested(RoomRequest(id: decision.nextID("room-"), action: action)))
    }

    // MARK: - Rooms

    private func invited(roomID: String, inviter: String, _ decision: inout Decision) {
        let state = decision.state
        let alreadyHandled = state.roomRequests.contains { request in
            switch request.action {
            case .join(let room, _), .decline(let room): room == roomID
            default: false
            }
        }
        guard !alreadyHandled, state.owner(ofRoom: roomID) == nil, state.coordinatorsRoomID != roomID else { return }
        if roster.person(matrixID: inviter) != nil {
            request(.join(roomID: roomID, matrixID: inviter), &decision)
        } else {
            // Declining says nothing to a stranger about who is on the roster.
            request(.decline(roomID: roomID), &decision)
        }
    }

    private func roomReady(requestID: String, roomID: String, _ decision: inout Decision) {
        guard let request = decision.state.roomRequests.first(where: { $0.id == requestID }) else { return }
        decision.record(.roomRequestFinished(requestID: requestID))
        switch request.action {
        case .createDirectRoom(let matrixID):
            if decision.state.person(matrixID).directRoomID == nil {
                decision.record(.directRoomLinked(matrixID: matrixID, roomID: roomID))
            }
        case .join(_, let matrixID):
            // The person opened this room themselves: it becomes the room we talk in.
            decision.record(.directRoomLinked(matrixID: matrixID, roomID: roomID))
        case .joinCoordinatorsRoom:
            decision.record(.coordinatorsRoomLinked(roomID: roomID))
        case .decline:
            break
        }
    }

    // MARK: - Messages from people

    /// The roster member who may talk to the bot in this room, or nil to ignore the event.
    private func speaker(_ sender: String, roomID: String, sentAt: Date, _ decision: inout Decision) -> Person? {
        let state = decision.state
        guard sender != configuration.bot.userID,
              let firstStart = state.firstStartedAt, sentAt >= firstStart,
              roomID != state.coordinatorsRoomID,
              let person = roster.person(matrixID: sender) else { return nil }
        switch state.person(sender).directRoomID {
        case roomID?: return person
        case nil:
            decision.record(.directRoomLinked(matrixID: sender, roomID: roomID))
            return person
        default:
            return nil  // a group room or an older direct room: the person's chosen room is elsewhere
        }
    }

    private func receive(_ text: InboundText, _ decision: inout Decision) {
        guard !decision.state.hasHandled(text.eventID) else { return }
        var scratch = decision
        guard let person = speaker(text.sender, roomID: text.roomID, sentAt: text.sentAt, &scratch) else { return }
        decision = scratch
        decision.record(.inboundHandled(eventID: text.eventID))
        let language = language(of: person, in: decision.state)
        let words = TextNormalizer.normalize(text.body)
        let known = decision.state.person(person.matrixID)

        if localizer.matches(words, meaning: "stop", in: language) {
            if let dialog = known.dialog {
                decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: dialog.dialogID, reason: .stopped))
            }
            decision.record(.stopped(matrixID: person.matrixID, at: text.sentAt))
            say(Prompt(key: "bot.stopped"), to: person, &decision)
            return
        }
        if localizer.matches(words, meaning: "start", in: language) {
            if known.stopped { decision.record(.restarted(matrixID: person.matrixID, at: text.sentAt)) }
            say(Prompt(key: "bot.restarted"), to: person, &decision)
            return
        }
        if localizer.matches(words, meaning: "help", in: language) {
            say(Prompt(key: "bot.help"), to: person, &decision)
            if !known.stopped, let dialog = known.dialog, let runner = runner(for: dialog) {
                say(Prompt(key: "bot.help.dialog"), to: person, &decision)
                say(runner.currentQuestion(dialog), to: person, &decision)
            }
            return
        }
        // Someone who said stop hears nothing more until they say start (or ask for help).
        guard !known.stopped else { return }
        if let code = requestedLanguage(words) {
            chooseLanguage(code, for: person, &decision)
            return
        }
        if let dialog = known.dialog, let runner = runner(for: dialog) {
            let parser = AnswerParser(localizer: localizer, language: language)
            apply(runner.reply(text.body, progress: dialog, parser: parser), of: runner, for: person, at: text.sentAt, &decision)
            return
        }
        if localizer.matches(words, meaning: "checkin", in: language) {
            startDialog("\(person.role.rawValue)_checkin", for: person, at: text.sentAt, &decision)
            return
        }
        say(Prompt(key: "bot.not_understood"), to: person, &decision)
    }

    private func receive(_ reaction: InboundReaction, _ decision: inout Decision) {
        guard !decision.state.hasHandled(reaction.eventID) else { return }
        var scratch = decision
        guard let person = speaker(reaction.sender, roomID: reaction.roomID, sentAt: reaction.sentAt, &scratch) else { return }
        let known = scratch.state.person(person.matrixID)
        guard !known.stopped, let dialog = known.dialog, dialog.questionEventID == reaction.relatesTo,
              let runner = runner(for: dialog) else { return }
        let parser = AnswerParser(localizer: localizer, language: language(of: person, in: scratch.state))
        guard let turn = runner.reaction(reaction.key, progress: dialog, parser: parser) else { return }
        decision = scratch
        decision.record(.inboundHandled(eventID: reaction.eventID))
        apply(turn, of: runner, for: person, at: reaction.sentAt, &decision)
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

    private func chooseLanguage(_ code: String?, for person: Person, _ decision: inout Decision) {
        guard let code else {
            let names = localizer.catalogs.values.sorted { $0.language < $1.language }
                .map { "\($0.language) (\($0.nativeName))" }.joined(separator: ", ")
            say(Prompt(key: "bot.language.unknown", parameters: ["languages": names]), to: person, &decision)
            return
        }
        decision.record(.languageChosen(matrixID: person.matrixID, language: code))
        say(Prompt(key: "bot.language.changed"), to: person, &decision)
        if let dialog = decision.state.person(person.matrixID).dialog, let runner = runner(for: dialog) {
            say(runner.currentQuestion(dialog), to: person, &decision)
        }
    }

    // MARK: - Dialogs

    private func runner(for progress: DialogProgress) -> DialogRunner? {
        library.scripts[progress.dialogID].map(DialogRunner.init)
    }

    private func startDialog(_ dialogID: String, for person: Person, at time: Date, _ decision: inout Decision) {
        guard let script = library.scripts[dialogID], script.audience.rawValue == person.role.rawValue || script.audience == .anyone
        else {
            say(Prompt(key: "bot.checkin.unavailable"), to: person, &decision)
            return
        }
        let runner = DialogRunner(script: script)
        apply(runner.start(), of: runner, for: person, at: time, &decision)
    }

    private func apply(_ turn: DialogTurn, of runner: DialogRunner, for person: Person, at time: Date, _ decision: inout Decision) {
        switch turn {
        case .continuing(let progress, let prompts), .retry(let progress, let prompts):
            decision.record(.dialogMoved(matrixID: person.matrixID, progress: progress))
            say(prompts, to: person, &decision)
        case .stuck(let progress):
            decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: progress.dialogID, reason: .stuck))
            say(Prompt(key: "bot.dialog.stuck"), to: person, &decision)
            tellCoordinators(key: "summary.stuck", about: person, dialogID: progress.dialogID, fields: [], &decision)
        case .finished(let progress, let prompts):
            say(prompts, to: person, &decision)
            let record = AnswerRecord(
                id: decision.nextID("answers-"), dialogID: progress.dialogID, personID: person.id, role: person.role.rawValue,
                pairIDs: roster.pairs(of: person).map(\.id), answers: progress.answers, completedAt: time)
            decision.record(.answersRecorded(record))
            decision.record(.dialogEnded(matrixID: person.matrixID, dialogID: progress.dialogID, reason: .completed))
            let script = runner.script
            if let title = script.summaryTitle, !script.coordinatorSummary.isEmpty {
                let fields = script.coordinatorSummary.compactMap { field in progress.answers[field].map { (field, $0) } }
                tellCoordinators(key: title, about: person, dialogID: script.id, fields: fields, &decision)
            }
        }
    }

    // MARK: - Saying things

    private func say(_ prompts: [Prompt], to person: Person, _ decision: inout Decision) {
        for prompt in prompts { say(prompt, to: person, &decision) }
    }

    private func say(_ prompt: Prompt, to person: Person, _ decision: inout Decision) {
        let (body, html) = composer.compose(prompt, in: language(of: person, in: decision.state))
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: .person(matrixID: person.matrixID), kind: .text,
            body: body, html: html, questionFor: prompt.isQuestion ? person.matrixID : nil)))
    }

    /// A structured notice for the coordinators' room: who (by pseudonymous pair reference and role),
    /// which dialog, and the structured answers. Never free text, never a name.
    private func tellCoordinators(key: String, about person: Person, dialogID: String, fields: [(String, AnswerValue)],
                                  _ decision: inout Decision) {
        let language = configuration.programme.defaultLanguage
        let pairs = roster.pairs(of: person).map(\.id).joined(separator: ", ")
        let heading = localizer.text(key, in: language, [
            "pair": pairs.isEmpty ? person.id : pairs, "role": localizer.text("role.\(person.role.rawValue)", in: language),
            "dialog": dialogID,
        ])
        let script = library.scripts[dialogID]
        let lines = fields.filter { !$0.1.isFreeText }.map { field, value in
            "• \(localizer.text("summary.field.\(field)", in: language)): \(display(value, field: field, script: script, in: language))"
        }
        let (body, html) = composer.compose(lines: [heading] + lines, in: language)
        decision.record(.messageQueued(OutboxMessage(
            transactionID: decision.nextID("mb-"), target: .coordinatorsRoom, kind: .notice, body: body, html: html)))
    }

    private func display(_ value: AnswerValue, field: String, script: DialogScript?, in language: String) -> String {
        switch value {
        case .yesNo(let flag): return localizer.text(flag ? "answer.yes" : "answer.no", in: language)
        case .choice(let chosen):
            let step = script?.steps.first { $0.saveAs == field }
            if case .choice(let options)? = step?.answer, let option = options.first(where: { $0.value == chosen }) {
                return localizer.text(option.label, in: language)
            }
            return chosen
        case .number(let number):
            if case .scale? = script?.steps.first(where: { $0.saveAs == field })?.answer {
                return "\(number)/4 (\(localizer.text("answer.scale_\(number)", in: language)))"
            }
            return String(number)
        case .text: return ""
        }
    }
}
