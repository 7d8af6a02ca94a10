import BotModel
import ConfigurationLoading
import Dialogs
import DurableStore
import Foundation
import MentorBotCore
import Safeguarding

/// What the bot itself spends on one incoming message, without the network: the core's decision
/// plus journaling it durably (write and fsync on this disk), as `BotRuntime.process` does.
/// Twenty mentors each go through the check-in and back, repeatedly.
func measureOwnProcessing(root: URL, messages: Int) async throws -> [Double] {
    let library = try DialogLibrary.load(directory: root.appendingPathComponent("Dialogs"))
    let screener = try Screener.load(directory: root.appendingPathComponent("Dialogs/safety"))
    let mentorLines = (0..<20).map { "    - {id: M\($0), matrix_id: \"@m\($0):bench\", language: \($0 % 2 == 0 ? "en" : "fr")}" }
    let yaml = """
    homeserver: http://127.0.0.1
    bot: {user_id: "@bot:bench", access_token_env: UNUSED}
    data_directory: /unused
    coordinators_room: "#c:bench"
    programme: {default_language: en, time_zone: Europe/Brussels}
    roster:
      coordinators:
        - {id: C1, matrix_id: "@c:bench"}
      mentors:
    \(mentorLines.joined(separator: "\n"))
    """
    let configuration = try ConfigurationLoader(supportedLanguages: Set(library.catalogs.keys))
        .load(yaml: yaml, file: "bench.yaml", baseDirectory: root.path)
    let mentors = configuration.roster.people.filter { $0.role == .mentor }
    let core = BotCore(configuration: configuration, library: library, screener: screener)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("own-\(UUID().uuidString)")
    let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
    var state = BotState()
    var now = Date()
    for event in core.handle(.started, state: state, now: now) { state.apply(event) }
    for (index, mentor) in mentors.enumerated() {
        for event in core.handle(.roomRequestSucceeded(requestID: state.roomRequests.first { $0.action == .createDirectRoom(matrixID: mentor.matrixID) }!.id, roomID: "!r\(index)"), state: state, now: now) {
            state.apply(event)
        }
    }
    // Onboarding first (not timed): nothing else runs before it, and it is once per person.
    for (index, mentor) in mentors.enumerated() {
        for answer in 0..<3 {
            now += 1
            let input = Input.text(InboundText(eventID: "$consent\(index)-\(answer)", roomID: "!r\(index)", sender: mentor.matrixID, body: "yes", sentAt: now))
            for event in core.handle(input, state: state, now: now) { state.apply(event) }
        }
    }
    for message in state.outbox { state.apply(.messageSent(transactionID: message.transactionID, eventID: "$o")) }
    let script = ["check-in", "2", "3", "yes", "1", "no", "2", "no", "yes"]
    var timings: [Double] = []
    for index in 0..<messages {
        let mentor = mentors[index % mentors.count]
        let text = script[(index / mentors.count) % script.count]
        now += 1
        let input = Input.text(InboundText(eventID: "$e\(index)", roomID: "!r\(index % mentors.count)", sender: mentor.matrixID, body: text, sentAt: now))
        let start = DispatchTime.now().uptimeNanoseconds
        let events = core.handle(input, state: state, now: now)
        try await store.append(events)
        for event in events { state.apply(event) }
        timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        // The outbox confirms each reply, as it would after sending.
        for message in state.outbox { state.apply(.messageSent(transactionID: message.transactionID, eventID: "$o")) }
    }
    await store.close()
    return timings
}
