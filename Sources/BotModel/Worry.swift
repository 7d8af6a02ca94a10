import Foundation
import Safeguarding

/// A worry signal: a message the screening was unsure about. The person was asked, privately and
/// gently, whether everything is all right; the coordinators see it in their inbox at low priority
/// and nobody is paged. Several about the same person within a few days raise an incident. Like an
/// incident it keeps the category and never the person's words.
public struct Worry: Codable, Sendable, Equatable {
    /// Short reference coordinators use ("W-002").
    public var reference: String
    public var personID: String
    public var matrixID: String
    public var role: String
    public var pairIDs: [String]
    public var category: DangerCategory
    /// For staff tuning the screening: the semantic score (none for a call for help too short
    /// for the model) and where its nearest example is written, or the call's list and line.
    public var score: Double?
    public var nearest: String
    public var notedAt: Date
    /// The incident it led to, when several signals together raised one.
    public var incident: String?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?

    public init(reference: String, personID: String, matrixID: String, role: String, pairIDs: [String], category: DangerCategory,
                score: Double?, nearest: String, notedAt: Date) {
        self.reference = reference
        self.personID = personID
        self.matrixID = matrixID
        self.role = role
        self.pairIDs = pairIDs
        self.category = category
        self.score = score
        self.nearest = nearest
        self.notedAt = notedAt
    }

    /// Still in the inbox: nobody looked at it, and no incident took it over.
    public var isOpen: Bool { acknowledgedBy == nil && incident == nil }
}
