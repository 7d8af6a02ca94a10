import Foundation

/// Every id the bot hands out comes from here, read from the state it is decided from (which
/// already holds every earlier decision, see the daemon's `BotRuntime`), so two decisions can
/// never give out the same one.
extension BotState {
    /// A fresh id for a message, job or record, unique for the lifetime of this data directory. The
    /// first-start time is part of it so that a wiped data directory never reuses an id the
    /// homeserver still remembers (transaction ids).
    public func nextID(_ prefix: String) -> String {
        let epoch = Int(firstStartedAt?.timeIntervalSince1970 ?? 0)
        return "\(prefix)\(epoch)-\(nextSequence)"
    }

    /// The short references coordinators type: incidents "I-001", support requests "S-001",
    /// worries "W-001", numbered in order within their kind.
    public enum ReferenceKind {
        case incident, ticket, worry
    }

    public func nextReference(_ kind: ReferenceKind) -> String {
        switch kind {
        case .incident: String(format: "I-%03d", incidents.count + 1)
        case .ticket: String(format: "S-%03d", tickets.count + 1)
        case .worry: String(format: "W-%03d", worries.count + 1)
        }
    }
}
