import BotModel
import DedicatedThread
import Foundation
import Logging
import MatrixClient
import MentorBotCore
import ServiceLifecycle

/// Settings the running daemon cannot take over without a restart: they name its connection,
/// its files, its port, its log, or the model it loaded. A reload that changes one is refused.
enum RestartOnlySettings {
    /// The configuration keys whose value differs, in the file's own names.
    static func changed(from old: Configuration, to new: Configuration) -> [String] {
        var keys: [String] = []
        if old.homeserver != new.homeserver { keys.append("homeserver") }
        if old.bot != new.bot { keys.append("bot") }
        if old.dataDirectory != new.dataDirectory { keys.append("data_directory") }
        if old.coordinatorsRoom != new.coordinatorsRoom { keys.append("coordinators_room") }
        if old.monitoringPort != new.monitoringPort { keys.append("monitoring_port") }
        if old.logLevel != new.logLevel || old.logAsJSON != new.logAsJSON { keys.append("logging") }
        let oldModel = old.programme.safety.semantic, newModel = new.programme.safety.semantic
        if oldModel.model != newModel.model || oldModel.cache != newModel.cache { keys.append("programme.safety.semantic") }
        return keys
    }
}

/// SIGHUP (systemd's reload, `mentorbot reload`) reads the configuration, the roster and the
/// dialogs again and carries on with them without a restart: people added are greeted, pairs
/// added get their rhythm, pairs removed end kindly (BotCore's `.reloaded`). A configuration
/// `mentorbot check` would refuse is refused the same way, in the log, and the bot carries on
/// with what it had. The semantic examples are read at start only (embedding them takes time).
struct ConfigurationReloader: Service {
    let watcher: SignalWatcher
    let configurationFile: String
    let runtime: BotRuntime
    let client: MatrixClient
    let logger: Logger

    func run() async throws {
        try await untilShutdown {
            for await _ in watcher.arrivals {
                guard !Task.isCancelled else { return }
                await reload()
            }
        }
    }

    enum Outcome: Equatable {
        case applied(RosterChange)
        case refused(String)
    }

    @discardableResult
    func reload() async -> Outcome {
        logger.notice("reload signal received: reading the configuration again", metadata: ["file": "\(configurationFile)"])
        let loader = DedicatedThread(name: "configuration-reload")
        defer { loader.shutdown() }
        let programme: LoadedProgramme
        do {
            let file = configurationFile
            programme = try await loader.run { try ProgrammeLoader.load(configurationPath: file) }
        } catch {
            logger.error("RELOAD REFUSED: the bot carries on with the configuration it had. Fix these and reload again:\n\(error)")
            BotMetrics.reloads(succeeded: false)
            return .refused("\(error)")
        }
        let current = await runtime.core.configuration
        let needRestart = RestartOnlySettings.changed(from: current, to: programme.configuration)
        guard needRestart.isEmpty else {
            let keys = needRestart.joined(separator: ", ")
            logger.error("""
                RELOAD REFUSED: these settings change only with a restart: \(keys). The bot carries on with the \
                configuration it had; restart it (systemctl restart mentorbot) to apply them
                """)
            BotMetrics.reloads(succeeded: false)
            return .refused(keys)
        }
        let change: RosterChange
        do {
            change = try await runtime.reload(BotCore(configuration: programme.configuration, library: programme.library,
                                                      screener: programme.screener))
        } catch {
            logger.error("the reload could not be written: \(error)")
            return .refused("\(error)")
        }
        await recheckCoordinatorsRoom()
        BotMetrics.reloads(succeeded: true)
        logger.notice("reload applied", metadata: [
            "people": "\(programme.configuration.roster.people.count)", "pairs": "\(programme.configuration.roster.pairs.count)",
            "people_added": "\(change.addedPeople.map(\.id).joined(separator: " "))",
            "people_removed": "\(change.removedPeople.map(\.id).joined(separator: " "))",
            "pairs_added": "\(change.addedPairs.map(\.id).joined(separator: " "))",
            "pairs_removed": "\(change.removedPairs.map(\.id).joined(separator: " "))",
            "pairs_changed": "\(change.changedPairs.map(\.id).joined(separator: " "))",
        ])
        return .applied(change)
    }

    /// A coordinator the new roster dropped who is still in the coordinators' room is now a
    /// stranger there: nothing more is posted until they leave.
    private func recheckCoordinatorsRoom() async {
        guard let roomID = await runtime.state.coordinatorsRoomID else { return }
        do {
            let strangers = try await CoordinatorsRoomCheck.strangers(in: roomID, client: client, allowed: await runtime.coordinatorsRoomAllowed)
            var becameUnsafe = false
            for stranger in strangers where await runtime.coordinatorsRoomMember(stranger, isIn: true) { becameUnsafe = true }
            if becameUnsafe {
                logger.critical("""
                    COORDINATORS' ROOM HAS A STRANGER after the reload: nothing is posted there until they are gone; \
                    \(CoordinatorsRoomCheck.strangersFix)
                    """)
            }
        } catch {
            logger.warning("could not list the coordinators' room's members after the reload", metadata: ["error": "\(error)"])
        }
    }
}
