import BotModel
import Dialogs
import DurableStore
import Foundation
import Logging
@testable import MentorBotCore
@testable import MentorBotDaemon
import Safeguarding
import Synchronization
import Testing

/// The shell reads a message for what the core judges by at that moment (the thresholds, the
/// phrase lists, the person's language), and no more of it than can change the verdict. The model
/// is made slow on purpose, and a reload raises the thresholds while it reads: the core, judging
/// later by its own thresholds, must ask about the message rather than let it pass on pieces
/// nobody read.
@Suite("What the shell reads a text for, and thresholds that change while the model reads")
struct StaleThresholdsTests {
    /// Reads every text as the threat example, after a pause long enough for a reload to land.
    static func slowScreener(pause: Duration) -> SemanticScreener {
        let threat: [Float] = [1, 0], ordinary: [Float] = [0, 1]
        let index = SemanticIndex(examples: [SemanticIndex.Example(category: .threat, text: "t", reference: "en.chat.txt:1"),
                                             SemanticIndex.Example(category: nil, text: "o", reference: "en.chat.txt:2")],
                                  vectors: threat + ordinary, dimension: 2, languageShare: 0, boundaryWeight: 0, characterWeight: 0)
        return SemanticScreener(index: index, embed: { texts in
            Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
            return texts.flatMap { _ in threat }
        })
    }

    @Test("a reload raises the thresholds while the model reads a longer message whose whole alerted: asked, not let pass")
    func aReloadWhileTheModelReads() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stale-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (runtime, configuration, library, screener, start) = try await SerialDecisionTests.startedRuntime(
            in: directory, snapshotEvery: 100)

        let mentee = "@mentee1:test"
        let body = "we met at the library and worked on my cv and then we had tea in the park near the station. "
            + "the man from my old job waits at my building again every night. see you next week at the same place"
        let input = Input.text(InboundText(eventID: "$long", roomID: "!dm-\(mentee)", sender: mentee, body: body, sentAt: start))
        let reading = SemanticScreening(screener: Self.slowScreener(pause: .milliseconds(500)))

        // As the sync worker does: the thresholds of this moment, then the (slow) reading.
        let screening = await runtime.screeningNow
        async let read = reading.read(input, for: screening)
        var raised = configuration
        raised.programme.safety.semantic.thresholds = SemanticThresholds(everyCategory: .init(ask: 1.5, alert: 2.0))
        _ = try await runtime.reload(BotCore(configuration: raised, library: library, screener: screener))
        let attached = await read

        guard case .text(let text) = attached, let match = text.semantic else {
            Issue.record("the model's reading was not attached")
            return
        }
        #expect(match.partsUnread, "the whole alerted by the thresholds it was read with: \(match)")
        try await runtime.process(attached)
        let state = await runtime.state
        #expect(state.incidents.isEmpty, "the raised thresholds do not alert on this score")
        #expect(state.worries.first?.category == .threat, "asked about, with a worry note, not let pass: \(state.worries)")
        await runtime.finish()
    }

    @Test("the shell reads beside the phrase lists' match: Arabic typed in Latin letters that a phrase catches is read in its own script alone, and pages")
    func theShellReadsBesideThePhraseMatch() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("beside-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (runtime, _, _, _, start) = try await SerialDecisionTests.startedRuntime(in: directory, snapshotEvery: 100)
        // The engine reads Arabic script as the threat example, Latin letters as ordinary talk.
        let threat: [Float] = [1, 0], ordinary: [Float] = [0, 1]
        let index = SemanticIndex(examples: [SemanticIndex.Example(category: .threat, text: "t", reference: "ar.chat.txt:1"),
                                             SemanticIndex.Example(category: nil, text: "o", reference: "ar.chat.txt:2")],
                                  vectors: threat + ordinary, dimension: 2, languageShare: 0, boundaryWeight: 0, characterWeight: 0)
        let calls = Mutex<[[String]]>([])
        let reading = SemanticScreening(screener: SemanticScreener(index: index, embed: { texts in
            calls.withLock { $0.append(texts) }
            return texts.flatMap { text in text.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) } ? threat : ordinary }
        }))

        let mentee = "@mentee1:test"
        let body = "wallah ha2tlak iza 7keet"  // "I swear I'll kill you if you talk", in Arabizi: the Arabic list's threat phrase
        let screening = await runtime.screeningNow
        let phrase = try #require(screening.phrases.screen(body, language: screening.languages[mentee] ?? "en"))
        #expect(phrase.category == .threat && !phrase.isCall)
        let input = Input.text(InboundText(eventID: "$arabizi", roomID: "!dm-\(mentee)", sender: mentee, body: body, sentAt: start))
        let attached = await reading.read(input, for: screening)
        guard case .text(let text) = attached, let match = text.semantic else {
            Issue.record("the model's reading was not attached")
            return
        }
        #expect(calls.withLock { $0 } == [[Arabizi.inArabicScript(body)]], "the own script's reading alone")
        #expect(match.partsUnread)
        try await runtime.process(attached)
        let state = await runtime.state
        #expect(state.incidents.first?.category == .threat, "paged as the phrase says: \(state.incidents)")
        await runtime.finish()
    }
}
