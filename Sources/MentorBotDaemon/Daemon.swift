import BotModel
import DedicatedThread
import Dispatch
import DurableStore
import Foundation
import Logging
import MatrixClient
import MentorBotCore
import Metrics
import Prometheus
import ServiceLifecycle

/// Why the daemon stopped, for its exit status and its one line to the operator.
public enum DaemonExit: Error, CustomStringConvertible {
    case homeserver(String)
    case credentials(String)
    case store(String)
    case coordinatorsRoom(String)

    public var description: String {
        switch self {
        case .homeserver(let text), .credentials(let text), .store(let text), .coordinatorsRoom(let text): text
        }
    }
}

/// The imperative shell: opens the store, logs in, then runs the sync loop, the outbox and the
/// room worker until SIGTERM or SIGINT, and shuts down cleanly (a final snapshot) within seconds.
public struct Daemon {
    let programme: LoadedProgramme
    let logger: Logger
    let stop: SignalWatcher
    let reload: SignalWatcher?

    /// `stop` should be made first thing in the process: a SIGTERM that arrives while the
    /// configuration, the phrase lists or the model are still loading then ends the daemon
    /// cleanly as soon as it is up, instead of killing it mid-start.
    public init(programme: LoadedProgramme, logger: Logger, stop: SignalWatcher = .stopSignals(), reload: SignalWatcher? = nil) {
        self.programme = programme
        self.logger = logger
        self.stop = stop
        self.reload = reload
    }

    var configuration: Configuration { programme.configuration }

