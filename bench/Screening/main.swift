import Foundation
import MentorBotDaemon
import Safeguarding

// Screening cost per message and memory with the model loaded, in release, on this machine:
// every held-out message (real-style chat in 12 languages, 4-60 words) screened by the phrase lists
// alone (the baseline, in the same run), by the semantic layer, and by both as the daemon does;
// then long texts (60 KB Latin, 110 KB Arabic) to show the cost stays bounded.
// Usage: mentorbot-screening-bench REPO_ROOT [RUNS]

func residentMegabytes(_ field: String) -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix(field) } ?? ""
    return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
}

func milliseconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

let arguments = CommandLine.arguments
let root = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : ".")
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let dialogs = root.appendingPathComponent("Dialogs").path
let rssBefore = residentMegabytes("VmRSS:")
let phrases = try Screener.load(directory: URL(fileURLWithPath: dialogs).appendingPathComponent("safety"))
let rssPhrases = residentMegabytes("VmRSS:")
let semantic = try SemanticLayer.load(modelFolder: SemanticLayer.modelFolder(configured: nil, dialogs: dialogs),
                                      examples: SemanticLayer.examplesDirectory(dialogs: dialogs),
                                      cache: SemanticLayer.scratchCache(dialogs: dialogs))
let rssModel = residentMegabytes("VmRSS:")
// The weights are mapped from their file: pages of them count in RSS once read, but the kernel can
// drop and reread them. The process's own memory is the anonymous part.
let anonymousModel = residentMegabytes("RssAnon:"), fileModel = residentMegabytes("RssFile:")

var messages: [(String, String)] = [], joinedMessages: [(String, String)] = []
var isDanger: [Bool] = []  // per message: a danger message of the set, or an ordinary one
for folder in ["Tests/SafeguardingTests/TestParts/HeldOut"] {
    let url = root.appendingPathComponent(folder)
    for file in ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() where file.hasSuffix(".txt") {
        let set = try LabelledSet(text: String(contentsOf: url.appendingPathComponent(file), encoding: .utf8))
        messages += set.items.map { (String(file.prefix(2)), $0.sentence) }
        isDanger += set.items.map { $0.category != nil }
        joinedMessages += set.joined().items.map { (String(file.prefix(2)), $0.sentence) }
    }
}
let thresholds = SemanticThresholds()
print("messages: \(messages.count) (held-out sets, 12 languages); runs: \(runs)")
print(String(format: "RSS: %.1f MB at start, %.1f MB with the phrase lists, %.1f MB with the model and %d examples loaded",
             rssBefore, rssPhrases, rssModel, semantic.index.examples.count))
print(String(format: "   of which %.1f MB the process's own (anonymous), %.1f MB mapped from files (the weights, the program)", anonymousModel, fileModel))
print("| layer | p50 ms | p90 ms | p99 ms | max ms | median of runs' p99 |")
print("|---|---|---|---|---|---|")
// As the daemon: the phrase lists first, then no more of the message than can change the verdict
// beside their match (a longer message whose whole alerts is not read in pieces; a phrase match the
// model does not doubt on what it read first stops the reading).
let bothLayers = { (language: String, text: String) in
    let phrase = phrases.screen(text, language: language)
    _ = Assessment(phrase: phrase, semantic: semantic.match(text, decidingWith: thresholds, beside: phrase), thresholds: thresholds)
}
// The same, the semantic layer not told of the phrase match (as until 2026-12-05): the reading's
// own baseline in the same run.
let bothLayersApart = { (language: String, text: String) in
    _ = Assessment(phrase: phrases.screen(text, language: language), semantic: semantic.match(text, decidingWith: thresholds),
                   thresholds: thresholds)
}
var bothTimes: [[Double]] = []  // per run, per message, in the messages' order
for (name, screen) in [
    ("phrase lists (baseline)", { (language: String, text: String) in _ = phrases.screen(text, language: language) }),
    ("semantic layer, every part read", { (_: String, text: String) in _ = semantic.match(text) }),
    ("both, the phrase match not told", bothLayersApart),
    ("both, as the daemon", bothLayers),
] as [(String, (String, String) -> Void)] {
    var all: [Double] = [], p99s: [Double] = []
    for _ in 0..<runs {
        let times = messages.map { message in milliseconds { screen(message.0, message.1) } }
        if name.hasSuffix("daemon") { bothTimes.append(times) }
        p99s.append(percentile(times.sorted(), 0.99))
        all += times
    }
    all.sort()
    print(String(format: "| %@ | %.2f | %.2f | %.2f | %.2f | %.2f |", name, percentile(all, 0.5), percentile(all, 0.9),
                 percentile(all, 0.99), all.last ?? 0, percentile(p99s.sorted(), 0.5)))
}

