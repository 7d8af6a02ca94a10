import ArgumentParser
import Foundation
import Safeguarding

/// For staff tuning the phrase lists: what screening would do with each sentence.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen sentences (one per line on standard input) as the bot would screen a message.",
        discussion: """
            For each line, prints ALERT with the category, its severity and the phrase that matched (with its \
            list and line), or "ok". The person's language is looked at first, then every other list, as in \
            the running bot. With --labelled FILE, reads "category | sentence" lines instead and prints the \
            sentences missed and the false alarms, then recall and false-alarm rate.
            """)

    @Option(help: "The person's language (its list is tried first).") var lang: String = "en"
    @Option(help: "The folder of phrase lists.") var safety: String = "Dialogs/safety"
    @Option(help: "A labelled set to measure, e.g. Tests/SafeguardingTests/Labelled/fr.txt.") var labelled: String?

    func run() throws {
        let screener: Screener
        do {
            screener = Screener(lists: try PhraseList.loadAll(directory: URL(fileURLWithPath: safety)))
        } catch {
            FileHandle.standardError.write(Data("mentorbot screen: \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard screener.lists[lang] != nil else {
            FileHandle.standardError.write(Data("mentorbot screen: no phrase list for \"\(lang)\" in \(safety)\n".utf8))
            throw ExitCode(2)
        }
        if let labelled {
            let set: LabelledSet
            do {
                set = try LabelledSet(text: try String(contentsOfFile: labelled, encoding: .utf8))
            } catch {
                FileHandle.standardError.write(Data("mentorbot screen: \(labelled): \(error)\n".utf8))
                throw ExitCode(2)
            }
            let result = set.evaluate(with: screener, language: lang)
            for item in result.missed { print("MISSED line \(item.line) (\(item.category?.rawValue ?? "")): \(item.sentence)") }
            for (item, hit) in result.otherCategory {
                print("OTHER  line \(item.line) (\(item.category?.rawValue ?? "") → \(hit.category.rawValue) «\(hit.phrase)»): \(item.sentence)")
            }
            for (item, hit) in result.falseAlarms {
                print("FALSE  line \(item.line) (\(hit.category.rawValue) «\(hit.phrase)» \(hit.language):\(hit.line)): \(item.sentence)")
            }
            print("\(lang): \(result.summary)")
            if !result.missed.isEmpty { throw ExitCode(1) }
            return
        }
        while let line = readLine() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            if let hit = screener.screen(line, language: lang) {
                print("ALERT  \(hit.category.rawValue) (\(hit.category.severity.rawValue))  «\(hit.phrase)»  [\(hit.language) line \(hit.line)]  \(line)")
            } else {
                print("ok     \(line)")
            }
        }
    }
}
