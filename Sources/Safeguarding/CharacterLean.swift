import Dialogs
import Foundation

/// A second lean between danger and ordinary talk, read from the letters instead of the meaning:
/// a logistic regression on the examples' character n-grams (two to four letters within a word),
/// and on their words and pairs of neighbouring words, each in one plain spelling.
///
/// The sentence model learnt its languages from written text; the way people chat (a dialect
/// word, "bzaf", "mitarsam", "ma3a", a slip, a word run together) it reads poorly, Arabic and
/// Persian above all. Those spellings recur from writer to writer, and pieces of words catch them
/// whatever is attached in front or behind. Measured by holding out each writing round of the
/// examples in turn (a new writer's messages against a model of the other rounds), adding this lean
/// to the nearest examples' score caught more danger at the same share of ordinary messages
/// alerting, Arabic most (docs/ARCHITECTURE.md). It only tips the score: alone, it caught far less
/// than the sentence model.
///
/// Pieces of words are hashed into `buckets` slots, so that no vocabulary is kept; each message's
/// counts are damped (1 + log), weighted by how rare the piece is among the examples, and scaled
/// to length one, so that a long message does not lean further for being long. Words and pairs
/// ("still owe", "ma 3andi") are read the same way, beside the pieces: with the rounds held out
/// they caught 77.1 -> 77.8% at 3%, where the pieces alone miss what words say together. Fitted at start
/// from the examples by L-BFGS: deterministic, the same weights for the same examples every time.
public struct CharacterLean: Sendable, Equatable {
    /// Per bucket: the weight of its pieces towards danger, and how rare they are (0 for a piece
    /// seen in fewer than two examples: a single writer's quirk says nothing of the next one's).
    public let weights: [Float]
    public let rarity: [Float]
    public let bias: Float

    public static let buckets = 1 << 18
    /// Pieces of two to four letters; with the spaces around a word, "bzaf" gives " b", "bz",
    /// " bz", "bza", ..., "af ".
    static let shortestPiece = 2, longestPiece = 4
    /// How little the weights are held back (the inverse of the penalty on their size). With the
    /// rounds held out, one caught less than three, and ten about as much.
    public static let inversePenalty = 3.0

    public init(weights: [Float], rarity: [Float], bias: Float) {
        precondition(weights.count == rarity.count, "one rarity per weight")
        self.weights = weights
        self.rarity = rarity
        self.bias = bias
    }

    /// Leans nowhere.
    public static let neutral = CharacterLean(weights: [], rarity: [], bias: 0)

    /// As kept in the examples' cache: the weights, the rarities and the bias, `storedCount`
    /// floats (zeros for a lean that leans nowhere).
    var stored: [Float] {
        weights.isEmpty ? [Float](repeating: 0, count: Self.storedCount) : weights + rarity + [bias]
    }

    static let storedCount = 2 * buckets + 1

    /// Read back from `stored`.
    init(stored: ArraySlice<Float>) {
        precondition(stored.count == Self.storedCount, "a stored lean has \(Self.storedCount) floats")
        let start = stored.startIndex
        self.init(weights: Array(stored[start..<start + Self.buckets]),
                  rarity: Array(stored[(start + Self.buckets)..<(start + 2 * Self.buckets)]), bias: stored[start + 2 * Self.buckets])
    }

    /// Above zero the text's letters lean to danger, below to ordinary talk (log-odds, from about
    /// -5 to 5).
    public func lean(of text: String) -> Float {
        guard !weights.isEmpty else { return 0 }
        var sum = bias
        for (bucket, value) in Self.features(of: Self.counts(of: text), rarity: rarity) { sum += weights[bucket] * value }
        return sum
    }

    /// The text's pieces of words, and its words and pairs of words, bucket by bucket, with how
    /// often each occurs.
    struct Counts: Equatable {
        var pieces: [Int: Int] = [:]
        var words: [Int: Int] = [:]
    }

    static func counts(of text: String) -> Counts {
        var counts = Counts()
        let words = plainWords(of: text)
        for word in words {
            let letters = [UInt32(32)] + word + [32]
            for length in shortestPiece...longestPiece where length <= letters.count {
                for start in 0...(letters.count - length) {
                    counts.pieces[bucket(of: letters[start..<start + length]), default: 0] += 1
                }
            }
        }
        // Whole words and neighbouring pairs ("still owe", "ma 3andi"), read without the marks
        // around them; hashed behind a mark, so that the word "ab" is not the piece "ab".
        let tokens = words.flatMap { $0.split(whereSeparator: { !isLetterOrDigit($0) }).map(Array.init) }
        for (index, token) in tokens.enumerated() {
            counts.words[bucket(of: ([wordMark] + token)[...]), default: 0] += 1
            if index + 1 < tokens.count {
                counts.words[bucket(of: ([wordMark] + token + [32] + tokens[index + 1])[...]), default: 0] += 1
            }
        }
        return counts
    }

    private static let wordMark: UInt32 = 1