// What makes the slowest messages slow: the model reads each part (window, piece, second
// reading) of a message, so the cost follows what it reads. Counts only, never the words.
let medianTimes = messages.indices.map { index in percentile(bothTimes.map { $0[index] }.sorted(), 0.5) }
let readings = messages.map { SemanticScreener.parts(of: $0.1, formal: semantic.formal) }
func characters(_ parts: [SemanticScreener.Part]) -> Int { parts.map(\.text.count).reduce(0, +) }
let slowest = messages.indices.sorted { medianTimes[$0] > medianTimes[$1] }.prefix(max(1, messages.count / 100))
print("slowest 1% (both layers, median of runs): ms, words, parts (pieces), characters the model reads, second reading")
for index in slowest {
    let parts = readings[index]
    print(String(format: "  %.1f ms, %d words, %d parts (%d pieces), %d characters, %@", medianTimes[index],
                 messages[index].1.split(whereSeparator: { $0.isWhitespace }).count, parts.count, parts.filter(\.isPiece).count,
                 characters(parts), NativeScript.reading(of: messages[index].1) == nil ? "no" : "yes"))
}
for (label, chosen) in [("one part", readings.indices.filter { readings[$0].count == 1 }),
                        ("several parts", readings.indices.filter { readings[$0].count > 1 })] {
    let times = chosen.map { medianTimes[$0] }.sorted()
    print(String(format: "messages read in %@: %d, p50 %.2f ms, p99 %.2f ms", label, chosen.count, percentile(times, 0.5), percentile(times, 0.99)))
}
// Danger that alerts on its whole is not read in pieces, so the two kinds cost differently.
for (label, chosen) in [("danger", messages.indices.filter { isDanger[$0] }), ("ordinary", messages.indices.filter { !isDanger[$0] })] {
    let times = chosen.map { medianTimes[$0] }.sorted()
    print(String(format: "%@ messages: %d, both layers p50 %.2f ms, p99 %.2f ms", label, chosen.count, percentile(times, 0.5), percentile(times, 0.99)))
}

// The search over the examples, which all of a message's parts (windows, pieces, a second reading)
// share in one pass: on one core (the baseline, as until 2026-12-03) and shared out over the
// machine's cores as the daemon does, on the same queries in this run. A short message has one
// part; a longer one up to a dozen, twice that when it is also read in its own script. Random unit
// vectors cost the search what embeddings do.
var generator = SystemRandomNumberGenerator()
let lanes = SemanticIndex.searchLanes
print("| parts of a message | one core ms | \(lanes) cores ms | ratio |")
print("|---|---|---|---|")
for partCount in [1, 6, 12, 22] {
    let queries: [(embedding: [Float], excluding: String?)] = (0..<partCount).map { _ in
        let vector = (0..<semantic.index.dimension).map { _ in Float.random(in: -1...1, using: &generator) }
        let length = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
        return (vector.map { $0 / length }, nil)
    }
    var oneCore: [Double] = [], shared: [Double] = []
    for _ in 0..<max(runs * 10, 20) {
        oneCore.append(milliseconds { _ = semantic.index.neighbourhoods(of: queries, k: 5, lanes: 1) })
        shared.append(milliseconds { _ = semantic.index.neighbourhoods(of: queries, k: 5, lanes: lanes) })
    }
    let (a, b) = (percentile(oneCore.sorted(), 0.5), percentile(shared.sorted(), 0.5))
    print(String(format: "| %d | %.2f | %.2f | %.2f |", partCount, a, b, b / a))
}

// Longer messages, which the semantic layer also reads in pieces: the same held-out messages
// joined as `mentorbot screen --joined` joins them (a danger message between two ordinary ones,
// ordinary ones three at a time).
var joinedTimes: [Double] = []
for _ in 0..<runs {
    joinedTimes += joinedMessages.map { message in milliseconds { bothLayers(message.0, message.1) } }
}
joinedTimes.sort()
let joinedWords = joinedMessages.map { $0.1.split(separator: " ").count }
print(String(format: "longer messages (%d, held-out joined, %d-%d words): both layers p50 %.2f ms, p90 %.2f, p99 %.2f, max %.2f",
             joinedMessages.count, joinedWords.min() ?? 0, joinedWords.max() ?? 0, percentile(joinedTimes, 0.5), percentile(joinedTimes, 0.9),
             percentile(joinedTimes, 0.99), joinedTimes.last ?? 0))

let latinWords = "the he she my mum passport money work house school friend today tomorrow police station".split(separator: " ")
let arabicWords = "أنا في البيت مع أمي اليوم غدا المدرسة العمل الشرطة جواز السفر المال".split(separator: " ")
for (name, words, count) in [("60 KB Latin", latinWords, 10_000), ("110 KB Arabic", arabicWords, 12_000)] {
    let text = (0..<count).map { String(words[$0 % words.count]) }.joined(separator: " ")
    var times: [Double] = []
    for _ in 0..<max(runs, 3) {
        times.append(milliseconds {
            _ = Assessment(phrase: phrases.screen(text, language: "en"), semantic: semantic.match(text, decidingWith: thresholds),
                           thresholds: thresholds)
        })
    }
    times.sort()
    print(String(format: "long text %@ (%d bytes): both layers, median %.1f ms of %d runs", name, text.utf8.count, percentile(times, 0.5), times.count))
}
print(String(format: "peak RSS: %.1f MB", residentMegabytes("VmHWM:")))
