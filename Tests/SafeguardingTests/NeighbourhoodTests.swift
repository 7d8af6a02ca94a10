import Foundation
import Testing
@testable import Safeguarding

/// The search for each kind's nearest examples, which runs over every example for every message,
/// checked against the plain definition on random embeddings (no model needed).
@Suite struct NeighbourhoodTests {
    /// A reproducible generator, so that a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The k most similar examples of each kind, by sorting all of them.
    static func reference(_ index: SemanticIndex, _ query: [Float], k: Int, excluding: String?) -> [DangerCategory?: [Float]] {
        let vector = index.centred(query)
        var byKind: [DangerCategory?: [Float]] = [:]
        for (position, example) in index.examples.enumerated() where example.text != excluding {
            let row = index.vectors[(position * index.dimension)..<((position + 1) * index.dimension)]
            byKind[example.category, default: []].append(zip(row, vector).map { Float($0 * $1) }.reduce(0, +))
        }
        return byKind.mapValues { Array($0.sorted(by: >).prefix(k)) }
    }

    @Test(arguments: [(dimension: 384, k: 5), (dimension: 21, k: 3), (dimension: 7, k: 1)])
    func theNearestOfEachKindAreThoseASortWouldFind(dimension: Int, k: Int) throws {
        var random = SplitMix(state: UInt64(dimension * 100 + k))
        let kinds: [DangerCategory?] = [.threat, .crisis, .selfHarm, nil]
        var examples: [SemanticIndex.Example] = [], vectors: [Float] = []
        for line in 1...300 {
            // Some kinds with fewer examples than k, and repeated texts, as real example files have.
            let category = line % 97 == 0 ? DangerCategory.documentsTaken : kinds[line % kinds.count]
            examples.append(SemanticIndex.Example(category: category, text: "example \(line % 250)", reference: "xx.chat.txt:\(line)"))
            vectors += SemanticIndex.normalised((0..<dimension).map { _ in Float.random(in: -1...1, using: &random) })
        }
        let index = SemanticIndex(examples: examples, vectors: vectors, dimension: dimension, languageShare: 0, boundaryWeight: 0)
        for round in 0..<20 {
            let query = SemanticIndex.normalised((0..<dimension).map { _ in Float.random(in: -1...1, using: &random) })
            let excluding = round % 2 == 0 ? nil : examples[round * 7].text
            let found = index.neighbourhood(of: query, k: k, excluding: excluding)
            let expected = Self.reference(index, query, k: k, excluding: excluding)
            for (category, similarities) in expected {
                let mean = similarities.reduce(0, +) / Float(similarities.count)
                let got = try #require(category.map { found.danger[$0]?.similarity } ?? found.ordinary.similarity, "\(String(describing: category))")
                #expect(abs(got - mean) < 1e-4, "\(String(describing: category)): \(got) against \(mean)")
                let nearest = category.map { found.danger[$0]!.nearest } ?? found.ordinary.nearest
                #expect(examples[nearest].category == category && examples[nearest].text != excluding)
                let nearestRow = Array(index.vectors[(nearest * dimension)..<((nearest + 1) * dimension)])
                let nearestSimilarity = zip(nearestRow, index.centred(query)).map { $0 * $1 }.reduce(0, +)
                #expect(abs(nearestSimilarity - similarities[0]) < 1e-4, "the nearest is the most similar")
            }
            #expect(found.danger.count == expected.keys.compactMap { $0 }.count, "no kind without examples")
        }
    }

