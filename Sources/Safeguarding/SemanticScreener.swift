import Foundation

/// What the semantic layer thinks of a message: the danger category whose examples it is nearest
/// to, how much nearer than to the ordinary examples, and which example was nearest.
public struct SemanticMatch: Sendable, Equatable, Codable {
    public let category: DangerCategory
    /// Mean similarity to the category's nearest examples minus that to the nearest ordinary
    /// ones, plus a little of the lean between all danger and all ordinary examples (see
    /// `DangerBoundary`): above zero, the message reads more like that danger than like ordinary talk.
    public let score: Double
    /// Where the nearest example of that category is written ("fr.txt:12").
    public let nearest: String
    /// A longer message's strongest piece (see `SemanticScreener.pieces(of:)`), read on its own;
    /// nil for a short message.
    public let piece: Piece?
    /// The message has at most `SemanticScreener.shortWords` words, and is read with the
    /// thresholds for short messages (`SemanticThresholds.short`).
    public let isShort: Bool
    /// The message is long enough to be read in pieces as well as whole (more than
    /// `SemanticScreener.longerWords`), and its whole alerts from its own
    /// threshold (`SemanticThresholds.longerAlert`).
    public let isLonger: Bool
    /// Parts of the message were not read (its pieces, or its reading as typed when it was read
    /// in its own script first): what was read already settled the verdict, so nothing they
    /// scored could change it (`SemanticThresholds.settles`). The score, category and nearest
    /// example are then those of what was read.
    public let partsUnread: Bool

    /// One piece of a longer message, scored as the whole is.
    public struct Piece: Sendable, Equatable, Codable {
        public let category: DangerCategory
        public let score: Double
        public let nearest: String

        public init(category: DangerCategory, score: Double, nearest: String) {
            self.category = category
            self.score = score
            self.nearest = nearest
        }
    }

    public init(category: DangerCategory, score: Double, nearest: String, piece: Piece? = nil, isShort: Bool = false,
                isLonger: Bool? = nil, partsUnread: Bool = false) {
        self.category = category
        self.score = score
        self.nearest = nearest
        self.piece = piece
        self.isShort = isShort
        // A match with a piece was read in pieces; say so explicitly for one whose pieces were left unread.
        self.isLonger = isLonger ?? (piece != nil)
        self.partsUnread = partsUnread
    }

    /// The higher of the whole's score and its strongest piece's: how much any part of the
    /// message reads like danger.
    public var strongestScore: Double { max(score, piece?.score ?? score) }
}

/// The second opinion beside the phrase lists: a sentence-embedding model compares a message with
/// the labelled examples by meaning, so that "my arm is all blue since he came home drunk" is
/// recognised although no list names bruises. Pure given its `embed` function, which the daemon
/// backs with the model in its own process.
public struct SemanticScreener: Sendable {
    public let index: SemanticIndex
    /// The model: texts in, their embeddings out, row after row. A message's windows and pieces
    /// go in one call, which the engine runs as one batch (each weight read once for all).
    private let embed: @Sendable ([String]) -> [Float]
    /// How colloquial Persian is read; the examples were read the same way.
    public let formal: FormalReading

    /// Nearest examples averaged per kind: one example alone is too easily near by accident. Five
    /// caught more than three or ten when each writing round of the examples was held out in turn.
    static let neighbours = 5
    /// A short message (`shortWords`) is judged by its three nearest examples of each kind: it
    /// says one thing, which only its very nearest examples say too, and the fourth and fifth
    /// pull it towards what merely shares a word. With each writing round held out in turn (short
    /// ones at their own threshold, 3% of ordinary ones above), two or three caught 772 and 773 of
    /// 979 short danger messages, four 756, five 751, eight 747; longer messages lose with three
    /// (5,295 → 5,258 of 6,705), so they keep five.
    static let shortNeighbours = 3

    /// How many nearest examples of each kind judge a message of this many words.
    static func neighbours(forWords words: Int) -> Int {
        words <= shortWords ? shortNeighbours : neighbours
    }

    /// Shorter messages ("1", "yes", "tomorrow at 3") are answers, and too short for a meaning
    /// of their own: the phrase lists and the safety word still screen them.
    static let minimumWords = 3
    /// A message of at most this many words ("i cant go out", "thanks for the help") has its own
    /// thresholds: so short, it carries little besides its few words, and ordinary short
    /// messages that share a word with danger come nearer danger than longer ones do.
    public static let shortWords = 4
    /// The model reads a message in windows of about this many characters (some 60-90 tokens),
    /// at most `maximumWindows` of them: the beginning and the end of a long text are where
    /// people say what matters, and the cost stays bounded however long the text.
    static let windowCharacters = 240
    static let maximumWindows = 3
    /// A longer message is also read in pieces of this many words, each starting `pieceStride`
    /// words after the last: told in the middle of a longer message
    /// ("sorry for the late reply, work was busy. the man from before waits at my building again.
    /// anyway see you thursday"), danger is diluted in the whole's meaning. On the calibration
    /// messages joined three at a time, both layers alerted on 250 of 288 danger messages with the
    /// pieces, against 190 reading only the whole (see docs/ARCHITECTURE.md).
    static let pieceWords = 20
    static let pieceStride = 10
    /// A message of more than this many words (a piece and half a stride) is read in pieces too.
    public static let longerWords = pieceWords + pieceStride / 2
    /// At most this many pieces, the first and the last halves (the cost stays bounded).
    static let maximumPieces = 8

