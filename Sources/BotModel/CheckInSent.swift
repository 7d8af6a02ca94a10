import Foundation

/// A check-in the bot put to someone: the denominator of "check-ins answered" in the programme's
/// figures (the answers themselves are `AnswerRecord`s). Removed with the person's data; kept with
/// no person and no pair when they agreed to count in anonymous figures.
public struct CheckInSent: Codable, Sendable, Equatable {
    /// Empty once the person's data is erased.
    public var matrixID: String
    public var pairID: String
    /// mentor or mentee; set when the entry is made anonymous (the roster says it otherwise).
    public var role: String?
    public var at: Date

    public init(matrixID: String, pairID: String, role: String? = nil, at: Date) {
        self.matrixID = matrixID
        self.pairID = pairID
        self.role = role
        self.at = at
    }
}
