import Foundation
import Testing
@testable import Safeguarding

/// The letters' lean (`CharacterLean`) on small hand-written sets, no model needed: the pieces it
/// reads, that it learns spellings a new message shares with danger or with ordinary talk, that its
/// minimiser finds the minimum, and that it travels in the cache with the embeddings.
@Suite struct CharacterLeanTests {
    static let danger = ["ana khayfa bzaf", "khayfa menno bzaf", "rani khayef bzaf mn lboss", "hada rajel khatar 3lia",
                         "ma3andish wraq, 5dahom", "5adou passport dyali"]
    static let ordinary = ["shukran 3la lmoussa3ada", "ghadi nji ghedda", "lkhedma mzyana lyoum", "shukran bzaf 3la koulshi",
                           "nchoufek ghedda inshallah", "lyoum jat lwalida"]

    @Test func aWordIsReadInPiecesOfTwoToFourLettersWithTheSpacesAroundIt() {
        // " bzaf " gives 5 pieces of two letters, 4 of three and 3 of four.
        #expect(CharacterLean.counts(of: "bzaf").pieces.values.reduce(0, +) == 12)
        // Letter case does not matter, and two words give the pieces of each.
        #expect(CharacterLean.counts(of: "BZAF") == CharacterLean.counts(of: "bzaf"))
        #expect(CharacterLean.counts(of: "bzaf bzaf").pieces.values.reduce(0, +) == 24)
        // A one-letter word is too short for a piece of four: " a " gives two and one.
        #expect(CharacterLean.counts(of: "a").pieces.values.reduce(0, +) == 3)
        // Arabic script is read by its letters too: " خايفة " has 7, so 6 + 5 + 4 pieces.
        let arabic: Int = CharacterLean.counts(of: "خايفة").pieces.values.reduce(0, +)
        #expect(arabic == 15)
    }

    @Test func wordsAndPairsOfNeighbouringWordsAreReadBesideThePieces() {
        // Four words and three pairs.
        #expect(CharacterLean.counts(of: "i still owe them").words.count == 7)
        #expect(CharacterLean.counts(of: "owe owe").words.values.reduce(0, +) == 3)
        // Read without the marks around them, which still count among the pieces.
        #expect(CharacterLean.counts(of: "owe, them!").words == CharacterLean.counts(of: "owe them").words)
        #expect(CharacterLean.counts(of: "owe, them!").pieces != CharacterLean.counts(of: "owe them").pieces)
        // Digits belong to a word, as Arabic in Latin letters writes them.
        #expect(CharacterLean.counts(of: "ma 3andi").words.count == 3)
        // A word is not one of its own pieces: " ab " and the word "ab" fall apart.
        #expect(Set(CharacterLean.counts(of: "ab").words.keys).isDisjoint(with: CharacterLean.counts(of: "ab").pieces.keys))
    }

    @Test func theWaysChatSpellsOneWordGiveTheSamePieces() {
        func same(_ one: String, _ other: String) {
            #expect(CharacterLean.counts(of: one) == CharacterLean.counts(of: other), "\(one) / \(other)")
        }
        same("déjà payé", "deja paye")  // accents
        same("Φοβάμαι πολύ", "φοβαμαι πολυ")  // Greek accents
        same("παιδιά μας", "παιδια μασ")  // final sigma
        same("أخذوا جوازي", "اخذوا جوازي")  // hamza on alef
        same("خَايْفَة", "خايفه")  // vowel marks, ة written ه
        same("عليّ", "علي")  // shadda
        same("مشى", "مشي")  // alef maqsura
        same("می‌ترسم", "میترسم")  // the Persian half-space
        same("کمک کنید", "كمك كنيد")  // Persian kaf and yeh against the Arabic ones
        same("كتييييير", "كتير")  // stretched
        same("كـتـير", "كتير")  // the stretching line
        same("pleeeease", "please")
        same("٣ ايام", "3 ايام")  // Arabic digits
        same("۳ روز", "3 روز")  // Persian digits
        // Two letters in a row are a spelling of their own ("good" is not "god").
        #expect(CharacterLean.counts(of: "good") != CharacterLean.counts(of: "god"))
        // An invisible character does not split a word, nor make one.
        same("kha\u{200B}yfa", "khayfa")
    }

    @Test func itLearnsTheSpellingsDangerSharesAcrossMessages() {
        let lean = CharacterLean.fitted(texts: Self.danger + Self.ordinary,
                                        isDanger: Self.danger.map { _ in true } + Self.ordinary.map { _ in false })
        for text in Self.danger { #expect(lean.lean(of: text) > 0, "\(text): \(lean.lean(of: text))") }
        for text in Self.ordinary { #expect(lean.lean(of: text) < 0, "\(text): \(lean.lean(of: text))") }
        // New messages, spelt as the examples are: the pieces they share decide.
        #expect(lean.lean(of: "wallah khayfa") > 0, "\(lean.lean(of: "wallah khayfa"))")
        #expect(lean.lean(of: "shukran ghedda") < 0, "\(lean.lean(of: "shukran ghedda"))")
        // The same weights every time.
        #expect(lean == CharacterLean.fitted(texts: Self.danger + Self.ordinary,
                                             isDanger: Self.danger.map { _ in true } + Self.ordinary.map { _ in false }))
    }