    public init(index: SemanticIndex, formal: FormalReading = .none, embed: @escaping @Sendable ([String]) -> [Float]) {
        self.index = index
        self.formal = formal
        self.embed = embed
    }

    /// The best danger match over the message's windows, with its strongest piece when it is
    /// longer, or nil when the message is too short to judge. `excludingExample` leaves out an
    /// example with exactly this text (for measuring the layer on its own examples).
    ///
    /// Given the `thresholds` that will judge it, and the phrase lists' match on it when they
    /// found one, the message is read in stages (`stages(of:phrase:)`), and reading stops as soon as what has
    /// been read settles the verdict (`SemanticThresholds.settles`): what is left could not change
    /// it, and the alert reaches a person sooner. Without thresholds (calibration, which places
    /// them from every score) everything is read at once.
    public func match(_ text: String, excludingExample: String? = nil, decidingWith thresholds: SemanticThresholds? = nil,
                      beside phrase: ScreeningResult? = nil) -> SemanticMatch? {
        let wordCount = Self.wordCount(text)
        guard wordCount >= Self.minimumWords else { return nil }
        let isShort = wordCount <= Self.shortWords
        let parts = Self.parts(of: text, formal: formal)
        let isLonger = parts.contains(where: \.isPiece)
        let neighbours = Self.neighbours(forWords: wordCount)
        // Per part, in the parts' order: nil until read, then its danger match (if it has one).
        var found = [SemanticMatch??](repeating: nil, count: parts.count)
        func read(_ positions: [Int]) -> Bool {
            guard let matches = strongestDanger(of: positions.map { parts[$0].text }, neighbours: neighbours,
                                                excludingExample: excludingExample) else { return false }
            for (position, match) in zip(positions, matches) { found[position] = .some(match) }
            return true
        }
        // The strongest whole and piece among the parts read so far, taken in the parts' order
        // whatever order they were read in: a staged reading finds what reading all at once does.
        func strongest(leavingUnread unread: Bool) -> SemanticMatch? {
            var whole: SemanticMatch?, piece: SemanticMatch?
            for (part, match) in zip(parts, found) {
                guard case .some(.some(let match)) = match else { continue }
                if part.isPiece {
                    if piece == nil || match.score > piece!.score { piece = match }
                } else if whole == nil || match.score > whole!.score {
                    whole = match
                }
            }
            guard let whole else { return nil }
            return SemanticMatch(category: whole.category, score: whole.score, nearest: whole.nearest,
                                 piece: piece.map { .init(category: $0.category, score: $0.score, nearest: $0.nearest) },
                                 isShort: isShort, isLonger: isLonger, partsUnread: unread)
        }
        guard let thresholds else { return read(Array(parts.indices)) ? strongest(leavingUnread: false) : nil }
        let stages = Self.stages(of: parts, phrase: phrase)
        for (number, stage) in stages.enumerated() {
            guard read(stage) else { return nil }
            let everyWholeRead = parts.indices.allSatisfy { parts[$0].isPiece || found[$0] != nil }
            if number < stages.count - 1, let sofar = strongest(leavingUnread: true),
               thresholds.settles(sofar, beside: phrase, everyWholeRead: everyWholeRead) {
                return sofar
            }
        }
        return strongest(leavingUnread: false)
    }

    /// One part of what the model reads of a message: a window of its whole or a piece, of the
    /// message as typed or of its reading in its own script.
    public struct Part: Sendable, Equatable {
        public let text: String
        public let isPiece: Bool
        public let inOwnScript: Bool
    }

    /// The stages of a staged reading (`match(_:excludingExample:decidingWith:beside:)`), each the
    /// positions of the parts it reads:
    /// 1. with a phrase match that the model could doubt, the windows of a message typed in Latin
    ///    letters read in its own script alone: if they do not doubt the phrase, nothing more read
    ///    could (a doubt looks at the strongest score, and more parts can only raise it);
    /// 2. the windows not read yet: a whole that alerts by itself, or does not doubt the phrase,
    ///    settles it, and the pieces (most of what the model reads of a longer message) stay unread;
    /// 3. the pieces.
    static func stages(of parts: [Part], phrase: ScreeningResult?) -> [[Int]] {
        let windows = parts.indices.filter { !parts[$0].isPiece }
        let pieces = parts.indices.filter { parts[$0].isPiece }
        let ownScript = windows.filter { parts[$0].inOwnScript }
        let ownScriptFirst = phrase.map { !$0.isCall } == true && !ownScript.isEmpty && ownScript.count < windows.count
        return (ownScriptFirst ? [ownScript, windows.filter { !parts[$0].inOwnScript }] : [windows]) + (pieces.isEmpty ? [] : [pieces])
    }