    private static func isLetterOrDigit(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return false }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// The text's words, each in one plain spelling of it. Chat writes a word many ways: with or
    /// without accents, Arabic vowel and hamza marks or Persian half-spaces; with Arabic or Persian
    /// forms of yeh and kaf, ة for ه, ς for σ, Arabic, Persian or Latin digits; stretched
    /// ("sooo", "كتيييير"). Read as typed, each way would be pieces of its own, learnt only if
    /// the examples happen to spell it so.
    static func plainWords(of text: String) -> [[UInt32]] {
        var words: [[UInt32]] = [], word: [UInt32] = []
        func endWord() {
            guard !word.isEmpty else { return }
            words.append(unstretched(word))
            word = []
        }
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace { endWord(); continue }
            // Arabic marks, the stretching line, half-spaces and invisible characters, as the
            // phrase lists' matching drops them; then the accents and hamzas decomposition left.
            if TextNormalizer.isIgnorable(scalar) { continue }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: break
            }
            let value = TextNormalizer.unifiedLetter(scalar).value  // Arabic and Persian letter forms, digits
            word.append(otherPlainLetters[value] ?? value)
        }
        endWord()
        return words
    }

    /// Letters chat uses alike that `TextNormalizer.unifiedLetter` leaves as they are.
    private static let otherPlainLetters: [UInt32: UInt32] = [
        0x06D5: 0x0647,  // ە (of ۀ, once its hamza is gone): ه
        0x0671: 0x0627,  // ٱ: ا
        0x03C2: 0x03C3,  // ς: σ
    ]

    /// A letter written three times or more in a row counts once: "pleeease", "yaaani".
    private static func unstretched(_ word: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var index = 0
        while index < word.count {
            var end = index + 1
            while end < word.count, word[end] == word[index] { end += 1 }
            result.append(contentsOf: repeatElement(word[index], count: end - index >= 3 ? 1 : end - index))
            index = end
        }
        return result
    }

    /// FNV-1a over the letters: the same bucket on every run and machine (Swift's own hashing is
    /// seeded afresh in every process).
    static func bucket(of letters: ArraySlice<UInt32>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for letter in letters {
            var value = letter
            for _ in 0..<4 {
                hash = (hash ^ UInt64(value & 0xff)) &* 0x0000_0100_0000_01b3
                value >>= 8
            }
        }
        return Int(hash % UInt64(buckets))
    }

    /// Counts damped and weighted by rarity, the pieces and the words each scaled to length one
    /// (so that the many pieces do not drown the few words), in bucket order (a dictionary's order
    /// changes from process to process, and sums in another order round differently).
    static func features(of counts: Counts, rarity: [Float]) -> [(bucket: Int, value: Float)] {
        var merged: [Int: Float] = [:]
        for part in [counts.pieces, counts.words] {
            let buckets = part.keys.sorted()
            let values = buckets.map { (1 + log(Float(part[$0]!))) * rarity[$0] }
            let length = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard length > 0 else { continue }
            for (bucket, value) in zip(buckets, values) where value > 0 { merged[bucket, default: 0] += value / length }
        }
        return merged.keys.sorted().map { ($0, merged[$0]!) }
    }

    /// Fitted on texts labelled danger or not; each kind weighs as much in all as the other, so
    /// that the lean does not follow which kind has more examples. Neutral without both kinds.
    public static func fitted(texts: [String], isDanger: [Bool], inversePenalty: Double = Self.inversePenalty) -> CharacterLean {
        precondition(texts.count == isDanger.count, "one label per text")
        let dangerCount = isDanger.filter { $0 }.count
        guard dangerCount > 0, dangerCount < texts.count else { return .neutral }
        let allCounts = texts.map(counts(of:))
        var documents = [Int](repeating: 0, count: buckets)
        for counts in allCounts { for bucket in Set(counts.pieces.keys).union(counts.words.keys) { documents[bucket] += 1 } }
        let total = Float(texts.count)
        let rarity = documents.map { $0 >= 2 ? log((1 + total) / (1 + Float($0))) + 1 : 0 }
        let rows = allCounts.map { features(of: $0, rarity: rarity) }
        let sampleWeights = isDanger.map { Double(texts.count) / Double(2 * ($0 ? dangerCount : texts.count - dangerCount)) }
        let problem = LogisticProblem(rows: rows, labels: isDanger.map { $0 ? 1 : -1 }, sampleWeights: sampleWeights,
                                      inversePenalty: inversePenalty, dimension: buckets)
        let solution = problem.minimised()
        return CharacterLean(weights: solution.dropLast().map { Float($0) }, rarity: rarity, bias: Float(solution.last!))
    }
}

/// Penalised logistic loss, `½|w|² + C Σ sᵢ log(1 + e^(−yᵢ(w·xᵢ + b)))` (the bias not penalised),
/// minimised by L-BFGS with a backtracking line search. The rows are kept flat (each row's
/// buckets and values one after another), as the loss is evaluated a few hundred times.
struct LogisticProblem {
    let rowStarts: [Int]
    let buckets: [Int]
    let values: [Double]
    let labels: [Double]
    /// Per row, `C` times its sample weight.
    let rowWeights: [Double]
    let dimension: Int

