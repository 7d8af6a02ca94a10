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

    public init(id: String, dialogID: String, personID: String, role: String, pairIDs: [String], answers: [String: AnswerValue],
                completedAt: Date) {
        self.id = id
        self.dialogID = dialogID
        self.personID = personID
        self.role = role
        self.pairIDs = pairIDs
        self.answers = answers
        self.completedAt = completedAt
    }
}
