import Dialogs
import Foundation

/// A completed dialog's structured answers: what programmes evaluate. Never a transcript.
public struct AnswerRecord: Codable, Sendable, Equatable {
    public var id: String
    public var dialogID: String
    /// Roster id of who answered (not a name, not a Matrix id).
    public var personID: String
    public var role: String
    public var pairIDs: [String]
    public var answers: [String: AnswerValue]
    public var completedAt: Date
}