    init(rows: [[(bucket: Int, value: Float)]], labels: [Double], sampleWeights: [Double], inversePenalty: Double, dimension: Int) {
        var rowStarts = [0], buckets: [Int] = [], values: [Double] = []
        for row in rows {
            buckets += row.map(\.bucket)
            values += row.map { Double($0.value) }
            rowStarts.append(buckets.count)
        }
        self.rowStarts = rowStarts
        self.buckets = buckets
        self.values = values
        self.labels = labels
        self.rowWeights = sampleWeights.map { $0 * inversePenalty }
        self.dimension = dimension
    }

    /// The loss and its gradient at `point` (`dimension` weights, then the bias).
    func evaluate(_ point: [Double]) -> (loss: Double, gradient: [Double]) {
        var gradient = point
        gradient[dimension] = 0
        var loss = 0.0
        for d in 0..<dimension { loss += 0.5 * point[d] * point[d] }
        let bias = point[dimension]
        point.withUnsafeBufferPointer { point in
            gradient.withUnsafeMutableBufferPointer { gradient in
                buckets.withUnsafeBufferPointer { buckets in
                    values.withUnsafeBufferPointer { values in
                        for row in labels.indices {
                            let features = rowStarts[row]..<rowStarts[row + 1]
                            var margin = bias
                            for f in features { margin += point[buckets[f]] * values[f] }
                            let signed = labels[row] * margin
                            // log(1 + e^-m) without overflow either way.
                            loss += rowWeights[row] * (signed > 0 ? log1p(exp(-signed)) : -signed + log1p(exp(signed)))
                            // d/dmargin of log(1 + e^(-y·margin)) is -y / (1 + e^(y·margin)).
                            let slope = -rowWeights[row] * labels[row] / (1 + exp(signed))
                            for f in features { gradient[buckets[f]] += slope * values[f] }
                            gradient[dimension] += slope
                        }
                    }
                }
            }
        }
        return (loss, gradient)
    }

    /// L-BFGS from zero: ten pairs of steps remembered, stopping when the gradient is small or
    /// after `iterations`.
    func minimised(iterations: Int = 300, memory: Int = 10, tolerance: Double = 1e-4) -> [Double] {
        var point = [Double](repeating: 0, count: dimension + 1)
        var (loss, gradient) = evaluate(point)
        var steps: [[Double]] = [], changes: [[Double]] = [], curvatures: [Double] = []
        let scale = max(1, Self.norm(gradient))
        for _ in 0..<iterations {
            guard Self.norm(gradient) > tolerance * scale else { break }
            // The two-loop recursion: the remembered pairs turn the gradient into a Newton-like step.
            var direction = gradient.map { -$0 }
            var alphas = [Double](repeating: 0, count: steps.count)
            for pair in steps.indices.reversed() {
                alphas[pair] = curvatures[pair] * Self.dot(steps[pair], direction)
                Self.add(-alphas[pair], changes[pair], to: &direction)
            }
            if let lastStep = steps.last, let lastChange = changes.last {
                let gamma = Self.dot(lastStep, lastChange) / Self.dot(lastChange, lastChange)
                direction = direction.map { $0 * gamma }
            } else {
                let length = Self.norm(direction)
                direction = direction.map { $0 / length }
            }
            for pair in steps.indices {
                let beta = curvatures[pair] * Self.dot(changes[pair], direction)
                Self.add(alphas[pair] - beta, steps[pair], to: &direction)
            }
            var slope = Self.dot(gradient, direction)
            if slope >= 0 {
                // Not a descent direction (rounding): start afresh along the gradient.
                steps.removeAll(); changes.removeAll(); curvatures.removeAll()
                direction = gradient.map { -$0 }
                slope = Self.dot(gradient, direction)
            }
            var size = 1.0, candidate = point, next = (loss: loss, gradient: gradient)
            for _ in 0..<40 {
                candidate = point
                Self.add(size, direction, to: &candidate)
                next = evaluate(candidate)
                if next.loss <= loss + 1e-4 * size * slope { break }
                size /= 2
            }
            guard next.loss < loss else { break }
            let step = zip(candidate, point).map { $0 - $1 }
            let change = zip(next.gradient, gradient).map { $0 - $1 }
            let curvature = Self.dot(step, change)
            if curvature > 1e-12 {
                steps.append(step); changes.append(change); curvatures.append(1 / curvature)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); curvatures.removeFirst() }
            }
            point = candidate
            (loss, gradient) = next
        }
        return point
    }

    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        var sum = 0.0
        for i in x.indices { sum += x[i] * y[i] }
        return sum
    }

    static func norm(_ x: [Double]) -> Double { dot(x, x).squareRoot() }

    static func add(_ factor: Double, _ x: [Double], to y: inout [Double]) {
        for i in y.indices { y[i] += factor * x[i] }
    }
}
