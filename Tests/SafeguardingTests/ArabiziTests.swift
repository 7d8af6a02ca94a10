import Testing
@testable import Safeguarding

/// Arabic typed in Latin letters and digits: found in the ways people write it, not in other
/// languages' numbers and units, and rewritten in Arabic letters for the model.
@Suite struct ArabiziTests {
    @Test(arguments: ["3andi maw3ed bel IND el jem3a", "ana ta3bana ktir w ma 3am ba2dar nam",
                      "wallah el siyam hon 3am y2atelni", "sa7bi 9al li ghadi ykhdem m3ah", "enta fein? ana mestaniyak ta7t"])
    func arabicInLatinLettersIsFound(text: String) {
        #expect(Arabizi.isArabizi(text), "\(text)")
    }

    @Test(arguments: ["meet at 3pm on the 2nd floor", "ich bin 25 jahre alt und wohne in 1030 wien",
                      "kalimera, 8a pame stis 7 to apogeuma?", "mikham 5 shanbe beram doktor", "my number is 0176 2356 7799",
                      "the 5th and the 23rd, room b7", "ci vediamo alle 9 e mezza"])
    func otherLanguagesNumbersAndUnitsAreNot(text: String) {
        #expect(!Arabizi.isArabizi(text), "\(text)")
    }

    @Test func wordsAreRewrittenLetterByLetterWithTheShortVowelsLeftOut() {
        #expect(Arabizi.inArabicScript("3andi maw3ed") == "عندي موعد")
        #expect(Arabizi.inArabicScript("ana ta7t el beit") == "انا تحت البيت")
        // The article typed apart is joined to its word, as Arabic writes it; "ال" inside a word stays.
        #expect(Arabizi.inArabicScript("el 7ar 3am y2atelni") == "الحر عم يقتلني")
        #expect(Arabizi.inArabicScript("al bab, el") == "البب, ال")
        #expect(Arabizi.inArabicScript("malak el") == "ملك ال")
        #expect(Arabizi.inArabicScript("shu 5abarak?") == "شو خبرك?")
        // Capitalised words (names, offices, brands) and everything that is not a word stay as written.
        #expect(Arabizi.inArabicScript("maw3ed bel IND, 10:30 😊") == "موعد بل IND, 10:30 😊")
    }

    /// In the dialects most Arabizi is typed in (Levantine, Egyptian), "2" is the glottal stop
    /// said for ق far more often than a hamza: "y2atelni" is يقتلني (he kills me), which the
    /// model and the Arabic list know, not يءتلني.
    @Test func twoIsWrittenAsQaf() {
        #expect(Arabizi.inArabicScript("ra7 y2atelni") == "رح يقتلني")
        #expect(Arabizi.inArabicScript("2olt") == "قولت")
    }
}
