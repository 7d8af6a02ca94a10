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

    @Test func theDotProductAddsEveryLane() {
        for count in [0, 1, 7, 8, 9, 16, 17, 384] {
            let x = (0..<count).map { Float($0 + 1) }, y = (0..<count).map { _ in Float(2) }
            let dot = x.withUnsafeBufferPointer { a in y.withUnsafeBufferPointer { b in SemanticIndex.dot(a.baseAddress ?? UnsafePointer(bitPattern: 8)!, b.baseAddress ?? UnsafePointer(bitPattern: 8)!, count) } }
            #expect(dot == Float(count * (count + 1)), "\(count) lanes")
        }
    }
}
