import Crypto
import Foundation

/// The semantic layer's memory: labelled example messages (`Dialogs/safety/examples/*.txt`, the
/// same "category | message" lines as a labelled set) with their sentence embeddings. A message is
/// judged by the examples it is nearest to, in any language: the model places "they know where my
/// mum lives" and « ils savent où habite ma mère » close together, and far from "my mum called,
/// she's fine".
public struct SemanticIndex: Sendable {
    public struct Example: Sendable, Equatable {
        /// A danger category, or nil for an ordinary message.
        public let category: DangerCategory?
        public let text: String
        /// "fr.txt:12": where staff find it (shown by `mentorbot screen`, never sent to anyone).
        public let reference: String
        /// The sentence as written in its file: `text` itself, or for a copy in its own script
        /// (Arabic, Greek or Persian typed in Latin letters) the sentence it was rewritten from.
        /// Measuring the layer on an example leaves out every row with this source.
        public let source: String

        public init(category: DangerCategory?, text: String, reference: String, source: String? = nil) {
            self.category = category
            self.text = text
            self.reference = reference
            self.source = source ?? text
        }
    }

    public let examples: [Example]
    /// Row-major, `examples.count × dimension`: each example's embedding with part of its
    /// language's average taken away, L2-normalised (see `centred(_:)`).
    let vectors: [Float]
    /// Each example's place in `kinds`, so that the search needs no lookup per example.
    let kindOfExample: [Int]
    public let dimension: Int
    /// Per language of the examples ("fr" of "fr.chat.txt:12"), `languageShare` of the average of
    /// its examples' embeddings, and the languages in the same order.
    let languageMeans: [[Float]]
    /// Their lengths, for finding the language a message reads as without recomputing them.
    let languageMeanLengths: [Float]
    public let languages: [String]
    /// Which way a message leans between all danger and all ordinary examples (see `DangerBoundary`).
    public let boundary: DangerBoundary
    /// How much of the boundary's lean is added to the nearest examples' score.
    public let boundaryWeight: Float
    /// Which way a text's letters lean between danger and ordinary examples (see `CharacterLean`).
    public let characters: CharacterLean
    /// How much of the letters' lean (log-odds) is added to the nearest examples' score.
    public let characterWeight: Float

    /// How much of a language's average embedding is taken away from each text of that language.
    /// The model's picture of a sentence says both what it is about and which language it is in;
    /// taking the language part away lets a message find the examples that say the same thing in
    /// any language. Chosen by holding out each writing round of the examples in turn (a new
    /// writer's messages scored against the others): three quarters caught the most danger at
    /// the same share of ordinary messages alerting (all of it 1.5 points fewer, none 10 fewer).
    public static let languageShare: Float = 0.75

    /// The boundary's lean counts a hundredth: enough to tip a message the nearest examples are
    /// unsure about, too little to outvote examples that say the same thing. A hundredth caught
    /// more than a two-hundredth or a fiftieth when each writing round was held out in turn.
    public static let boundaryWeight: Float = 0.01

    /// The letters' lean counts 0.027 per unit of log-odds (their spread over the examples is
    /// some 1.8, the nearest examples' scores' 0.10). With each writing round held out in turn, at
    /// 3% of ordinary messages alerting: 0.018 and 0.027 caught as much danger in all (76.2%),
    /// 0.027 more in Arabic (64.5% against 63.0%); 0.012 caught 75.0%, none 71.6%.
    public static let characterWeight: Float = 0.027

