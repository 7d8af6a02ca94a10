import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The figures an operator watches, as swift-metrics instruments: they cost nothing when no
/// monitoring port is configured (the metrics system is then the no-op one).
enum BotMetrics {
    static let messagesIn = Metrics.Counter(label: "mentorbot_messages_in_total")
    static let messagesOut = Metrics.Counter(label: "mentorbot_messages_out_total")
    static let skippedEvents = Metrics.Counter(label: "mentorbot_skipped_events_total")
    static let journalWrite = Metrics.Timer(label: "mentorbot_journal_write_seconds")
    static let secondsSinceSync = Metrics.Gauge(label: "mentorbot_seconds_since_sync")
    static let openIncidents = Metrics.Gauge(label: "mentorbot_open_incidents")
    static func outboxDepth(_ priority: String) -> Metrics.Gauge { Metrics.Gauge(label: "mentorbot_outbox_depth", dimensions: [("priority", priority)]) }
    /// From an incident being raised to a coordinator taking it on.
    static let timeToAcknowledge = Metrics.Timer(label: "mentorbot_incident_acknowledge_seconds", preferredDisplayUnit: .seconds)
    /// How late the job due first is when /metrics is read (0 when none is overdue): read then,
    /// like the other gauges, so that it is there from the first scrape and never stale.
    static let schedulerLag = Metrics.Gauge(label: "mentorbot_scheduler_lag_seconds")
    static func reloads(succeeded: Bool) {
        Metrics.Counter(label: "mentorbot_reloads_total", dimensions: [("result", succeeded ? "applied" : "refused")]).increment()
    }
}

/// `/healthz` and `/metrics` on a loopback port. Ready means: a /sync answer was handled in the
/// last 90 seconds and the runtime is writing (a failed write stops the daemon; a full disk
/// makes it wait).
struct MonitoringService: Service {
    let port: Int
    let registry: PrometheusCollectorRegistry
    let runtime: BotRuntime
    let logger: Logger
    static let stale: TimeInterval = 90

    func run() async throws {
        let router = Router()
        let runtime = self.runtime, registry = self.registry
        router.get("healthz") { _, _ -> Response in
            let health = await runtime.health()
            BotMetrics.secondsSinceSync.record(health.secondsSinceSync ?? -1)
            let ready = health.secondsSinceSync.map { $0 < Self.stale } == true && !health.diskFull
            let text = ready ? "ready\n"
                : health.diskFull ? "not ready: the disk is full, nothing can be written\n"
                : "not ready: \(health.secondsSinceSync.map { "last sync \(Int($0)) s ago" } ?? "not synced yet")\n"
            return Response(status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                             body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("metrics") { _, _ -> Response in
            let health = await runtime.health()
            BotMetrics.secondsSinceSync.record(health.secondsSinceSync ?? -1)
            BotMetrics.openIncidents.record(health.openIncidents)
            BotMetrics.schedulerLag.record(health.schedulerLag)
            for (priority, count) in health.outboxDepth { BotMetrics.outboxDepth(priority).record(count) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await application.runService()
    }
}
