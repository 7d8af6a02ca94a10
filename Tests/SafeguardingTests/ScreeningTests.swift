import Foundation
import Testing
@testable import Safeguarding

/// Screening against the shipped phrase lists and the labelled sentences in Labelled/: every
/// explicit danger statement must be caught in every language; false alarms are counted and
/// printed per language, so that tuning a list shows its cost.
@Suite struct ScreeningTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let loaded = Result { try PhraseList.loadAll(directory: repoRoot.appendingPathComponent("Dialogs/safety")) }
    static let lists: [String: PhraseList] = (try? loaded.get()) ?? [:]
    static let screener = Screener(lists: lists)
    static let labelledFolder = repoRoot.appendingPathComponent("Dialogs/safety/examples")

    static func labelled(_ language: String) throws -> LabelledSet {
        try LabelledSet(text: String(contentsOf: labelledFolder.appendingPathComponent("\(language).explicit.txt"), encoding: .utf8))
    }

    static var languages: [String] { lists.keys.sorted() }

    @Test func everyLanguageHasAPhraseListAndALabelledSet() throws {
        _ = try Self.loaded.get()
        let catalogs = try FileManager.default.contentsOfDirectory(atPath: Self.repoRoot.appendingPathComponent("Dialogs/locales").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        #expect(Self.languages == catalogs, "a phrase list for every catalog language")
        for language in catalogs {
            let set = try Self.labelled(language)
            #expect(set.items.filter { $0.category != nil }.count >= 20, "\(language): at least 20 danger sentences")
            #expect(set.items.filter { $0.category == nil }.count >= 20, "\(language): at least 20 ordinary sentences")
        }
    }

    @Test(arguments: languages)
    func everyExplicitDangerStatementIsCaught(language: String) throws {
        let result = try Self.labelled(language).evaluate(with: Self.screener, language: language)
        print("screening \(language): \(result.summary)")
        #expect(result.missed.isEmpty, "\(language): missed \(result.missed.map { "line \($0.line): \($0.sentence)" }.joined(separator: "; "))")
    }

    /// A phrase list of language "xx" with these calls and threat phrases (YAML flow lists), and
    /// one placeholder phrase in every other category.
    static func screener(calls: String = "[help me]", threat: String) throws -> Screener {
        let others = DangerCategory.screened.filter { $0 != .threat }.enumerated()
            .map { "  \($0.element.rawValue): [x\($0.offset + 1)]" }.joined(separator: "\n")
        let yaml = "language: xx\ncalls: \(calls)\ncategories:\n  threat: \(threat)\n\(others)\n"
        return Screener(lists: ["xx": try PhraseList.load(yaml: yaml, file: "xx.yaml")])
    }

    @Test func phrasesMatchWithWildcardsGapsAndSlips() throws {
        let screener = try Self.screener(threat: #"[threat* me, "took ... passport", "*traffick*", "please help me !with"]"#)
        #expect(screener.screen("He THREATENED me!", language: "xx")?.phrase == "threat* me")
        #expect(screener.screen("they took my old passport", language: "xx")?.phrase == "took ... passport")
        #expect(screener.screen("they took my old red blue passport", language: "xx") == nil, "at most three words between")
        #expect(screener.screen("they took my pasport", language: "xx")?.phrase == "took ... passport", "one slip in long words")
        #expect(screener.screen("they tok my passport", language: "xx") == nil, "short words must match exactly")
        #expect(screener.screen("antitrafficking day", language: "xx")?.category == .threat)
        #expect(screener.screen("please help me", language: "xx") != nil)
        #expect(screener.screen("please help me with my CV", language: "xx") == nil)
        #expect(screener.screen("", language: "xx") == nil)
    }

    /// Arabic typed in Latin letters that no phrase knows as typed is screened again in Arabic
    /// script, by the Arabic list alone; a message that is not Arabic is not.
    @Test func arabicInLatinLettersIsAlsoScreenedInArabicScriptByTheArabicList() throws {
        func list(_ code: String, threat: String) throws -> PhraseList {
            let others = DangerCategory.screened.filter { $0 != .threat }.enumerated()
                .map { "  \($0.element.rawValue): [x\($0.offset + 1)]" }.joined(separator: "\n")
            return try PhraseList.load(yaml: "language: \(code)\ncalls: [help me]\ncategories:\n  threat: \(threat)\n\(others)\n", file: "\(code).yaml")
        }
        let arabic = try list("ar", threat: #"["*هدد*"]"#), english = try list("en", threat: "[threatened me]")
        let screener = Screener(lists: ["ar": arabic, "en": english])
        let read = try #require(screener.screen("hadadou 3ayelti, ana 5ayfe", language: "en"))
        #expect(read.category == .threat && read.language == "ar" && read.reading == .arabic, "\(read)")
        let typed = try #require(screener.screen("they threatened me, hadadou 3ayelti", language: "en"))
        #expect(typed.reading == nil, "a phrase that matches as typed comes first: \(typed)")
        #expect(screener.screen("my mum says hello from home", language: "en") == nil)
        // Only the script's own list reads the rewriting: without an Arabic list, nothing.
        let withoutArabic = Screener(lists: ["en": english, "xx": try list("xx", threat: #"["*هدد*"]"#)])
        #expect(withoutArabic.screen("hadadou 3ayelti, ana 5ayfe", language: "en") == nil)
    }

    @Test func phrasesBendLikeLanguageUnlessTheySayOtherwise() throws {
        let list = try PhraseList.load(yaml: """
            language: xx
            calls: [help me]
            categories:
              threat: ["know where {i,she,he} live*", "= kill me", "{ξερω,xerw,3erw} {που,pou} {μενεις,meneis}", "*9etl* me"]
              trafficker_seen: [x1]
              documents_taken: ["{took,keep*,*holds} {passport,papers}", x2]
              debt_or_work_pressure:
                phrases: [i owe them]
                unless: [finished paying, "paid ... off"]
              violence_at_home: [x4]
              self_harm: [x5]
              crisis: [x6, "{auxilio}", desperate]
              mentor_misconduct: [x7]
            """, file: "xx.yaml")
        let screener = Screener(lists: ["xx": list])
        #expect(screener.screen("i still owe them 3000", language: "xx")?.category == .debtOrWorkPressure, "one word between")
        #expect(screener.screen("i really still owe them", language: "xx") != nil, "two words between")
        #expect(screener.screen("i owe my cousin and my uncle and them", language: "xx") == nil, "not more than two")
        #expect(screener.screen("i owe them nothing now, finished paying in may", language: "xx") == nil, "unless cancels")
        #expect(screener.screen("i owe them less since i paid half of it off", language: "xx") == nil, "unless with a gap")
        #expect(screener.screen("they know where she lives", language: "xx")?.category == .threat, "alternatives")
        #expect(screener.screen("they know where we live", language: "xx") == nil, "only the listed alternatives")
        #expect(screener.screen("he will kill me", language: "xx") != nil)
        #expect(screener.screen("he will kill time with me", language: "xx") == nil, "= keeps words side by side")
        // One word in braces is that word exactly; written plainly, a long word forgives a slip.
        #expect(screener.screen("auxilio!", language: "xx")?.category == .crisis)
        #expect(screener.screen("grazie per l'ausilio", language: "xx") == nil, "{auxilio}: no slip")
        #expect(screener.screen("so desparate", language: "xx")?.category == .crisis, "a plain word forgives one")
        guard case .failure(let empty) = Phrase.parse("{} x", category: .threat, file: "b.yaml", line: 3) else {
            Issue.record("empty alternatives are refused")
            return
        }
        #expect(empty.reason.contains("should list single words"), "\(empty.reason)")
        guard case .failure(let twoWords) = Phrase.parse("{she,he said} x", category: .threat, file: "b.yaml", line: 4) else {
            Issue.record("an alternative of two words is refused")
            return
        }
        #expect(twoWords.reason.contains("should list single words"), "\(twoWords.reason)")
        // Alternatives in several scripts: the phrase starts at a word in any of them.
        for written in ["ξέρω πού μένεις", "xerw pou meneis", "3erw pou meneis"] {
            #expect(screener.screen(written, language: "xx")?.category == .threat, "\(written)")
        }
        // A word part starting with a digit (Arabic in Latin letters) is found inside a word that
        // starts with a letter.
        #expect(screener.screen("ghady y9etlouni me", language: "xx")?.category == .threat)
        #expect(screener.screen("9etlou me", language: "xx")?.category == .threat)
        // An alternative may be a wildcard word, as anywhere in a phrase; plain ones match exactly.
        #expect(screener.screen("she keeps passport", language: "xx")?.category == .documentsTaken)
        #expect(screener.screen("she keeping my papers", language: "xx")?.category == .documentsTaken, "keep*")
        #expect(screener.screen("the boss withholds my passport", language: "xx")?.category == .documentsTaken, "*holds")
        #expect(screener.screen("she tooks my passport", language: "xx") == nil, "no slip in a plain alternative")
        #expect(screener.screen("she kept my papers", language: "xx") == nil)
        guard case .failure(let inside) = Phrase.parse("{ke*ep,took} passport", category: .documentsTaken, file: "b.yaml", line: 4) else {
            Issue.record("a * inside an alternative is refused")
            return
        }
        #expect(inside.reason.contains("in \"{ke*ep,took}\"") && inside.reason.contains("* goes only at a word's ends"), "\(inside.reason)")
        // "!" rules out one whole word: a wildcard there is refused, not silently read as a word.
        guard case .failure(let ruledOut) = Phrase.parse("help me !wit*", category: .crisis, file: "b.yaml", line: 5) else {
            Issue.record("a * after ! is refused")
            return
        }
        #expect(ruledOut.reason.contains("\"!wit*\" must name a word"), "\(ruledOut.reason)")
    }

    @Test func thePersonsOwnListCancelsAnotherLanguagesMatchInTheirWords() throws {
        func list(_ code: String, _ threat: String) throws -> PhraseList {
            let others = DangerCategory.screened.filter { $0 != .threat }.enumerated()
                .map { "  \($0.element.rawValue): [\(code)\($0.offset + 1)]" }.joined(separator: "\n")
            return try PhraseList.load(yaml: "language: \(code)\ncalls: [help me]\ncategories:\n  threat: \(threat)\n\(others)\n", file: "\(code).yaml")
        }
        let screener = Screener(lists: ["aa": try list("aa", "[traficante*]"),
                                        "bb": try list("bb", "{phrases: [bb0], unless: [lexova lajm*]}")])
        // A news item in language bb, matched by language aa's phrase through a slip.
        let news = "lexova lajmin per trafikantet"
        #expect(screener.screen(news, language: "bb") == nil, "cancelled by the person's own list")
        #expect(screener.screen(news, language: "aa")?.category == .threat, "another person's list does not cancel")
        #expect(screener.screen("trafikantet jane ketu", language: "bb")?.category == .threat)
    }

    /// Slips of the shipped lists found in calibration rounds, each beside the danger its phrase
    /// is there for: an everyday word that only looked like danger must raise nothing.
    @Test func theShippedListsLeaveEverydayLookAlikesAloneAndStillHearTheDanger() {
        let alone: [(language: String, message: String)] = [
            ("ar", "اشتقتلك كتير"),              // I missed you (held "قتلك", kill you)
            ("ar", "ما عندي وقتلك هلق"),        // I have no time for you now
            ("en", "i hurt my back at the gym"),
            ("en", "someone followed me on insta"),
            ("es", "me golpeé el codo con la puerta"),  // I knocked my elbow on the door
            ("sq", "ja ktheva borxhin shoqes"),         // I paid my friend back
            ("de", "heute gibt es nudeln"),             // noodles, not "nude*"
            ("fa", "استرس اجاره خونه دارم"),           // rent stress (held "ترس", fear)
            ("ar", "eshta2tlak ktir ya sa7bi"),         // I missed you a lot (held "*2tl*", kill)
            ("ar", "ma 3ndi wa2tlak halla2"),           // I have no time for you now
            ("ar", "la2etlak shi shaghle"),             // I found you a job (held "*2etl*")
            ("ar", "el 7ar ra7 yi2telni"),              // the heat will kill me (read يقتلني in Arabic script)
            ("ar", "ragli zar2a mn el match"),          // my leg is blue from the match
            ("ar", "ana m5no2 mn imti7an el B1"),       // the B1 exam "suffocates" me
            ("ar", "eshta9tlk wayed"),                  // I missed you a lot (held "*9tl*")
            ("ar", "lkhdma 9tlatni had simana"),        // work wore me out this week
            ("fr", "mon chef de chantier crie beaucoup"),  // building site (held Dutch "chanteer*")
            ("fa", "بدهیمو صاف کردم بالاخره"),          // I settled my debt at last
            // Cancelled as typed, so also in the own-script reading, which spells it roughly.
            ("fa", "bedehimo saf kardam"),              // I settled my debt
            ("fa", "akharin qest-e laptop ro dadam dige bedehkar nistam"),  // I owe nobody now
            ("el", "tha me skotwsei i daskala lol"),    // the teacher will kill me lol
            ("ar", "had skhana ghadi t9tlni"),          // this heat will kill me
            ("it", "sto esame mi uccide"),              // this exam is killing me (held "mi uccido" by a slip)
            ("es", "mamá me va matar"),                 // mum will kill me (held Portuguese "me ... matar")
            ("de", "die S-Bahn steht wieder irgendwo vor Pasing"),  // a late train, not someone outside
            ("sv", "vilka uppgifter sparar ni om mig"),  // what do you save about me (held "sparkar mig")
            ("es", "me desperté tarde hoy"),             // I woke up late (held English "desperate")
            ("it", "la vecchietta del primo piano sta sempre alla finestra"),  // the first floor ("piango")
            ("fr", "en italie le panettone c'est la tradition"),  // held Italian "tradit*" (betrayed)
            ("es", "me pega la nostalgia los domingos"),  // nostalgia comes over me
            ("fa", "مصاحبست هفته بعد"),                  // her interview is next week (held "*حبس*")
            // From longer tune-side messages: exams, games, shows and renewals in danger's words.
            ("fr", "ce partiel de droit civil va me tuer"),  // this exam will kill me (was self-harm "me tuer")
            ("sv", "vi var inlåsta i ett escape room med jobbet"),  // locked in an escape room
            ("en", "locked myself out again, flatmate back at 6"),
            ("en", "someone standing downstairs again, turned out to be the amazon guy lol"),
            ("de", "die ausländerbehörde hat meine aufenthaltserlaubnis verlängert"),  // residence permit renewed
            ("pt", "as costas estão a matar-me depois da apanha"),  // my back is killing me (held "matar-me")
            ("fa", "یه مستند دیدم درباره قاچاق انسان"),    // I watched a documentary about trafficking
            ("it", "il mio amico mi aspetta sotto casa, andiamo a calcetto"),  // a friend waiting downstairs
            ("es", "ya me dejan cortar el pelo a clientas"),  // they let me cut clients' hair (Portuguese "me ... cortar")
            // The second round of look-alikes: a child's "threat", worn out by exams and heat,
            // a teacher who "will kill me", the person's own anger, locked in by accident.
            ("en", "my son threatens he will not eat his dinner if i dont let him watch tv"),
            ("fr", "ma fille menace de bouder toute la journée si on va pas au parc"),
            ("nl", "mijn dochtertje dreigt dat ze gaat huilen als we geen pannenkoeken eten"),
            ("sv", "orkar inte mer, nationella provet i svenska imorgon"),
            ("es", "no puedo más con este calor, 41 grados"),
            ("it", "la prof mi ammazza, ho dimenticato il quaderno"),
            ("en", "i swear i could kill my brother lol"),
            ("sv", "blev inlåst i tvättstugan av misstag"),
            // Every message meets every list: everyday words of one language that hold another
            // list's danger word (found against word-frequency lists), and dialect on the
            // Arabic and Persian messages told in passing.
            ("es", "no quiero molestar, perdón por la molestia"),  // I don't want to bother you (held Italian "*molest*")
            ("es", "estoy molesta con mi hermana"),         // I am upset with my sister
            ("ar", "صاحبي يطيب كسكسي بالحوت"),             // couscous (held "*سكسي*", sexy, and Persian "*سکس*")
            ("fa", "امروز رفتم خیابان طالقانی"),           // Taleghani street (held Arabic "*لقاني*", he found me)
            ("ar", "كان على اعصابه شوي"),                  // on his nerves (held "*عصابه*", gang)
            ("ar", "انا عاشقته لهالمسلسل"),                 // I love this series (held "*شقته*", his flat)
            ("fa", "مامانم یائسگی داره"),                  // menopause (held Arabic "*يائس*", desperate)
            ("ar", "شكرا يا استاذ انا مديونلك بكتير"),       // I owe you a lot: thanks (held "*مديون*", in debt)
            ("fa", "ممنونم، واقعا مدیونتم"),
            ("sv", "i körskolan lärde vi oss om andra trafikanter"),  // road users (Spanish "traficante" by a slip)
            ("ar", "الشتا ما حبساتش فغينت"),               // the rain did not stop (held Persian "حبس*", locked up)
            ("ar", "واحد المش صغير كيتبعني كل نهار"),       // a kitten follows me every day
            ("ar", "ma bghitch nfi9 bkri lyoum"),           // I did not want to wake up early today
            ("fa", "فرزندانی که تو مدرسه هستن خیلی شادن"),  // children who (held "*زندانی*", locked up)
            ("fa", "با بچه ها پابرهنه تو ساحل راه رفتیم"),   // barefoot on the beach (held "*برهنه*", naked)
            ("el", "πρόσεξε στο δρόμο, βρέχει πολύ"),        // take care on the road (held "*σεξ*", sex)
            ("fa", "بچه‌ام از صبح سکسکه داره"),             // my baby has had hiccups since morning (held "سکس*")
            ("fa", "برای گوشیم یه قاب سیلیکونی خریدم"),     // a silicone phone case (held "سیلی*", a slap)
            // One letter from a danger word, which a slip forgave (now matched exactly).
            ("ar", "المواد بالجامعه صعبه كتير"),             // school subjects (القواد, the pimp)
            ("ar", "الجده عم تطبخ"),                         // grandma is cooking (النجده, help!)
            ("fa", "سلامت جسمانی مهمه"),                     // physical health (Arabic جثماني, my corpse)
            ("en", "my cousin bought a tractor"),            // (traitor)
            ("en", "melanie said hi to you"),                // (Greek "melanies", bruises)
            ("es", "voy a tomarme un café con mi amiga"),    // have a coffee (tocarme, touch me)
            ("es", "hemos ido al parque con los niños"),     // we went (Swedish "hemlös", homeless)
            ("sv", "det var godare än igår"),                // tastier (golare, snitch)
            ("fr", "je me suis pesée sur la balance"),       // the scales (a snitch)
            ("en", "i will clear the balance next month"),
            ("en", "i scored a goal"),                          // a short call "scared", by a slip
            // Coming out, or the ground of an asylum case, is not misconduct ("*sexual*" held "homosexual").
            ("es", "soy homosexual y por eso pedí asilo"),
            ("de", "ich bin homosexuell"),
            ("pt", "sou homossexual"),
            ("it", "sono omosessuale"),
            ("nl", "ik ben homoseksueel"),
            ("en", "my brother is bisexual"),
            ("sv", "jag har en dejt ikväll"),                   // I have a date tonight
            ("de", "ich habe einen gewaltigen hunger"),          // huge ("Gewalt", violence)
            ("nl", "ik zal het niet verraden, het is een verrassing"),  // give away a surprise (verrader, traitor)
            ("ar", "نحن نؤمن بحقوق الانسان"),                   // human rights (Persian بی‌حقوق, unpaid)
            ("ar", "بشتغل بدار المسنين"),                       // I work in a care home (لمسني, touched me)
            ("fa", "اتوبوس‌ها امروز اعتصاب کردن"),              // the buses are on strike (Arabic بوسه, a kiss)
            ("fa", "همسایمون اهل بوسنی هست"),                   // our neighbour is from Bosnia (Arabic بوسني, kiss me)
            ("fa", "سر ایستگاه می‌ایستم"),                       // I stand at the stop (Arabic يائس, desperate)
            ("fa", "امشب تو بیمارستان کشیک دارم"),              // on call at the hospital tonight (keeping watch)
            ("it", "ho sfruttato l'occasione"),                 // I made the most of it (sfruttatore, exploiter)
            ("el", "ο αναπληρωτής καθηγητής ήταν πολύ καλός"),  // the substitute teacher (held "*απληρωτ*", unpaid)
            ("en", "thank you madam, see you on monday"),       // madam as a polite address, not the Nigerian madam
            ("en", "good morning madam, i passed my exam"),
            ("en", "we saw madame bovary at the theatre"),
            // From the phrase-list review (twenty-first session): everyday senses of danger's words.
            ("en", "the baby kicks me from inside, 7 months now 🥰"),
            ("en", "my son came back from school with a black eye from basketball"),
            ("en", "the debt ceiling was in the news again"),
            ("en", "this is our secret recipe from my mum"),
            ("en", "we slept outside in a tent at the camping, beautiful stars"),
            ("de", "ich muss heute noch meine to-do liste abarbeiten"),
            ("de", "mein opa hat einen alten schlepper auf dem hof"),
            ("sv", "hon slog mitt rekord på 100 meter"),
            ("sv", "skär mig en bit bröd också tack"),
            ("fr", "un orage violent cette nuit, j'ai pas dormi"),
            ("fr", "ce qui me frappe ici c'est la gentillesse des gens"),
            ("it", "il sole picchia forte oggi"),
            ("it", "i bambini corrono a piedi nudi in spiaggia"),
            ("es", "el pronóstico amenaza lluvia todo el finde"),
            ("es", "mi hija me besa cada mañana antes de ir al cole"),
            ("pt", "não consigo respirar de tanto rir 😂😂"),
            ("nl", "de naaktslakken eten al mijn sla op"),
            ("nl", "yarın dedem seksen yaşında oluyor"),          // Turkish "eighty" (Dutch "seks*")
            ("el", "ειναι χρεος μας να βοηθαμε τους νεους"),      // "our duty" (χρεος, debt)
            ("sq", "me mbyt kjo kravate, s'po e duroj"),          // this tie is choking me
            ("ar", "احسن اكلة بالعالم المنسف، بموت فيه"),         // "I'd die for it": I love it
            ("ar", "امبارح ضربتني شمس بالبحر"),                    // sunstroke at the beach
            ("fa", "تو چهارشنبه سوری اتیش میزنیم"),               // the Chaharshanbe Suri bonfire
            // The review's everyday messages mended in the twenty-second session.
            ("ar", "اشتريت عصابه للراس عشان الجري، لونها زهري"),   // a headband (عصابة, also a gang)
            ("de", "der termin für die party ist in gefahr wegen dem streik bei der bahn"),
            ("el", "σκοτωσα ενα κουνουπι που με ετρωγε ολο το βραδυ 😅"),  // I killed a mosquito
            ("en", "the shoes hurt my feet so much after the walk, never again these shoes"),
            ("es", "me golpeó el sol en la playa, estoy rojo como un tomate 🍅"),
            ("fa", "بوی مشکوکی تو خونه میاد، فکر کنم غذا سوخت 😂"),  // a suspicious smell: burnt food
            ("fr", "s'ils reviennent en stock je prends les baskets blanches"),
            ("it", "la bolletta della luce posso farla pagare con addebito in banca?"),
            ("nl", "de juf houdt me in de gaten want ik praat te veel 😅"),
            ("pt", "o meu filho nunca me paga o café kkk"),
            ("sq", "mami tha ruhu mire nga ftohja, vish xhaketen"),
            ("sv", "den där låten förföljer mig hela dagen 😂"),
        ]
        for (language, message) in alone {
            #expect(Self.screener.screen(message, language: language) == nil, "\(language): \(message)")
        }
        let heard: [(language: String, message: String, category: DangerCategory)] = [
            ("ar", "والله لقتلك اذا حكيت", .threat),
            ("ar", "قال بيقتلك", .threat),
            ("en", "they said they will hurt my mum", .threat),
            ("en", "someone followed me home", .threat),
            ("en", "thank you madam. i saw madam at the station yesterday", .traffickerSeen),
            ("nl", "madam volgt mij op insta met een nieuw account", .traffickerSeen),
            // ...and what those mends must leave heard (some first cancelled it, and were narrowed).
            ("en", "he kicks me when he is drunk", .violenceAtHome),
            ("en", "i slept outside in the park, nowhere to go", .crisis),
            ("de", "boss sagt er hebt meinen pass auf aber er gibt nie zurück", .documentsTaken),
            ("sv", "blev utkastad, har sovit i tvättstugan två nätter", .crisis),
            ("fr", "il m'a brûlée avec la poêle", .violenceAtHome),
            ("fr", "je travaille au resto sans salaire, il dit c pour rembourser le voyage", .debtOrWorkPressure),
            ("it", "il temporale era forte, lui mi picchia quando beve", .violenceAtHome),
            ("el", "την Παρασκευη ληγει η προθεσμια ειπαν, μετα ερχονται για μενα η για τον αδερφο μου", .threat),
            ("ar", "واحد كلّم جوز اختي في اسكندرية وقاله سلّملي على المدام اللي في ميلانو وقولها تاخد بالها من نفسها.. محدش يعرف اني في ميلانو غيركو", .threat),  // "say hi to her for me" must not cancel it
            ("ar", "بدي موت، ما عاد فيني كمل", .selfHarm),
            // Danger the reviewers found unheard.
            ("es", "me dicen que la deuda sube cada mes y nunca termino de pagar", .debtOrWorkPressure),  // not "terminé"
            ("nl", "ik ben moe van het leven, ik wil niet meer", .selfHarm),
            ("sq", "mentori me kerkoi te zhvishem per nje foto", .mentorMisconduct),
            ("en", "two men came to the shelter asking for me today, i dont know them", .threat),
            ("es", "me golpeó otra vez", .violenceAtHome),
            ("sq", "kam borxhin ende", .debtOrWorkPressure),
            ("fa", "میترسم برم خونه", .violenceAtHome),
            ("ar", "wallah ha2tlak iza 7keet", .threat),
            ("ar", "ghadi n9tlek", .threat),
            ("ar", "3ammi ra7 ye2etlni", .threat),
            ("ar", "khayfe ktir, ra7 y2atelni iza 7akeet", .threat), // read يقتلني in Arabic script
            ("ar", "ghadi y9tlni ila mchit l bolis", .threat),
            ("nl", "ze chanteren me met fotos", .threat),
            ("fr", "il me fait chanter avec des photos", .threat),
            ("fa", "هنوز بدهیمو ندادم", .debtOrWorkPressure),
            ("it", "non ce la faccio più, mi uccido", .selfHarm),
            ("pt", "acho que vou me matar", .selfHarm),
            ("de", "der typ steht wieder vor dem haus", .traffickerSeen),
            ("de", "das gleiche auto steht wieder vor dem heim", .traffickerSeen),
            ("sv", "han sparkar mig när han är full", .violenceAtHome),
            ("en", "im so desperate", .crisis),
            ("it", "piango sempre la notte", .crisis),
            ("fa", "تو خونه حبسم کرده", .violenceAtHome),
            ("es", "me pega cuando bebe", .violenceAtHome),
            ("fa", "hanooz bedehkaram behshun", .debtOrWorkPressure),
            ("el", "tha me skotwsei an milisw", .threat),
            ("fr", "je vais me tuer", .selfHarm),
            ("fr", "il va me tuer", .threat),
            ("sv", "han har låst in mig i rummet", .violenceAtHome),
            ("pt", "vou matar-me", .selfHarm),
            ("it", "quel uomo mi aspetta sotto casa", .traffickerSeen),
            ("es", "me volví a cortar anoche", .selfHarm),
            // Their danger twins, and a document held back that the person needs for a renewal
            // (an office or a renewal named no longer cancels it).
            ("en", "my son was threatened by the men from the old job", .threat),
            ("es", "mi hija fue amenazada por ese hombre", .threat),
            ("sv", "orkar inte mer, har ingenstans att sova", .crisis),
            ("en", "they will kill my brother if i talk", .threat),
            ("en", "my old boss still keeps my passport and i need it for the renewal", .documentsTaken),
            ("fr", "ma patronne garde mon passeport, j'en ai besoin pour le renouvellement", .documentsTaken),
            // First drafts of the twenty-second session's mends cancelled these (an `unless` cancels
            // its category in the whole message), and were dropped: an everyday word beside danger.
            ("de", "ich lerne für den test, gewaltenteilung und so, aber zuhause gibt es gewalt", .violenceAtHome),
            ("de", "die ausbeute war gut aber mein chef beutet uns aus, kein lohn seit 3 monaten", .debtOrWorkPressure),
            ("ar", "رح تلقوني بالمكتبة بس خايفة، الرجال اللي كان يشغلني شفته اليوم قدام البيت", .traffickerSeen),
            ("en", "the amazon driver told me a man was asking for me at the door, same guy from the farm", .threat),
            ("es", "si desaparezco un rato es que ya no aguanto más, perdón por todo", .selfHarm),
            ("es", "el banco tiene mis documentos del piso y el jefe tiene mi pasaporte y no me lo devuelve", .documentsTaken),
            ("fa", "برای گرفتن پاسپورت نوبت گرفتم چون صاحبکارم پاسپورتمو گرفته و پس نمیده", .documentsTaken),
            ("sv", "jag tvingar mig själv att gå dit, chefen tvingar mig jobba utan lön", .debtOrWorkPressure),
            ("el", "η φιλη μου με περιμενει στη σταση αλλα ο αντρας απο την παλια δουλεια με περιμενει κατω απο το σπιτι", .traffickerSeen),
            // ...and a stalker Italian lists missed ("mi segue" alone is the social worker who supports).
            ("it", "il tutor che mi segue è gentile, ma un uomo mi segue ogni sera fino a casa", .threat),
            ("de", "mein chef hat meinen pass, ich brauche ihn für die verlängerung bei der behörde", .documentsTaken),
            ("en", "my visa was not renewed because she still keeps my passport", .documentsTaken),
            ("fr", "mon titre n'est pas renouvelé parce que la patronne garde mon passeport", .documentsTaken),
            // A parcel named elsewhere in the message no longer cancels the man downstairs.
            ("en", "my old boss is waiting downstairs again, i told the kids it is just a parcel", .traffickerSeen),
            ("nl", "hij staat weer voor mijn deur, ik zei tegen de kinderen dat het een pakketje was", .traffickerSeen),
            // The twins of the everyday words above, and the dialect forms.
            ("it", "il mio mentore mi molesta", .mentorMisconduct),
            ("it", "sono stata molestata dal capo", .mentorMisconduct),
            ("ar", "العصابة لقاني بالمحطة", .traffickerSeen),
            ("ar", "المنتور عزمني على شقته بالليل", .mentorMisconduct),
            ("ar", "انا مديون لهم بعشرة الاف", .debtOrWorkPressure),
            ("sq", "trafikanti me gjeti", .traffickerSeen),
            ("es", "el traficante me busca", .traffickerSeen),
            ("ar", "مول الخدمة شد ليا الباسبور", .documentsTaken),       // Moroccan: the boss holds my passport
            ("ar", "اخوي كفل الباب علي", .violenceAtHome),             // Iraqi spelling of قفل, locked
            ("ar", "ما كليناش من البارح", .crisis),                    // we have not eaten since yesterday
            ("ar", "el zalame ma5ed el passport taba3i", .documentsTaken),
            ("fa", "منتورم گفت به دفتر نگویم", .mentorMisconduct),      // Dari: he said not to tell the office
            ("fa", "boss goft deport meshi", .debtOrWorkPressure),
            ("fa", "شوهرم منو تو خونه زندانی کرده", .violenceAtHome),
            ("fa", "منتورم عکس برهنه خواست", .mentorMisconduct),
            ("el", "ο μέντορας μιλάει για σεξ", .mentorMisconduct),
            ("el", "είμαι απλήρωτη τρεις μήνες", .debtOrWorkPressure),
            ("ar", "شفت القواد بالشارع", .traffickerSeen),
            ("en", "they call me a traitor now", .threat),
            ("es", "mi mentor quiere tocarme", .mentorMisconduct),
            ("sv", "han kallar mig golare", .threat),
            ("sv", "jag är hemlös nu", .crisis),
            ("fr", "ils disent que je suis une balance", .threat),
            ("sv", "min mentor bjöd ut mig på en dejt", .mentorMisconduct),
            ("de", "er hat gewalt gegen mich benutzt", .violenceAtHome),
            ("nl", "hij noemt me een verrader", .threat),
            ("fa", "باز دنبالم میاد", .threat),
            ("ar", "المنتور لمسني", .mentorMisconduct),
            ("fa", "منتورم بوسه خواست", .mentorMisconduct),
            ("fa", "یه مرد دم در خونه کشیک میده", .traffickerSeen),
            ("it", "il mio sfruttatore mi cerca", .traffickerSeen),
            ("es", "el mentor me hizo acoso sexual", .mentorMisconduct),
            ("de", "sexuelle belästigung vom mentor", .mentorMisconduct),
            ("nl", "seksuele intimidatie door mijn mentor", .mentorMisconduct),
        ]
        for (language, message, category) in heard {
            #expect(Self.screener.screen(message, language: language)?.category == category, "\(language): \(message)")
        }
    }

    @Test func screeningALongTextTakesBoundedTime() {
        let words = "the he she my mum passport money work house school friend today tomorrow police station".split(separator: " ")
        let long = (0..<20_000).map { words[$0 % words.count] }.joined(separator: " ") + " they took my passport"
        #expect(Screener.bounded(long).count <= Screener.screenedHead + Screener.screenedTail + 1)
        #expect(Self.screener.screen(long, language: "en")?.category == .documentsTaken, "the end of a long text is screened")
    }

    @Test func badPhraseListsAreReportedWithFileLineAndCategory() {
        func problems(_ yaml: String) -> String {
            do {
                _ = try PhraseList.load(yaml: yaml, file: "bad.yaml")
                return ""
            } catch {
                return "\(error)"
            }
        }
        let unknown = problems("language: xx\ncategories:\n  thret: [a b]\n")
        #expect(unknown.contains("bad.yaml") && unknown.contains("bad.yaml:3") && unknown.contains("unknown category \"thret\""))
        #expect(unknown.contains("missing category \"threat\""))
        let gapAtEnd = problems("language: xx\ncalls: [help me]\ncategories:\n  threat: [\"took ...\"]\n")
        #expect(gapAtEnd.contains("goes between words"))
        let lonely = problems("language: xx\ncalls: [help me]\ncategories:\n  threat: [\"a*\"]\n")
        #expect(lonely.contains("is not a word"))
        let noCalls = problems("language: xx\ncategories:\n  threat: [a b]\n")
        #expect(noCalls.contains("bad.yaml:1") && noCalls.contains("missing required key \"calls\""), "\(noCalls)")
        let emptyCalls = problems("language: xx\ncalls: []\ncategories:\n  threat: [a b]\n")
        #expect(emptyCalls.contains("bad.yaml:2") && emptyCalls.contains("at least one call"), "\(emptyCalls)")
        let badCall = problems("language: xx\ncalls:\n  - help me\n  - \"help ...\"\ncategories:\n  threat: [a b]\n")
        #expect(badCall.contains("bad.yaml:4") && badCall.contains("goes between words"), "\(badCall)")
    }

    @Test func aWordBeforeAPhraseCanBeRuledOutJustBeforeIt() throws {
        let screener = try Self.screener(calls: #"["!not !no scared"]"#, threat: #"["!never {he,she} ... kill* me"]"#)
        #expect(screener.screen("im scared", language: "xx")?.isCall == true)
        #expect(screener.screen("scared", language: "xx")?.isCall == true, "nothing before it at all")
        #expect(screener.screen("not scared anymore", language: "xx") == nil)
        #expect(screener.screen("no scared", language: "xx") == nil)
        #expect(screener.screen("im not ok scared", language: "xx")?.isCall == true, "only the word just before is ruled out")
        #expect(screener.screen("i know he will kill me", language: "xx")?.category == .threat)
        #expect(screener.screen("i never said he would kill me", language: "xx")?.category == .threat, "never is not just before")
        #expect(screener.screen("never he will kill me", language: "xx") == nil)
        guard case .failure(let short) = Phrase.parse("!a scared", category: .crisis, file: "xx.yaml", line: 2) else {
            Issue.record("a ruled-out word of one letter is refused")
            return
        }
        #expect(short.reason.contains("two letters or more"), "\(short.reason)")
    }

    @Test func aShortCallForHelpIsHeardOnlyInAShortMessageAndNeverOverADangerPhrase() throws {
        // Alone, in chat style: a call, in the crisis category, from the list and line it is on.
        for message in ["help me", "HELP ME!!!", "pls help 🙏", "someone help please", "im so scared", "call the police"] {
            let result = try #require(Self.screener.screen(message, language: "en"), "\(message)")
            #expect(result.isCall && result.category == .crisis && result.language == "en" && result.line > 0, "\(message): \(result)")
        }
        // Fear said away is no call.
        #expect(Self.screener.screen("not scared anymore", language: "en") == nil)
        #expect(Self.screener.screen("non ho più paura", language: "it") == nil)
        // The same words in a longer message are a request, not a call.
        #expect(Self.screener.screen("can you help me with my cv on friday", language: "en") == nil)
        #expect(Self.screener.screen("my son is scared of the dentist tomorrow", language: "en") == nil)
        // A danger phrase wins, and alerts.
        let phrase = try #require(Self.screener.screen("help me he hits me", language: "en"))
        #expect(!phrase.isCall && phrase.category == .violenceAtHome, "\(phrase)")
        // Another language's call is heard whatever the person's language setting says.
        #expect(Self.screener.screen("help me", language: "de")?.isCall == true)
        // Every language has its calls.
        for language in Self.languages { #expect(Self.lists[language]?.calls.isEmpty == false, "\(language)") }
        // An ordinary word alone is no call.
        for ordinary in ["help", "thanks for the help", "police", "ok"] {
            #expect(Self.screener.screen(ordinary, language: "en") == nil, "\(ordinary)")
        }
    }
}