    /// A message's parts are searched in one pass: each part must get what it would alone,
    /// whatever the other parts are and leave out.
    @Test func partsSearchedTogetherFindWhatEachFindsAlone() {
        var random = SplitMix(state: 42)
        let dimension = 24, kinds: [DangerCategory?] = [.threat, .selfHarm, nil]
        var examples: [SemanticIndex.Example] = [], vectors: [Float] = []
        for line in 1...200 {
            examples.append(SemanticIndex.Example(category: kinds[line % kinds.count], text: "example \(line % 150)", reference: "xx.chat.txt:\(line)"))
            vectors += SemanticIndex.normalised((0..<dimension).map { _ in Float.random(in: -1...1, using: &random) })
        }
        let index = SemanticIndex(examples: examples, vectors: vectors, dimension: dimension, languageShare: 0.5, boundaryWeight: 0.01)
        let queries: [(embedding: [Float], excluding: String?)] = (0..<7).map { part in
            (SemanticIndex.normalised((0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }), part % 3 == 0 ? examples[part * 11].text : nil)
        }
        let together = index.neighbourhoods(of: queries, k: 4)
        #expect(together.count == queries.count)
        for (query, found) in zip(queries, together) {
            let alone = index.neighbourhood(of: query.embedding, k: 4, excluding: query.excluding)
            #expect(found.ordinary.similarity == alone.ordinary.similarity && found.ordinary.nearest == alone.ordinary.nearest)
            #expect(found.lean == alone.lean)
            #expect(found.danger.mapValues(\.similarity) == alone.danger.mapValues(\.similarity))
            #expect(found.danger.mapValues(\.nearest) == alone.danger.mapValues(\.nearest))
        }
        #expect(index.neighbourhoods(of: [], k: 4).isEmpty)
    }

    /// The search shared out over several cores finds exactly what one core finds, ties included
    /// (the earlier example first): repeated example vectors make ties at every split.
    @Test(arguments: [2, 3, 4])
    func sharingTheSearchOverCoresChangesNothing(lanes: Int) {
        var random = SplitMix(state: UInt64(lanes))
        let dimension = 16, kinds: [DangerCategory?] = [.threat, .crisis, nil]
        var examples: [SemanticIndex.Example] = [], vectors: [Float] = [], distinct: [[Float]] = []
        for _ in 0..<40 { distinct.append(SemanticIndex.normalised((0..<dimension).map { _ in Float.random(in: -1...1, using: &random) })) }
        for line in 0..<3_000 {
            examples.append(SemanticIndex.Example(category: kinds[line % kinds.count], text: "example \(line % 900)", reference: "xx.chat.txt:\(line)"))
            vectors += distinct[line % distinct.count]
        }
        let index = SemanticIndex(examples: examples, vectors: vectors, dimension: dimension, languageShare: 0, boundaryWeight: 0)
        let queries: [(embedding: [Float], excluding: String?)] = (0..<5).map { part in
            (SemanticIndex.normalised((0..<dimension).map { _ in Float.random(in: -1...1, using: &random) }), part == 2 ? "example 17" : nil)
        }
        let oneCore = index.neighbourhoods(of: queries, k: 5, lanes: 1)
        let shared = index.neighbourhoods(of: queries, k: 5, lanes: lanes)
        for (alone, together) in zip(oneCore, shared) {
            #expect(together.ordinary.similarity == alone.ordinary.similarity && together.ordinary.nearest == alone.ordinary.nearest)
            #expect(together.danger.mapValues(\.similarity) == alone.danger.mapValues(\.similarity))
            #expect(together.danger.mapValues(\.nearest) == alone.danger.mapValues(\.nearest))
        }
    }

    @Test func mergingKeepsTheBestAndTheEarlierOnATie() {
        let first: [(Float, Int)] = [(0.9, 1), (0.5, 2), (0.5, 3)], second: [(Float, Int)] = [(0.9, 7), (0.6, 8), (0.1, 9)]
        #expect(SemanticIndex.merged(first, second).map(\.1) == [1, 7, 8])
        let unfilled: [(Float, Int)] = [(0.4, 4), (-.infinity, -1), (-.infinity, -1)]
        #expect(SemanticIndex.merged(unfilled, second).map(\.1) == [7, 8, 4])
    }

    @Test func theDotProductAddsEveryLane() {
        for count in [0, 1, 7, 8, 9, 16, 17, 384] {
            let x = (0..<count).map { Float($0 + 1) }, y = (0..<count).map { _ in Float(2) }
            let dot = x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in SemanticIndex.dot(a.baseAddress ?? UnsafePointer(bitPattern: 8)!, b.baseAddress ?? UnsafePointer(bitPattern: 8)!, count) } }
            #expect(dot == Float(count * (count + 1)), "\(count) lanes")
        }
    }
}
