import Testing
@testable import Safeguarding

/// A laugh in a short message makes a phrase match a likely figure of speech: it then asks
/// unless the model reads the message as danger. Laughter never silences a message.
@Suite struct LaughterTests {
    @Test(arguments: ["la jefa me va a matar jajaja", "mi ammazza ahahah", "locked myself out lol", "o chefe vai me matar kkkk",
                      "je vais le tuer mdr", "رح اذبحك ههههه", "میکشمت خخخخ", "θα με σκοτώσει χαχαχα", "sportlovet dödar mig haha",
                      "mesuesja do me vrase 😅", "meine mama bringt mich um 😂", "THE BOSS WILL KILL ME HAHA"])
    func aShortMessageThatLaughsIsSeen(_ message: String) {
        #expect(Laughter.isIn(message))
    }

    @Test(arguments: ["he will kill me", "jaja er bringt mich um", "ich hab ha gesagt", "aha ok", "she has a headache",
                      "thank you 😊", "kk", "he said he will come back tonight and then he will finally finish with me, i know it, the whole street knows him lol"])
    func wordsThatOnlyLookLikeLaughterOrALongMessageAreNot(_ message: String) {
        // "jaja" is German and Dutch for "yes, yes"; a plain smile closes sad messages too; a
        // longer message can laugh about one thing and tell of another.
        #expect(!Laughter.isIn(message))
    }

    @Test func aLongerMessageLaughsBesideAPhraseOnlyInTheSameSentenceAndNearIt() {
        let cases: [(language: String, message: String, laughs: Bool)] = [
            // The joke and its laugh in one sentence, among other news: the phrase is doubted.
            ("pt", "minha chefe vai me matar kkkk derrubei uma bandeja inteira de pastéis no chão num sábado cheio. "
                + "mas ela riu e disse que na primeira semana dela foi pior. e meu irmão passou no vestibular", true),
            // A laughing face closes the joke's sentence too.
            ("fr", "mon patron va me tuer je te jure 😂 j'ai renversé tout le café sur le comptoir ce matin, "
                + "et il a fallu tout nettoyer avant l'ouverture du magasin", true),
            // The laugh is about other news, in another sentence: the phrase is not doubted.
            ("en", "we went bowling with the class and i won lol. "
                + "but the man from the old job is waiting outside my building again and i am scared to go home tonight", false),
            // In the same unpunctuated run but far from the phrase: not about it.
            ("en", "haha the party was so good and everybody danced until late and the food was amazing and my cousin sang "
                + "all night and the neighbours came too and then on the way home i saw that he is waiting outside my building again", false),
        ]
        for (language, message, laughs) in cases {
            #expect(ScreeningTests.screener.screen(message, language: language)?.laughs == laughs, "\(language): \(message)")
        }
    }

    @Test func aPhraseInALaughingMessageAsksUnlessTheModelReadsDanger() {
        let thresholds = SemanticThresholds()
        let joke = ScreeningResult(category: .threat, phrase: "mi ammazza", language: "it", line: 65, laughs: true)
        let plain = ScreeningResult(category: .threat, phrase: "mi ammazza", language: "it", line: 65)
        // Nearer ordinary talk, but not by the calibrated doubt: a plain phrase alerts, a laughing one asks.
        let nearOrdinary = SemanticMatch(category: .threat, score: thresholds.phraseDoubt / 2, nearest: "it.chat.txt:3")
        #expect(Assessment(phrase: plain, semantic: nearOrdinary, thresholds: thresholds).level == .alert)
        let asked = Assessment(phrase: joke, semantic: nearOrdinary, thresholds: thresholds)
        #expect(asked.level == .ask && asked.category == .threat)
        // Read as nearer danger, the laugh does not matter: nervous laughter around real danger alerts.
        let nearDanger = SemanticMatch(category: .threat, score: 0.001, nearest: "it.chat.txt:4")
        #expect(Assessment(phrase: joke, semantic: nearDanger, thresholds: thresholds).level == .alert)
        // Too short for the model to read: the phrase alone decides, laugh or not.
        #expect(Assessment(phrase: joke, semantic: nil, thresholds: thresholds).level == .alert)
        // A doubt placed above the laughing one still rules.
        let doubtful = SemanticThresholds(phraseDoubt: 0.01)
        #expect(Assessment(phrase: plain, semantic: nearDanger, thresholds: doubtful).level == .ask)
    }

    @Test func screeningSaysWhetherTheMatchedMessageLaughs() throws {
        let screener = ScreeningTests.screener
        #expect(try #require(screener.screen("la jefa me va a matar jajaja", language: "es")).laughs)
        #expect(try #require(screener.screen("me va a matar, tengo miedo", language: "es")).laughs == false)
        // A short call for help is asked about whatever: its laugh is not looked at.
        #expect(screener.screen("help me lol", language: "en").map(\.laughs) != true)
    }
}