    @Test func aPieceFromASingleExampleCountsForNothing() {
        let lean = CharacterLean.fitted(texts: Self.danger + Self.ordinary,
                                        isDanger: Self.danger.map { _ in true } + Self.ordinary.map { _ in false })
        // "xq" and "qx" appear in no example: only the bias is left.
        #expect(lean.lean(of: "xqxq") == lean.bias)
        #expect(lean.lean(of: "") == lean.bias)
    }

    @Test func withoutBothKindsItLeansNowhere() {
        let onlyDanger = CharacterLean.fitted(texts: Self.danger, isDanger: Self.danger.map { _ in true })
        #expect(onlyDanger == .neutral)
        #expect(onlyDanger.lean(of: "ana khayfa") == 0)
    }

    @Test func theMinimiserFindsTheMinimum() {
        // One feature, seen with danger three times and with ordinary talk once, each kind weighing
        // the same: the loss ½w² + C(3·s₁·log(1+e^-(w+b)) + s₀·log(1+e^(w+b))) with the bias free.
        let rows: [[(bucket: Int, value: Float)]] = [[(0, 1)], [(0, 1)], [(0, 1)], [(0, 1)], [(1, 1)]]
        let labels: [Double] = [1, 1, 1, -1, -1]
        let problem = LogisticProblem(rows: rows, labels: labels, sampleWeights: [1, 1, 1, 1, 1], inversePenalty: 3, dimension: 2)
        let solution = problem.minimised()
        let (loss, gradient) = problem.evaluate(solution)
        #expect(gradient.allSatisfy { abs($0) < 1e-3 }, "\(gradient)")
        // Any step away costs more.
        for offset in [[0.1, 0, 0], [-0.1, 0, 0], [0, 0.1, 0], [0, 0, 0.1], [0, 0, -0.1]] {
            #expect(problem.evaluate(zip(solution, offset).map { $0 + $1 }).loss > loss)
        }
        #expect(solution[0] > 0 && solution[1] < 0, "the danger feature leans to danger: \(solution)")
    }

    @Test func theCacheKeepsTheLettersLeanWithTheEmbeddings() throws {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("letters-\(UUID().uuidString).cache")
        defer { try? FileManager.default.removeItem(at: cache) }
        let texts = Self.danger + Self.ordinary
        let examples = texts.enumerated().map { position, text in
            SemanticIndex.Example(category: position < Self.danger.count ? .threat : nil, text: text, reference: "ar.chat.txt:\(position + 1)")
        }
        let vectors = texts.indices.flatMap { position in SemanticIndex.normalised([Float(position % 3) + 1, Float(position % 5), 1]) }
        var embedded = 0
        let embed = { (batch: [String]) -> [Float] in embedded += batch.count; return vectors }
        let first = SemanticIndex.build(examples: examples, fingerprint: "toy", dimension: 3, cache: cache, embed: embed)
        let second = SemanticIndex.build(examples: examples, fingerprint: "toy", dimension: 3, cache: cache, embed: embed)
        #expect(embedded == examples.count, "the second index is read from the cache")
        #expect(second.characters == first.characters)
        #expect(first.characters.lean(of: "ana khayfa") > 0)
        #expect(second.characterLean(of: "ana khayfa") == SemanticIndex.characterWeight * first.characters.lean(of: "ana khayfa"))
    }

    @Test func theLettersTipTheScoreByTheirWeight() throws {
        let texts = Self.danger + Self.ordinary
        let examples = texts.enumerated().map { position, text in
            SemanticIndex.Example(category: position < Self.danger.count ? .threat : nil, text: text, reference: "ar.chat.txt:\(position + 1)")
        }
        let vectors = texts.indices.flatMap { position in SemanticIndex.normalised([position < Self.danger.count ? 1 : 0.2, 0.5, Float(position % 3)]) }
        let without = SemanticIndex(examples: examples, vectors: vectors, dimension: 3, characterWeight: 0)
        let with = SemanticIndex(examples: examples, vectors: vectors, dimension: 3)
        let message = SemanticIndex.normalised([0.6, 0.5, 1])
        let plain = try #require(SemanticScreener.strongestDanger(in: without.neighbourhood(of: message, k: 2), of: "ana khayfa", index: without))
        let tipped = try #require(SemanticScreener.strongestDanger(in: with.neighbourhood(of: message, k: 2), of: "ana khayfa", index: with))
        #expect(without.characterLean(of: "ana khayfa") == 0)
        let lean = with.characterLean(of: "ana khayfa")
        #expect(lean > 0)
        #expect(abs(tipped.score - (plain.score + Double(lean))) < 1e-6, "plain \(plain.score), tipped \(tipped.score), lean \(lean)")
    }
}