    /// `vectors`: the model's embeddings, one row per example, as the model gives them (L2-normalised).
    /// `languageShare` 0 compares the embeddings as they are; `boundaryWeight` 0 judges by the
    /// nearest examples alone. `boundary`: already fitted on these examples (from the cache), else
    /// fitted here.
    public init(examples: [Example], vectors raw: [Float], dimension: Int, languageShare: Float = Self.languageShare,
                boundaryWeight: Float = Self.boundaryWeight, boundary: DangerBoundary? = nil,
                characterWeight: Float = Self.characterWeight, characters: CharacterLean? = nil) {
        precondition(raw.count == examples.count * dimension, "one vector per example")
        self.examples = examples
        self.dimension = dimension
        kindOfExample = examples.map { Self.kind(of: $0.category) }
        var sums: [String: [Float]] = [:], counts: [String: Int] = [:]
        var languageOfExample: [String] = []
        for (position, example) in examples.enumerated() {
            let language = Self.language(ofReference: example.reference)
            languageOfExample.append(language)
            var sum = sums[language] ?? [Float](repeating: 0, count: dimension)
            for d in 0..<dimension { sum[d] += raw[position * dimension + d] }
            sums[language] = sum
            counts[language, default: 0] += 1
        }
        languages = sums.keys.sorted()
        languageMeans = languages.map { language in sums[language]!.map { $0 * languageShare / Float(counts[language]!) } }
        languageMeanLengths = languageMeans.map { mean in mean.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        var centred = [Float](repeating: 0, count: raw.count)
        for position in examples.indices {
            let mean = languageMeans[languages.firstIndex(of: languageOfExample[position])!]
            let row = Self.normalised((0..<dimension).map { raw[position * dimension + $0] - mean[$0] })
            for d in 0..<dimension { centred[position * dimension + d] = row[d] }
        }
        vectors = centred
        self.boundaryWeight = boundaryWeight
        self.boundary = boundary ?? DangerBoundary.fitted(vectors: centred, isDanger: examples.map { $0.category != nil }, dimension: dimension)
        self.characterWeight = characterWeight
        self.characters = characters ?? (characterWeight == 0 ? .neutral
            : CharacterLean.fitted(texts: examples.map(\.text), isDanger: examples.map { $0.category != nil }))
    }

    /// The letters' lean of a text, weighted: what it adds to every category's score.
    public func characterLean(of text: String) -> Float {
        characterWeight * characters.lean(of: text)
    }

    /// "fr" of "fr.chat.txt:12": example files are named after their language.
    static func language(ofReference reference: String) -> String {
        String(reference.prefix(while: { $0 != "." && $0 != ":" }))
    }

    /// A message's embedding as the examples are kept: less the share of the average of the
    /// language it reads as (the language whose average it is nearest to, whatever the person's
    /// settings say: people write in the language at hand, or in Latin letters).
    public func centred(_ vector: [Float]) -> [Float] {
        precondition(vector.count == dimension)
        // No language to take away, or no embedding at all (the engine failed and gave zeros):
        // taking a mean from nothing would make up a meaning.
        guard !languageMeans.isEmpty, vector.contains(where: { $0 != 0 }) else { return vector }
        var nearest = 0, best = -Float.infinity
        for (position, mean) in languageMeans.enumerated() {
            var dot: Float = 0
            for d in 0..<dimension { dot += mean[d] * vector[d] }
            let length = languageMeanLengths[position]
            let cosine = length > 0 ? dot / length : 0
            if cosine > best { (nearest, best) = (position, cosine) }
        }
        let mean = languageMeans[nearest]
        return Self.normalised((0..<dimension).map { vector[$0] - mean[$0] })
    }

    static func normalised(_ vector: [Float]) -> [Float] {
        let length = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return length > 0 ? vector.map { $0 / length } : vector
    }

    /// Every example file in a folder, in file order, with Arabic, Greek and Persian examples typed
    /// in Latin letters also in their own script (`NativeScript`); problems name the file and line.
    /// Colloquial Persian is kept as `formal` reads it, as messages are read (`SemanticScreener`).
    public static func loadExamples(directory: URL, formal: FormalReading = .none) throws -> [Example] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".txt") }.sorted()
        var examples: [Example] = []
        for name in names {
            let path = directory.appendingPathComponent(name).path
            let set = try LabelledSet.Problem.parsing(fileAt: path) { try LabelledSet(text: $0) }
            for item in set.items {
                let reference = "\(name):\(item.line)"
                examples.append(Example(category: item.category, text: formal.reading(of: item.sentence) ?? item.sentence, reference: reference,
                                        source: item.sentence))
                // Arabic, Greek or Persian typed in Latin letters is kept in its own script too, as
                // such a message is read both ways: its rewritten reading then finds examples read
                // the same way. For Arabic, with each writing round held out in turn, this caught
                // 60 of 90 such messages instead of 52, and 25 more danger messages in all
                // languages at the same false alerts.
                if let native = NativeScript.reading(of: item.sentence) {
                    examples.append(Example(category: item.category, text: formal.reading(of: native.text) ?? native.text,
                                            reference: "\(reference) in \(native.script.rawValue) script",
                                            source: item.sentence))
                }
            }
        }
        return examples
    }

    /// Embeds the examples, or reads their embeddings from `cache` when it holds the very same
    /// examples embedded by the very same model (`fingerprint`): embedding two thousand examples
    /// takes half a minute, reading them a few milliseconds.
    public static func build(examples: [Example], fingerprint: String, dimension: Int, cache: URL?,
                             embed: ([String]) -> [Float]) -> SemanticIndex {
        if let cache, let stored = cached(examples, fingerprint: fingerprint, dimension: dimension, in: cache) {
            return SemanticIndex(examples: examples, vectors: stored.vectors, dimension: dimension, boundary: stored.boundary,
                                 characters: stored.characters)
        }
        let vectors = embed(examples.map(\.text))
        let index = SemanticIndex(examples: examples, vectors: vectors, dimension: dimension)
        if let cache {
            writeCache(cache, key: cacheKey(examples: examples, fingerprint: fingerprint, dimension: dimension),
                       vectors: vectors + index.boundary.weights + [index.boundary.bias] + index.characters.stored)
        }
        return index
    }

    /// The examples' embeddings as the model gives them (one row per example), from `cache` when
    /// it is current, else embedded: for measuring the layer on indexes of part of the examples
    /// (`RoundHoldout`).
    public static func embeddings(of examples: [Example], fingerprint: String, dimension: Int, cache: URL?,
                                  embed: ([String]) -> [Float]) -> [Float] {
        if let cache, let stored = cached(examples, fingerprint: fingerprint, dimension: dimension, in: cache) { return stored.vectors }
        return embed(examples.map(\.text))
    }

    /// The embeddings, the boundary and the letters' lean kept in `cache` for exactly these
    /// examples and this model. The two leans are kept after the vectors: fitting them takes some
    /// four seconds, and much longer in a debug build, at every start.
    private static func cached(_ examples: [Example], fingerprint: String, dimension: Int, in cache: URL)
        -> (vectors: [Float], boundary: DangerBoundary, characters: CharacterLean)? {
        let vectorCount = examples.count * dimension
        guard let stored = readCache(cache, key: cacheKey(examples: examples, fingerprint: fingerprint, dimension: dimension),
                                     count: vectorCount + dimension + 1 + CharacterLean.storedCount)
        else { return nil }
        return (Array(stored[..<vectorCount]),
                DangerBoundary(weights: Array(stored[vectorCount..<(vectorCount + dimension)]), bias: stored[vectorCount + dimension]),
                CharacterLean(stored: stored[(vectorCount + dimension + 1)...]))
    }

    /// How close a message is to each kind of example.
    public struct Neighbourhood: Sendable {
        /// Per danger category, the mean similarity of its `k` nearest examples, and the nearest one.
        public var danger: [DangerCategory: (similarity: Float, nearest: Int)] = [:]
        /// The same for ordinary messages.
        public var ordinary: (similarity: Float, nearest: Int) = (0, -1)
        /// The boundary's lean, weighted: what it adds to every category's score.
        public var lean: Float = 0
    }

    /// The `k` nearest examples of each kind to a message's embedding (as the model gives it).
    /// `excluding` leaves out the examples written as exactly this sentence, in both scripts when
    /// one is also kept in its own (`Example.source`), to measure the layer on its own examples
    /// without finding the message itself.
    public func neighbourhood(of embedding: [Float], k: Int, excluding: String? = nil) -> Neighbourhood {
        neighbourhoods(of: [(embedding, excluding)], k: k)[0]
    }

    /// The neighbourhoods of several embeddings (a message's windows, pieces and readings) in one
    /// pass over the examples, shared out over `lanes` cores.
    ///
    /// The pass is the semantic layer's own cost beside the model's, and it is arithmetic, not
    /// memory: 11,700 rows of 384 floats (18 MB) fit in this machine's cache, and reading each row
    /// once for all of a message's parts took as long as one pass per part (bench/README.md).
    /// So each lane searches its own share of the rows, and the shares are merged with earlier
    /// rows first on a tie: the result is the same for any number of lanes. Per row, eight running
    /// sums per dot product, and each kind's nearest in a small sorted buffer, with no allocation
    /// per example.
    public func neighbourhoods(of queries: [(embedding: [Float], excluding: String?)], k: Int,
                               lanes: Int = Self.searchLanes) -> [Neighbourhood] {
        precondition(k > 0 && lanes > 0)
        guard !queries.isEmpty else { return [] }
        let centredQueries = queries.map { centred($0.embedding) }
        let flatQueries = centredQueries.flatMap { $0 }
        let perQuery = Self.kinds.count * k, size = queries.count * perQuery
        // A small index (the tests') is searched on one core: a lane for fewer than some 2,000 dot
        // products would cost more to start than it saves.
        let lanes = max(1, min(lanes, examples.count * queries.count / 2_000))
        // Per lane, query and kind, its k best similarities in descending order (-infinity where
        // not yet filled), and the examples they belong to.
        var similarities = [Float](repeating: -.infinity, count: lanes * size)
        var nearest = [Int](repeating: -1, count: lanes * size)
        similarities.withUnsafeMutableBufferPointer { similarities in
            nearest.withUnsafeMutableBufferPointer { nearest in
                flatQueries.withUnsafeBufferPointer { query in
                    vectors.withUnsafeBufferPointer { all in
                        let memory = SearchMemory(rows: all.baseAddress!, queries: query.baseAddress!,
                                                  similarities: similarities.baseAddress!, nearest: nearest.baseAddress!)
                        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                            search(rows: (examples.count * lane / lanes)..<(examples.count * (lane + 1) / lanes), of: queries, k: k,
                                   in: memory, intoLane: lane * size)
                        }
                    }
                }
            }
        }
        // Each later lane's nearest merged into the first lane's, list by list.
        for lane in 1..<lanes {
            for slot in stride(from: 0, to: size, by: k) {
                let merged = Self.merged(Array(zip(similarities[slot..<slot + k], nearest[slot..<slot + k])),
                                         Array(zip(similarities[lane * size + slot..<lane * size + slot + k],
                                                   nearest[lane * size + slot..<lane * size + slot + k])))
                for (offset, (similarity, index)) in merged.enumerated() {
                    similarities[slot + offset] = similarity
                    nearest[slot + offset] = index
                }
            }
        }
        return centredQueries.indices.map { position in
            var result = Neighbourhood()
            result.lean = boundaryWeight * boundary.lean(centredQueries[position])
            for (kind, category) in Self.kinds.enumerated() {
                let slot = position * perQuery + kind * k
                let found = (slot..<slot + k).filter { nearest[$0] >= 0 }
                guard !found.isEmpty else { continue }
                let mean = found.map { similarities[$0] }.reduce(0, +) / Float(found.count)
                if let category {
                    result.danger[category] = (mean, nearest[slot])
                } else {
                    result.ordinary = (mean, nearest[slot])
                }
            }
            return result
        }
    }

    /// Where one search reads and writes. Each lane writes only its own share of the buffers
    /// (`intoLane`), and all lanes have finished before the buffers are read, which is what makes
    /// handing the raw addresses to the lanes safe.
    private struct SearchMemory: @unchecked Sendable {
        let rows: UnsafePointer<Float>
        let queries: UnsafePointer<Float>
        let similarities: UnsafeMutablePointer<Float>
        let nearest: UnsafeMutablePointer<Int>
    }

    /// One lane's part of the search: each query's k nearest of each kind among `rows`, into the
    /// lane's share of the buffers, which starts at `offset`.
    private func search(rows: Range<Int>, of queries: [(embedding: [Float], excluding: String?)], k: Int,
                        in memory: SearchMemory, intoLane offset: Int) {
        let perQuery = Self.kinds.count * k
        let similarities = memory.similarities + offset, nearest = memory.nearest + offset
        for index in rows {
            let row = memory.rows + index * dimension
            let kindSlot = kindOfExample[index] * k
            for position in queries.indices {
                let similarity = Self.dot(row, memory.queries + position * dimension, dimension)
                let slot = position * perQuery + kindSlot
                guard similarity > similarities[slot + k - 1] else { continue }
                if let excluding = queries[position].excluding, examples[index].source == excluding { continue }
                var place = slot + k - 1
                while place > slot, similarities[place - 1] < similarity {
                    similarities[place] = similarities[place - 1]
                    nearest[place] = nearest[place - 1]
                    place -= 1
                }
                similarities[place] = similarity
                nearest[place] = index
            }
        }
    }

    /// The cores the search over the examples is shared out over: the machine's, up to four.
    public static let searchLanes = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), 4)

    /// The best of two descending lists of the same length, the first list's entry first on a
    /// tie (its rows come earlier, as one pass over all rows would keep them).
    static func merged(_ first: [(Float, Int)], _ second: [(Float, Int)]) -> [(Float, Int)] {
        var result: [(Float, Int)] = [], a = 0, b = 0
        while result.count < first.count {
            if b >= second.count || (a < first.count && first[a].0 >= second[b].0) {
                result.append(first[a])
                a += 1
            } else {
                result.append(second[b])
                b += 1
            }
        }
        return result
    }

    /// The kinds of example in a fixed order: every danger category, then ordinary messages.
    static let kinds: [DangerCategory?] = DangerCategory.allCases.map(Optional.some) + [nil]

    static func kind(of category: DangerCategory?) -> Int {
        kinds.firstIndex(of: category)!
    }

    /// The dot product of two rows, in eight running sums (the compiler may not reorder a
    /// floating-point sum by itself, so one running sum waits for each multiplication in turn).
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0, s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var d = 0
        while d + 8 <= count {
            s0 += x[d] * y[d]
            s1 += x[d + 1] * y[d + 1]
            s2 += x[d + 2] * y[d + 2]
            s3 += x[d + 3] * y[d + 3]
            s4 += x[d + 4] * y[d + 4]
            s5 += x[d + 5] * y[d + 5]
            s6 += x[d + 6] * y[d + 6]
            s7 += x[d + 7] * y[d + 7]
            d += 8
        }
        var sum = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
        while d < count {
            sum += x[d] * y[d]
            d += 1
        }
        return sum
    }

    // MARK: - Cache

    /// Names the cache's layout and what the stored boundary and letters' lean were fitted with.
    private static let cacheMagic = "mentorbot-semantic-index-3 share \(languageShare) shrinkage \(DangerBoundary.shrinkage)"
        + " letters \(CharacterLean.shortestPiece)-\(CharacterLean.longestPiece) buckets \(CharacterLean.buckets) plain spelling 1 words 1-2 penalty \(CharacterLean.inversePenalty)"

    static func cacheKey(examples: [Example], fingerprint: String, dimension: Int) -> String {
        var hash = SHA256()
        for part in [cacheMagic, fingerprint, String(dimension)] + examples.flatMap({ [$0.category?.rawValue ?? "ok", $0.text] }) {
            hash.update(data: Data(part.utf8 + [0]))
        }
        return "\(cacheMagic) \(fingerprint) \(examples.count) \(Data(hash.finalize()).base64EncodedString())"
    }

    private static func readCache(_ url: URL, key: String, count: Int) -> [Float]? {
        guard let data = try? Data(contentsOf: url), let newline = data.firstIndex(of: 0x0A),
              String(decoding: data[data.startIndex..<newline], as: UTF8.self) == key,
              data.count - (newline + 1) == count * MemoryLayout<Float>.size
        else { return nil }
        var vectors = [Float](repeating: 0, count: count)
        _ = vectors.withUnsafeMutableBytes { data[(newline + 1)...].copyBytes(to: $0) }
        return vectors
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a cache.
    private static func writeCache(_ url: URL, key: String, vectors: [Float]) {
        var data = Data((key + "\n").utf8)
        vectors.withUnsafeBytes { data.append(contentsOf: $0) }
        let temporary = url.appendingPathExtension("tmp-\(getpid())")
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}