    /// The strongest danger match of each text (nil for one near no danger example), the model
    /// reading them all in one call (one batch: each weight read once for all); nil when the
    /// engine gave back nothing usable.
    private func strongestDanger(of texts: [String], neighbours: Int, excludingExample: String?) -> [SemanticMatch?]? {
        let embeddings = embed(texts)
        guard !texts.isEmpty, embeddings.count == texts.count * index.dimension else { return nil }
        // When measuring, every reading leaves out the example in both its scripts
        // (`Example.source`): each reading would otherwise find the example's other form.
        let neighbourhoods = index.neighbourhoods(of: texts.indices.map { position in
            (Array(embeddings[position * index.dimension..<(position + 1) * index.dimension]), excludingExample)
        }, k: neighbours)
        return zip(texts, neighbourhoods).map { text, neighbourhood in Self.strongestDanger(in: neighbourhood, of: text, index: index) }
    }

    /// What the model reads of a message: its windows and, when longer, its pieces; and the same
    /// again in Arabic, Greek or Persian script when it is one of those written in Latin letters,
    /// which the model knows far better in its own script. Colloquial Persian is read in its
    /// formal words (`FormalReading`).
    public static func parts(of text: String, formal: FormalReading) -> [Part] {
        var readings = [(text: text, inOwnScript: false)]
        if let native = NativeScript.reading(of: text) { readings.append((native.text, true)) }
        return readings.flatMap { reading in
            let read = formal.reading(of: reading.text) ?? reading.text
            return windows(of: read).map { Part(text: $0, isPiece: false, inOwnScript: reading.inOwnScript) }
                + pieces(of: read).map { Part(text: $0, isPiece: true, inOwnScript: reading.inOwnScript) }
        }
    }

    /// The pieces a longer message is also read in: `pieceWords` words at a time, overlapping by
    /// half, the last one ending with the message. None for a message of at most half a stride
    /// more than a piece: its whole is hardly more diluted than a piece would be.
    static func pieces(of text: String) -> [String] {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard isLonger(text) else { return [] }
        var starts = Array(stride(from: 0, to: words.count - pieceWords, by: pieceStride))
        starts.append(words.count - pieceWords)
        if starts.count > maximumPieces {
            starts = Array(starts.prefix(maximumPieces / 2) + starts.suffix(maximumPieces / 2))
        }
        return starts.map { words[$0..<$0 + pieceWords].joined(separator: " ") }
    }

    /// Read in pieces as well as whole (more than `longerWords`), so that its whole alerts from
    /// `SemanticThresholds.longerAlert`.
    public static func isLonger(_ text: String) -> Bool {
        wordCount(text) > longerWords
    }

    /// Read with the thresholds for short messages (`shortWords`).
    public static func isShort(_ text: String) -> Bool {
        wordCount(text) <= shortWords
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: { $0.isWhitespace }).count
    }

    /// The danger category the neighbourhood of `text` leans to most, scored against the ordinary
    /// examples and tipped by the boundary's lean and the letters' (none without a text).
    static func strongestDanger(in neighbourhood: SemanticIndex.Neighbourhood, of text: String? = nil, index: SemanticIndex) -> SemanticMatch? {
        var best: SemanticMatch?
        let lean = neighbourhood.lean + (text.map(index.characterLean(of:)) ?? 0)
        for (category, near) in neighbourhood.danger {
            let score = Double(near.similarity - neighbourhood.ordinary.similarity + lean)
            if best == nil || score > best!.score {
                best = SemanticMatch(category: category, score: score, nearest: index.examples[near.nearest].reference)
            }
        }
        return best
    }

    /// The whole text when it is short; otherwise windows cut at sentence ends (or spaces), the
    /// first ones and the last one.
    static func windows(of text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count > windowCharacters else { return [trimmed] }
        var windows: [String] = []
        var rest = Substring(trimmed)
        while !rest.isEmpty {
            guard rest.count > windowCharacters else {
                windows.append(String(rest))
                break
            }
            let limit = rest.index(rest.startIndex, offsetBy: windowCharacters)
            let head = rest[..<limit]
            let cut = head.lastIndex(where: { ".!?؟।\n".contains($0) }).map { rest.index(after: $0) }
                ?? head.lastIndex(where: { $0.isWhitespace }) ?? limit
            let end = cut > rest.startIndex ? cut : limit
            windows.append(String(rest[..<end]).trimmingCharacters(in: .whitespacesAndNewlines))
            rest = rest[end...].drop(while: { $0.isWhitespace })
            // Only the beginning and the end matter once there are enough windows.
            if windows.count == maximumWindows - 1, rest.count > windowCharacters {
                windows.append(String(rest.suffix(windowCharacters)))
                break
            }
        }
        return windows.filter { !$0.isEmpty }
    }
}
