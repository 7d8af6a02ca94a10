import Foundation
import Safeguarding

/// A safety incident: raised by the safety word, a danger phrase or a report, alerted to the
/// coordinators until one of them takes it on, and closed with an outcome note. It carries the
/// category and the list phrase that matched, never the person's own words.
public struct Incident: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case open, acknowledged, resolved }

    /// Short reference coordinators use ("I-004").
    public var reference: String
    public var personID: String
    public var matrixID: String
    public var role: String
    public var pairIDs: [String]
    public var category: DangerCategory
    public var severity: Severity
    /// The phrase from the phrase list that matched, if screening raised it.
    public var phrase: String?
    /// What a report said happened (a choice from the report dialog, e.g. "romantic").
    public var detail: String?
    public var raisedAt: Date
    public var status: Status
    /// Alerts sent to the coordinators' room so far (the first one and each repeat).
    public var alertsSent: Int
    /// The alerts' transaction ids, then event ids once delivered: a reaction to any of them
    /// acknowledges the incident.
    public var alertTransactionIDs: [String]
    public var alertEventIDs: [String]
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    /// The coordinator's short note on how it was settled.
    public var outcome: String?

    public init(reference: String, personID: String, matrixID: String, role: String, pairIDs: [String], category: DangerCategory,
                phrase: String?, detail: String? = nil, raisedAt: Date) {
        self.reference = reference
        self.personID = personID
        self.matrixID = matrixID
        self.role = role
        self.pairIDs = pairIDs
        self.category = category
        self.severity = category.severity
        self.phrase = phrase
        self.detail = detail
        self.raisedAt = raisedAt
        self.status = .open
        self.alertsSent = 0
        self.alertTransactionIDs = []
        self.alertEventIDs = []
    }

    public var isOpen: Bool { status != .resolved }
}
