import Foundation
import Testing
@testable import Safeguarding

/// The straight boundary between all danger and all ordinary examples, on hand-made embeddings
/// (no model needed): where it lies, that it tips a message the nearest examples are unsure about,
/// and that it travels in the cache with the examples' embeddings.
@Suite struct DangerBoundaryTests {
    /// Danger along the first axis, ordinary talk along the second, with some spread on the third.
    static func row(_ category: DangerCategory?, _ line: Int, _ vector: [Float]) -> (SemanticIndex.Example, [Float]) {
        (SemanticIndex.Example(category: category, text: "example \(line)", reference: "a.chat.txt:\(line)"), SemanticIndex.normalised(vector))
    }
    static let rows = [row(.threat, 1, [1, 0, 0.3]), row(.threat, 2, [0.9, 0.1, -0.3]), row(.crisis, 3, [0.8, 0.2, 0.1]),
                       row(nil, 4, [0, 1, 0.3]), row(nil, 5, [0.1, 0.9, -0.3]), row(nil, 6, [0.2, 0.8, -0.1])]

    @Test func theBoundaryLiesBetweenDangerAndOrdinaryTalk() {
        let boundary = DangerBoundary.fitted(vectors: Self.rows.flatMap(\.1), isDanger: Self.rows.map { $0.0.category != nil }, dimension: 3)
        for (example, vector) in Self.rows {
            #expect((boundary.lean(vector) > 0) == (example.category != nil), "\(example.text): \(boundary.lean(vector))")
        }
        // The nearer danger a message is, the more it leans that way; nothing at all leans nowhere.
        let leans = [0.9, 0.7, 0.5, 0.3, 0.1].map { boundary.lean(SemanticIndex.normalised([Float($0), Float(1 - $0), 0])) }
        #expect(leans == leans.sorted(by: >), "\(leans)")
        #expect(boundary.lean([0, 0, 0]) == 0, "an embedding of zeros (the engine failed) leans nowhere")
        // Without one of the two kinds there is no boundary to draw.
        let onlyDanger = DangerBoundary.fitted(vectors: Self.rows.prefix(3).flatMap(\.1), isDanger: [true, true, true], dimension: 3)
        #expect(onlyDanger == .neutral(dimension: 3))
    }

    @Test func theSolverSolvesASymmetricSystem() throws {
        // [[4, 2], [2, 3]] · [1, 2] = [8, 8]
        let solution = try #require(DangerBoundary.solveSymmetricPositive([4, 2, 2, 3], [8, 8], dimension: 2))
        #expect(abs(solution[0] - 1) < 1e-12 && abs(solution[1] - 2) < 1e-12, "\(solution)")
        #expect(DangerBoundary.solveSymmetricPositive([1, 2, 2, 1], [1, 1], dimension: 2) == nil, "not positive definite")
    }

    @Test func theBoundaryTipsTheNearestExamplesScoreByItsWeight() throws {
        let examples = Self.rows.map(\.0), vectors = Self.rows.flatMap(\.1)
        let nearestOnly = SemanticIndex(examples: examples, vectors: vectors, dimension: 3, languageShare: 0, boundaryWeight: 0)
        let withBoundary = SemanticIndex(examples: examples, vectors: vectors, dimension: 3, languageShare: 0, boundaryWeight: 0.05)
        // A message the nearest examples find about as near danger as ordinary talk, on the danger side of the spread.
        let message = SemanticIndex.normalised([0.5, 0.5, 0.4])
        let plain = try #require(SemanticScreener.strongestDanger(in: nearestOnly.neighbourhood(of: message, k: 2), index: nearestOnly))
        let tipped = try #require(SemanticScreener.strongestDanger(in: withBoundary.neighbourhood(of: message, k: 2), index: withBoundary))
        let lean = withBoundary.boundary.lean(message)
        #expect(lean != 0)
        #expect(abs(tipped.score - (plain.score + 0.05 * Double(lean))) < 1e-6, "plain \(plain.score), tipped \(tipped.score), lean \(lean)")
        #expect(tipped.category == plain.category, "the nearest examples still say which danger")
    }

    @Test func theCacheKeepsTheBoundaryWithTheEmbeddings() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("boundary-\(UUID().uuidString).cache")
        defer { try? FileManager.default.removeItem(at: cache) }
        let examples = Self.rows.map(\.0), vectors = Self.rows.flatMap(\.1)
        var embedded = 0
        let embed = { (texts: [String]) -> [Float] in embedded += texts.count; return vectors }
        let first = SemanticIndex.build(examples: examples, fingerprint: "toy", dimension: 3, cache: cache, embed: embed)
        let second = SemanticIndex.build(examples: examples, fingerprint: "toy", dimension: 3, cache: cache, embed: embed)
        #expect(embedded == examples.count, "the second index is read from the cache")
        #expect(second.boundary == first.boundary)
        #expect(first.boundary != .neutral(dimension: 3))
    }
}
