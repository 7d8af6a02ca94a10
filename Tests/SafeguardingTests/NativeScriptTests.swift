import Testing
@testable import Safeguarding

/// Greek, Persian and digitless Arabic typed in Latin letters: found by their everyday words, not
/// in the other languages' messages, and rewritten in their own script for the model (Arabic's
/// rewriting and its finding by digits are tested in `ArabiziTests`).
@Suite struct NativeScriptTests {
    @Test(arguments: ["fovamai na vgw apo to spiti, kapoios me akolouthaei", "o afentikos mou pire to diavatirio k den to dinei",
                      "den thelw allo prwi, eimai poly kourasmeni", "exw 8ema me ti douleia, m eipan oti xrwstaw lefta"])
    func greekInLatinLettersIsFound(text: String) {
        #expect(NativeScript.reading(of: text)?.script == .greek, "\(text)")
    }

    @Test(arguments: ["kheili mitarsam az khoone biroon beram", "sahebkar pasportamo gerefte va pas nemide",
                      "ma da khana mitarsom, goftan agar gap bezanom kar-e mara tamom mikonan", "dige nemikham sob beshe"])
    func persianInLatinLettersIsFound(text: String) {
        #expect(NativeScript.reading(of: text)?.script == .persian, "\(text)")
    }

    /// One marker confirmed by two words the language shares with others ("sto", "gia", "den";
    /// "tu", "ba", "man"): before, such messages needed two markers and were read only as typed.
    @Test(arguments: [("eida ton typo sto metro", NativeScript.greek), ("o gios pige sto sxoleio gia prwti fora", .greek),
                      ("dishab tu park bud, man ba bache-ha", .persian), ("tu istgah man ra didan", .persian)])
    func oneMarkerConfirmedBySharedWordsIsFound(text: String, script: NativeScript) {
        #expect(NativeScript.reading(of: text)?.script == script, "\(text)")
    }

    @Test func sharedWordsAloneAreNotEnough() {
        // Only words Greek or Persian share with other languages: no marker, no second reading.
        #expect(NativeScript.reading(of: "den ta alla mas oi ton") == nil)
        #expect(NativeScript.reading(of: "man tu ba ra be in to da") == nil)
    }

    /// Arabic typed without digits, which `Arabizi.isArabizi` cannot find by them.
    @Test(arguments: ["ana khayfa bzaf, rajli kaygoul ghadi ykhrjni mn dar", "khalas ma baddi kammel, kel shi tqil ktir",
                      "mesh 'arfa a'mel eh, ana ta'bana awi", "shlon agdar arja, kulish khayef mnnhum",
                      // Gulf, Iraqi and Tunisian everyday words, typed without digits
                      "el kafil ma yintini jawazi, yqool baadain", "khayef barcha, ma naaref kolchi",
                      "walakin el mudeer ygool lazim nishtaghil kil yom"])
    func arabicInLatinLettersWithoutDigitsIsFound(text: String) {
        #expect(NativeScript.reading(of: text)?.script == .arabic, "\(text)")
    }

    /// Sentences of the other languages the bot serves, with the words they share with Greek,
    /// Persian or Arabic as typed in Latin letters ("me", "to", "na", "den", "mano", "tu", "alla",
    /// "ana", "hon", "el").
    @Test(arguments: ["tell me to come to the station at 5", "ich habe den termin morgen, alla gut",
                      "ci vediamo alla stazione, la mia mano mi fa male", "jag har inte sett den men det är ok",
                      "na shtepi me motren, nuk kam kohe sot", "tu as vu le mentor hier soir?",
                      "quiero dar las gracias a mi mentora", "eu vou ao centro de saúde amanhã com a minha mãe",
                      "ik ga morgen met de trein naar de stad", "ana ta3bana ktir w ma 3am bnam mnih",
                      "nga ana tjeter e rruges, mos u merzit", "hon kommer hem sent ikväll, hon har kurs",
                      "el lunes voy con ana al centro, inshallah todo bien",
                      "se eu me for embora ele diz que sou deportada", "sto bene, ma mi manca mia mamma, ciao a tutti",
                      "alla mina vänner var där, men inte jag", "tu es trop gentil, merci pour ton aide",
                      "ya no tengo mas dinero para la renta, ma mi madre me ayuda"])
    func otherLanguagesAreNotTakenForGreekPersianOrArabic(text: String) {
        let script = NativeScript.reading(of: text)?.script
        #expect(script == nil || (script == .arabic && text.contains("3")), "\(text): \(String(describing: script))")
    }

