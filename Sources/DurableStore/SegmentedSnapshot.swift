/// A state the store can write and read back piece by piece, so that neither needs the whole
/// encoded file in memory next to the state itself: the snapshot file holds one segment per line.
///
/// `Codable` as a whole too: a snapshot written before segments existed (one JSON object) is still
/// read that way, once, and the next snapshot is written in segments.
public protocol SegmentedSnapshot: Codable {
    associatedtype Segment: Codable

    /// Gives the snapshot to `write` segment by segment, in the order `init(segments:)` expects.
    func forEachSegment(_ write: (Segment) throws -> Void) throws

    /// Rebuilds the snapshot from the segments `forEachSegment` gave, in the same order: `next`
    /// returns each in turn, then nil. Throws when they do not make a snapshot; the store reports
    /// the file and the line it had reached.
    init(segments next: () throws -> Segment?) throws
}

/// A list is its elements, one per segment.
extension Array: SegmentedSnapshot where Element: Codable {
    public func forEachSegment(_ write: (Element) throws -> Void) throws {
        for element in self { try write(element) }
    }

    public init(segments next: () throws -> Element?) throws {
        self.init()
        while let element = try next() { append(element) }
    }
}
