import Foundation
import Logging

/// The daemon's sense of now: the system clock, unless MENTORBOT_CLOCK_OFFSET_FILE names a file
/// holding a number of seconds to add to it. Tests fast-forward a running daemon with it (to a
/// meeting reminder's time, over a real homeserver); it is re-read at every use so that a test can
/// move time on without a restart. Never set it for a real programme: the daemon warns when it is.
enum DaemonClock {
    static let offsetFileVariable = "MENTORBOT_CLOCK_OFFSET_FILE"

    static func make(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) -> @Sendable () -> Date {
        guard let path = environment[offsetFileVariable], !path.isEmpty else { return { Date() } }
        logger.warning("the clock is shifted by the file named in \(offsetFileVariable): for tests only")
        return {
            let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            return Date().addingTimeInterval(text.flatMap(TimeInterval.init) ?? 0)
        }
    }
}