    public func run() async throws {
        // Before any instrument is made: one made earlier would stay the no-op kind.
        if configuration.monitoringPort != nil {
            _ = Self.metricsRegistry
            // Listed in /metrics from the start, before the first incident is taken on.
            _ = BotMetrics.timeToAcknowledge
        }
        let (store, recovered) = try openStore()
        let state = recovered.state
        guard let client = try await waitForHomeserver() else {
            logger.info("stopped before the homeserver answered")
            return
        }
        await reportEncryptedCoordinatorsRoom(client, known: state.coordinatorsRoomID)
        if let known = state.coordinatorsRoomID {
            let strangers = try await CoordinatorsRoomCheck.strangers(in: known, client: client, allowed: configuration.coordinatorsRoomAllowed)
            if !strangers.isEmpty {
                throw DaemonExit.coordinatorsRoom("\(strangers.count) people in the coordinators' room \(configuration.coordinatorsRoom) are not "
                    + "coordinators: \(CoordinatorsRoomCheck.strangersFix)")
            }
        }
        await presentBot(client)
        // After connecting: a wrong homeserver or token is reported alone, in one line.
        let semantic = await loadSemanticLayer()
        let runtime = BotRuntime(core: BotCore(configuration: configuration, library: programme.library, screener: programme.screener), journal: store,
                                 state: state, replayed: recovered.records.count, clock: DaemonClock.make(logger: logger),
                                 logger: logger)
        try await runtime.process(.started)
        let queued = await runtime.state.outbox.count
        logger.info("mentorbot running", metadata: [
            "people": "\(configuration.roster.people.count)", "pairs": "\(configuration.roster.pairs.count)",
            "queued": "\(queued)",
        ])

        // Listed in start order; the group shuts them down in reverse (see Services.swift).
        let botUserID = configuration.bot.userID
        let receipts = ReadReceipts(client: client, logger: logger)
        let services: [any Service] = [
            RuntimeService(runtime: runtime),
            Ticker(runtime: runtime),
            RetentionService(runtime: runtime, logger: logger),
            ConfirmedErasureService(runtime: runtime, logger: logger),
            RoomWorker(client: client, runtime: runtime, botUserID: botUserID, logger: logger),
            OutboxWorker(client: client, runtime: runtime, logger: logger),
            receipts,
            SyncWorker(client: client, runtime: runtime, botUserID: botUserID, logger: logger, semantic: semantic, receipts: receipts),
            StopSignalService(watcher: stop, logger: logger),
        ] + (reload.map { [ConfigurationReloader(watcher: $0, configurationFile: programme.configurationFile, runtime: runtime,
                                                 client: client, logger: logger)] } ?? [])
            + (configuration.monitoringPort.map { [MonitoringService(port: $0, registry: Self.metricsRegistry, runtime: runtime, logger: logger)] } ?? [])
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services.map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            logger: logger))
        do {
            try await group.run()
        } catch let matrix as MatrixError where matrix.isUnknownToken {
            throw DaemonExit.credentials("the homeserver rejected the bot's access token (M_UNKNOWN_TOKEN): "
                + "log the bot in again and update its token")
        }
        logger.info("mentorbot stopped cleanly")
    }

    /// The semantic layer, or nil with a loud warning: the bot then screens with the phrase lists
    /// only, which miss much of what people write in chat.
    private func loadSemanticLayer() async -> SemanticScreening? {
        let settings = configuration.programme.safety.semantic
        let folder = SemanticLayer.modelFolder(configured: settings.model, dialogs: configuration.dialogsDirectory)
        let cache = URL(fileURLWithPath: settings.cache ?? URL(fileURLWithPath: configuration.dataDirectory)
            .appendingPathComponent("semantic-examples.cache").path)
        let examples = SemanticLayer.examplesDirectory(dialogs: configuration.dialogsDirectory)
        // Embedding the examples takes about a minute the first time (then they come from the
        // cache), so it runs on a thread of its own.
        let loader = DedicatedThread(name: "semantic-loading")
        defer { loader.shutdown() }
        do {
            let started = Date()
            let screener = try await loader.run {
                SemanticScreening.leaveStopSignalsToTheDaemon()
                return try SemanticLayer.load(modelFolder: folder, examples: examples, cache: cache)
            }
            logger.info("semantic screening on", metadata: [
                "examples": "\(screener.index.examples.count)", "seconds": "\(String(format: "%.1f", Date().timeIntervalSince(started)))",
            ])
            return SemanticScreening(screener: screener)
        } catch {
            logger.critical("SEMANTIC SCREENING IS OFF: danger is screened with the phrase lists only, which miss much of what people write. Fix: \(error)")
            return nil
        }
    }

    private func openStore() throws -> (EventStore<DomainEvent, BotState>, RecoveredState<DomainEvent, BotState>) {
        do {
            let opened = try EventStore<DomainEvent, BotState>.open(directory: URL(fileURLWithPath: configuration.dataDirectory))
            for note in opened.recovered.repairs { logger.warning("store repaired on open", metadata: ["repair": "\(note)"]) }
            return opened
        } catch {
            throw DaemonExit.store("cannot open the data directory: \(error)")
        }
    }

    /// The name and picture people's clients show for the bot, from the configuration.
    private func presentBot(_ client: MatrixClient) async {
        let account = configuration.bot
        do {
            let current = try await client.profile(userId: account.userID)
            if current.displayName != account.displayName { try await client.setDisplayName(userId: account.userID, account.displayName) }
            if let avatar = account.avatarURL, current.avatarURL != avatar { try await client.setAvatarURL(userId: account.userID, avatar) }
        } catch {
            logger.warning("could not set the bot's display name or avatar", metadata: ["error": "\(error)"])
        }
    }

    /// The registry /metrics reads; the metrics system is bootstrapped with it once per process,
    /// and only when a monitoring port is configured.
    static let metricsRegistry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    private func reportEncryptedCoordinatorsRoom(_ client: MatrixClient, known: String?) async {
        do {
            if let problem = try await CoordinatorsRoomCheck.problem(client: client, reference: known ?? configuration.coordinatorsRoom) {
                logger.critical("COORDINATORS' ROOM UNUSABLE: \(problem)")
            }
        } catch {
            logger.warning("could not check whether the coordinators' room is encrypted", metadata: ["error": "\(error)"])
        }
    }

    /// A homeserver that does not answer yet (down, restarting, the network not up) is waited
    /// for, tried again every few seconds and said once; a stop signal meanwhile ends the wait.
    /// Something that answers but is not a homeserver, or refuses the bot, still ends the daemon
    /// with one line: waiting would not help.
    private func waitForHomeserver() async throws -> MatrixClient? {
        var waited = 0
        while true {
            do {
                let client = try await Self.connect(configuration, logger: logger)
                if waited > 0 { logger.notice("the homeserver answers: starting", metadata: ["waited_s": "\(waited)"]) }
                return client
            } catch Self.NotAnswering.notAnswering(let reason) {
                if waited == 0 {
                    logger.error("the homeserver does not answer yet; waiting for it", metadata: [
                        "homeserver": "\(configuration.homeserver)", "reason": "\(reason)",
                    ])
                }
            }
            let pause = min(5, 1 + waited / 10)
            for _ in 0..<(pause * 10) {
                if stop.raised { return nil }
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            waited += pause
        }
    }

    enum NotAnswering: Error, CustomStringConvertible {
        case notAnswering(String)
        var description: String {
            switch self { case .notAnswering(let reason): "the homeserver does not answer (\(reason))" }
        }
    }

    /// Checks the homeserver really is one, logs in, and confirms who we are. Every failure here
    /// is a single clear line: a wrong URL or a dead token must not become a crash loop.
    public static func connect(_ configuration: Configuration, logger: Logger = Logger(label: "mentorbot")) async throws -> MatrixClient {
        let client = MatrixClient(homeserver: configuration.homeserver, logger: logger)
        do {
            _ = try await client.versions()
        } catch let error as MatrixError where error.isNetwork {
            throw NotAnswering.notAnswering(error.summary)
        } catch {
            throw DaemonExit.homeserver("cannot use \(configuration.homeserver) as the homeserver: \(error)")
        }
        let account = configuration.bot
        do {
            switch account.credential {
            case .accessToken(let source):
                client.setAccessToken(try SecretReader.read(source))
            case .password(let source):
                let login = try await client.login(user: account.userID, password: try SecretReader.read(source),
                                                   deviceId: account.deviceID, initialDeviceDisplayName: "MentorBot")
                client.setAccessToken(login.accessToken)
            }
            let whoami = try await client.whoami()
            guard whoami.userId == account.userID else {
                throw DaemonExit.credentials("the token belongs to \(whoami.userId), not to bot.user_id \(account.userID)")
            }
        } catch let error as MatrixError where error.isUnknownToken {
            throw DaemonExit.credentials("the homeserver rejected the bot's access token (M_UNKNOWN_TOKEN): "
                + "log the bot in again and update its token")
        } catch let error as SecretReader.Missing {
            throw DaemonExit.credentials("cannot read the bot's secret: \(error)")
        } catch let error as MatrixError {
            throw DaemonExit.credentials("the homeserver refused the bot's login: \(error)")
        }
        return client
    }
}

/// Resumes once one of the given signals arrives. Signals are turned into a dispatch source so
/// that shutdown runs as ordinary code, not inside a signal handler.
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]
    private let stream: AsyncStream<Void>
    private let box: RaisedBox
    /// A stop signal has arrived (for loops that run before the services, e.g. waiting for the homeserver).
    var raised: Bool { box.isRaised }

    /// SIGTERM (systemd's stop) and SIGINT (Ctrl-C).
    public static func stopSignals() -> SignalWatcher { SignalWatcher(signals: [SIGTERM, SIGINT]) }
    /// SIGHUP (systemd's reload, a closed terminal): by default it would end the process.
    public static func reloadSignal() -> SignalWatcher { SignalWatcher(signals: [SIGHUP]) }

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        self.stream = stream
        let box = RaisedBox()
        self.box = box
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                box.raise()
                continuation.yield()
            }
            source.resume()
            return source
        }
    }

    func wait() async {
        for await _ in stream { return }
    }

    /// Every signal, as it comes.
    var arrivals: AsyncStream<Void> { stream }
}

/// Set once by a signal handler, read by a start-up loop.
final class RaisedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func raise() { lock.withLock { value = true } }
    var isRaised: Bool { lock.withLock { value } }
}
