import Foundation
import Logging
@testable import MentorBotDaemon
import Synchronization
import Testing

@Suite struct JSONLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }

    @Test func eachEntryIsOneJSONObjectWithItsLevelMessageAndMetadata() throws {
        let collected = Lines()
        var logger = Logger(label: "mentorbot") { label in JSONLogHandler(label: label) { line in collected.lines.withLock { $0.append(line) } } }
        logger[metadataKey: "instance"] = "test"
        logger.warning("skipped an event", metadata: ["event": "!room:test/$1", "quote": "a \"quoted\"\nline"])
        let lines = collected.lines.withLock { $0 }
        #expect(lines.count == 1 && !lines[0].contains("\n"), "one line: \(lines)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
        #expect(object["level"] == "warning" && object["message"] == "skipped an event" && object["label"] == "mentorbot")
        #expect(object["event"] == "!room:test/$1" && object["instance"] == "test" && object["quote"] == "a \"quoted\"\nline")
        #expect(object["time"].flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
    }
}
