import ArgumentParser
import Foundation
import MentorBotDaemon
import Safeguarding

/// For staff tuning the screening: what each layer would do with each sentence.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen sentences (one per line on standard input) as the bot would screen a message.",
        discussion: """
            For each line, prints what the bot would do (ALERT, ASK or ok), which layer decided it, the \
            phrase that matched (with its list and line) and the semantic score with the nearest example. The \
            person's language is looked at first, then every other list, as in the running bot. With \
            --labelled FILE (or a folder of <language>.txt files), reads "category | sentence" lines instead \
            and prints recall and false alarms per language and per category, for each layer and combined \
            (with --joined, of longer messages made of them). \
            An example with exactly the same text as a measured sentence is left out (with its copy in its own \
            script, for Arabic, Greek or Persian typed in Latin letters), so that the layer is \
            never measured on the sentence itself. With --calibrate, places the semantic thresholds on the \
            calibration messages (<dialogs>/safety/calibration: written apart from the examples, never used as \
            examples) and prints them with what they do there. With --hold-out-rounds, measures the semantic \
            layer alone with each writing round of the examples held out in turn: the yardstick for a change \
            of method, before any test part is looked at.
            """)

    @Option(help: "The person's language (its list is tried first). Default: en, or with --labelled FILE the language its name starts with (fa.chat.txt).") var lang: String?
    @Option(help: "The dialogs folder (phrase lists in safety/, examples in safety/examples/).") var dialogs: String = "Dialogs"
    @Option(help: "A labelled set or a folder of them, e.g. Tests/SafeguardingTests/TestParts/HeldOut.") var labelled: String?
    @Option(help: "The folder holding the sentence-embedding model (default: .venv beside the dialogs folder).") var model: String?
    @Flag(help: "Phrase lists only, without the semantic layer.") var phrasesOnly = false
    @Flag(help: "With --labelled: also list every sentence not handled as labelled.") var verbose = false
    @Flag(help: "With --labelled: measure longer messages made of the labelled ones (each danger message between two ordinary ones, ordinary ones three at a time).") var joined = false
    @Flag(help: "Calibrate the semantic thresholds on the messages in <dialogs>/safety/calibration.") var calibrate = false
    @Option(help: "With --calibrate or --hold-out-rounds: the share of ordinary messages allowed to alert.") var alertShare = 0.03
    @Option(help: "With --calibrate: the share of ordinary messages of at most four words allowed to alert (looser than --alert-share: these borrow danger's words more often, and the model reads them less surely).") var shortAlertShare = 0.06
    @Option(help: "With --calibrate or --hold-out-rounds: the share of ordinary messages allowed to be asked about (besides those alerting).") var askShare = 0.10
    @Flag(help: "Measure the semantic layer alone with each writing round of the examples held out in turn (files named alike after the language: chat13 of ar.chat13.txt), at --alert-share of ordinary messages above one threshold, and at that plus --ask-share; then the short messages and the longer ones, each at a threshold of its own as the bot places them.") var holdOutRounds = false

    func run() throws {
        if holdOutRounds {
            measureHeldOutRounds()
            return
        }
        let screener: Screener
        do {
            screener = try Screener.load(directory: URL(fileURLWithPath: dialogs).appendingPathComponent("safety"))
        } catch {
            fail("\(error)")
        }
        let semantic = phrasesOnly ? nil : loadSemantic()
        if calibrate {
            guard let semantic else { fail("--calibrate needs the semantic layer") }
            let folder = URL(fileURLWithPath: dialogs).appendingPathComponent("safety/calibration").path
            printCalibration(Calibration(sets: labelledSets(folder, languages: Set(screener.lists.keys)), phrases: screener, match: { semantic.match($0) }))
            return
        }
        let thresholds = SemanticThresholds()
        if let labelled {
            try measure(labelled, screener: screener, semantic: semantic, thresholds: thresholds)
            return
        }
        let lang = self.lang ?? "en"
        guard screener.lists[lang] != nil else { fail("no phrase list for \"\(lang)\" in \(dialogs)/safety") }
        while let line = readLine() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            // Read as the daemon reads: no more of it than can change the verdict.
            let phrase = screener.screen(line, language: lang)
            let match = semantic?.match(line, decidingWith: thresholds, beside: phrase)
            let assessment = Assessment(phrase: phrase, semantic: match, thresholds: thresholds)
            print(describe(assessment, thresholds: thresholds) + "  " + line)
        }
    }

    private func loadSemantic() -> SemanticScreener? {
        let folder = SemanticLayer.modelFolder(configured: model, dialogs: dialogs)
        let cache = SemanticLayer.scratchCache(dialogs: dialogs)
        do {
            return try SemanticLayer.load(modelFolder: folder, examples: SemanticLayer.examplesDirectory(dialogs: dialogs), cache: cache)
        } catch {
            FileHandle.standardError.write(Data("mentorbot screen: WARNING: semantic layer off, phrase lists only: \(error)\n".utf8))
            return nil
        }
    }

    private func measureHeldOutRounds() {
        let holdout: RoundHoldout
        do {
            holdout = try SemanticLayer.roundHoldout(modelFolder: SemanticLayer.modelFolder(configured: model, dialogs: dialogs),
                                                     examples: SemanticLayer.examplesDirectory(dialogs: dialogs),
                                                     cache: SemanticLayer.scratchCache(dialogs: dialogs))
        } catch {
            fail("\(error)")
        }
        func line(_ counts: RoundHoldout.Counts) -> String {
            String(format: "danger caught %d/%d (%.1f%%), ordinary above %d/%d (%.1f%%)", counts.caught, counts.danger,
                   100 * Double(counts.caught) / Double(max(counts.danger, 1)), counts.falseAlerts, counts.ordinary,
                   100 * Double(counts.falseAlerts) / Double(max(counts.ordinary, 1)))
        }
        print("\(holdout.rounds.count) writing rounds held out in turn, \(holdout.scored.count) messages: the semantic layer alone, "
              + "each message as typed and in its own script, one threshold for all languages")
        func printSlices(_ title: String, _ report: RoundHoldout.Report, rounds: Bool) {
            print(title + line(report.all))
            for (language, counts) in report.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language): \(line(counts))") }
            guard rounds else { return }
            for (round, counts) in report.byRound.sorted(by: { $0.key < $1.key }) { print("  round \(round): \(line(counts))") }
        }
        let shares = [alertShare, alertShare + askShare]
        for share in shares {
            let report = holdout.report(ordinaryShare: share)
            printSlices(String(format: "at %.1f%% of ordinary messages above (score above %.4f): ", share * 100, report.threshold), report, rounds: true)
        }
        for short in [true, false] {
            for share in shares {
                let report = holdout.report(ordinaryShare: share, short: short)
                printSlices(String(format: "%@ ones, their own threshold at %.1f%% (%.4f): ", short ? "short" : "longer", share * 100,
                                   report.threshold), report, rounds: false)
            }
        }
    }

    private func describe(_ assessment: Assessment, thresholds: SemanticThresholds) -> String {
        let verdict = switch assessment.level {
        case .alert: "ALERT"
        case .ask: "ASK  "
        case .none: "ok   "
        }
        var parts = [verdict]
        if let category = assessment.category { parts.append("\(category.rawValue) (\(category.severity.rawValue))") }
        if let phrase = assessment.phrase {
            parts.append("\(phrase.isCall ? "call" : "phrases"): «\(phrase.phrase)» [\(phrase.language) line \(phrase.line)]"
                         + (phrase.reading.map { " in \($0.rawValue) script" } ?? "") + (phrase.laughs ? ", laughing" : ""))
        }
        if let semantic = assessment.semantic {
            parts.append(String(format: "semantic: %@ %+.3f (%@) nearest %@", semantic.category.rawValue, semantic.score,
                                thresholds.level(of: semantic).rawValue, semantic.nearest))
            if let piece = semantic.piece {
                parts.append(String(format: "piece: %@ %+.3f nearest %@", piece.category.rawValue, piece.score, piece.nearest))
            } else if semantic.partsUnread {
                parts.append("the rest: not read (what was read settled it)")
            }
        }
        return parts.joined(separator: "  ")
    }

    private func measure(_ path: String, screener: Screener, semantic: SemanticScreener?, thresholds: SemanticThresholds) throws {
        var all = LayeredEvaluation.Counts()
        var missedAny = false
        let sets = labelledSets(path, languages: Set(screener.lists.keys))
        for file in sets {
            if joined, !file.set.items.contains(where: { $0.category == nil }) {
                fail("\(path) (\(file.language)): no ordinary messages to join the danger ones with")
            }
            let evaluation = LayeredEvaluation(set: joined ? file.set.joined() : file.set, phrases: screener, language: file.language, thresholds: thresholds,
                                               semantic: { semantic?.match($0, excludingExample: $0, decidingWith: thresholds) })
            if verbose {
                for judged in evaluation.judged {
                    let expected = judged.item.category == nil ? ConcernLevel.none : .alert
                    guard judged.assessment.level != expected else { continue }
                    print("  line \(judged.item.line) [\(judged.item.category?.rawValue ?? "ok")] \(describe(judged.assessment, thresholds: thresholds))  \(judged.item.sentence)")
                }
            }
            let total = evaluation.total
            missedAny = missedAny || total.asksOrAlerts < total.danger
            print("\(file.language): \(total.summary)")
            for (category, counts) in evaluation.byCategory {
                print("  \(category.rawValue): alert \(counts.alerts)/\(counts.danger), alert-or-ask \(counts.asksOrAlerts)/\(counts.danger)")
            }
            for judged in evaluation.judged { all.add(judged) }
        }
        if sets.count > 1 { print("all: \(all.summary)") }
        if semantic == nil { print("(phrase lists only: the semantic layer is off)") }
        if missedAny { throw ExitCode(1) }
    }

    /// A labelled set, or every `<language>.txt` in a folder of them; a problem ends the command
    /// with the file and line. A file's language is the start of its name ("fa" of "fa.chat7.txt");
    /// a single file's is `--lang` when given, else the start of its name if that is one of
    /// `languages`, else English.
    private func labelledSets(_ path: String, languages: Set<String>) -> [(language: String, set: LabelledSet)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { fail("\(path) does not exist") }
        func language(ofFile name: String) -> String? {
            name.split(separator: ".").first.map(String.init).flatMap { languages.contains($0) ? $0 : nil }
        }
        let files: [(language: String, path: String)] = isFolder.boolValue
            ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
                .map { (String($0.split(separator: ".")[0]), "\(path)/\($0)") }
            : [(lang ?? language(ofFile: URL(fileURLWithPath: path).lastPathComponent) ?? "en", path)]
        return files.map { file in
            do {
                return (file.language, try LabelledSet(text: try String(contentsOfFile: file.path, encoding: .utf8)))
            } catch {
                fail("\(file.path): \(error)")
            }
        }
    }

    private func printCalibration(_ calibration: Calibration) {
        let calibrated = calibration.thresholds(alertShare: alertShare, askShare: askShare, shortAlertShare: shortAlertShare)
        let pair = calibrated.byCategory.values.first ?? SemanticThresholds.calibratedPair
        print("screened \(calibration.scored.count) calibration messages")
        print(String(format: "calibrated: ask %.4f, alert %.4f, phrase doubt %.4f (ordinary messages, both layers: at most %.1f%% alert, %.1f%% more asked about)",
                     pair.ask, pair.alert, calibrated.phraseDoubt, alertShare * 100, askShare * 100))
        print(String(format: "longer messages (more than %d words, read in pieces too): the whole alerts from %.4f, a piece from %.4f (together: the model alerts on at most %.1f%% of the longer and joined ordinary ones that no phrase alerts on)",
                     SemanticScreener.longerWords, calibrated.longerAlert, calibrated.pieceAlert, alertShare * 100))
        print(String(format: "pieces of longer messages ask from %.4f (longer and joined ordinary messages: at most %.1f%% asked about)",
                     calibrated.pieceAsk, askShare * 100))
        print(String(format: "messages of at most %d words: ask %.4f, alert %.4f (placed on the %d short ones: at most %.1f%% alert, %.1f%% more asked about)",
                     SemanticScreener.shortWords, calibrated.short.ask, calibrated.short.alert,
                     calibration.scored.filter { SemanticScreener.isShort($0.item.sentence) }.count,
                     shortAlertShare * 100, askShare * 100))
        print("with these: \(calibration.evaluation(thresholds: calibrated).summary)")
        for length in Calibration.Length.allCases {
            print("  \(length.rawValue) ones: \(calibration.evaluation(thresholds: calibrated, length: length).summary)")
        }
        print("joined, with these: \(calibration.evaluation(thresholds: calibrated, joined: true).summary)")
        print("with the thresholds in use now: \(calibration.evaluation(thresholds: SemanticThresholds()).summary)")
        print("joined, with the thresholds in use now: \(calibration.evaluation(thresholds: SemanticThresholds(), joined: true).summary)")
        print(String(format: "in the configuration (programme.safety.semantic):\n  thresholds:\n    default: {ask: %.4f, alert: %.4f}\n  phrase_doubt: %.4f\n  longer_alert: %.4f\n  piece_alert: %.4f\n  piece_ask: %.4f\n  short: {ask: %.4f, alert: %.4f}",
                     pair.ask, pair.alert, calibrated.phraseDoubt, calibrated.longerAlert, calibrated.pieceAlert, calibrated.pieceAsk,
                     calibrated.short.ask, calibrated.short.alert))
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("mentorbot screen: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