    /// Two to four words have room for one sign only: one Arabizi digit word or one marker is
    /// enough there, and not in a longer message.
    @Test(arguments: [("bghit nmout safi", NativeScript.arabic), ("msakkrin 3alay el bab", .arabic), ("kafil khda kolchi", .arabic),
                      ("fovamai poly", .greek), ("kheili mitarsam", .persian)])
    func aShortMessageNeedsOneSignOrMarker(text: String, script: NativeScript) {
        #expect(NativeScript.reading(of: text)?.script == script, "\(text)")
        let longer = text + " but i will tell you more tomorrow at the office ok"
        #expect(NativeScript.reading(of: longer) == nil, "one sign in a longer message is not enough: \(longer)")
    }

    /// Short messages of the other languages, among them words Arabizi shares ("ana" inside
    /// "mañana" is not a word of its own).
    @Test(arguments: ["mañana te veo", "hasta mañana", "see you at 3pm", "ok merci beaucoup", "alla gut danke",
                      "tu es où", "ci vediamo domani", "tot morgen 9u"])
    func shortMessagesOfOtherLanguagesAreNotTakenForArabicGreekOrPersian(text: String) {
        #expect(NativeScript.reading(of: text) == nil, "\(text): \(String(describing: NativeScript.reading(of: text)?.script))")
    }

    @Test func aWordWithLettersOutsideLatinIsLeftOutWhole() {
        #expect(NativeScript.latinWords(of: "Mañana, ana y José: 3ayez?") == ["ana", "y", "3ayez"])
    }

    @Test func aMessageAlreadyInItsScriptHasNoSecondReading() {
        #expect(NativeScript.reading(of: "φοβαμαι να βγω απο το σπιτι") == nil)
        #expect(NativeScript.reading(of: "خیلی میترسم از خونه بیرون برم") == nil)
    }

    @Test func greekIsRewrittenLetterByLetterWithItsPairs() {
        #expect(Greeklish.inGreekScript("fovamai na vgw apo to spiti") == "φοβαμαι να βγω απο το σπιτι")
        #expect(Greeklish.inGreekScript("mou pire to diavatirio") == "μου πιρε το διαβατιριο")
        #expect(Greeklish.inGreekScript("8elw na ksereis oti einai mprosta") == "θελω να ξερεις οτι ειναι μπροστα")
        #expect(Greeklish.inGreekScript("xthes eida ton tipo") == "χθες ειδα τον τιπο")
        // Capitalised words (names, places) and everything that is not a word stay as written.
        #expect(Greeklish.inGreekScript("sto Bremen, 10:30 😊") == "στο Bremen, 10:30 😊")
    }

    @Test func persianIsRewrittenWithEAndOLeftOutInsideWordsAndTheLinksDropped() {
        #expect(Finglish.inPersianScript("kheili mitarsam") == "خیلی میتارسام")
        #expect(Finglish.inPersianScript("inja khune") == "اینجا خونه")
        #expect(Finglish.inPersianScript("kuche-ye oon") == "کوچه اون")
        #expect(Finglish.inPersianScript("pasportamo gereftan") == "پاسپرتامو گرفتان")
        #expect(Finglish.inPersianScript("Migrationsverket mige 3 rooz") == "Migrationsverket میگه 3 روز")
    }
}
