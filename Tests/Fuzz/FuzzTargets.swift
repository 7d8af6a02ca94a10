// libFuzzer targets for every parser that takes outside input. scripts/fuzz.sh builds this with
// -sanitize=fuzzer -DFUZZING and runs each target for a fixed time; an ordinary build makes a
// program that only says how to fuzz. Thrown errors are the parsers' answers to bad input, not
// findings: a finding is a crash, a trap, a hang or runaway memory.
import Dialogs
import Foundation
import MatrixClient
import Safeguarding
import StrictYAML
import ConfigurationLoading
import BotModel

/// The parsers, by the name MENTORBOT_FUZZ_TARGET gives.
enum FuzzTarget: String, CaseIterable {
    /// A /sync answer from the homeserver (any federated server's events end up in it).
    case sync
    /// The configuration file, roster included.
    case configuration
    /// A dialog script and a message catalog, as YAML.
    case dialog
    /// A reply read as an answer: days, times, numbers and choices, in all 12 languages.
    case answers
    /// The danger phrase lists' screening and the safety word, in all 12 languages.
    case screen

    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let library = try! DialogLibrary.load(directory: repoRoot.appendingPathComponent("Dialogs"))
    static let screener = try! Screener.load(directory: repoRoot.appendingPathComponent("Dialogs/safety"))
    static let localizer = Localizer(catalogs: library.catalogs, defaultLanguage: "en")
    static let languages = library.catalogs.keys.sorted()
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let answerTypes: [AnswerType] = [
        .date(.any), .date(.future), .time, .dateTime(.past), .number(min: 0, max: 1_000), .yesNo, .scale, .text(maxLength: 500),
        .choices([ChoiceOption(value: "sport", label: "closure.helped.connection"), ChoiceOption(value: "other", label: "closure.helped.other")]),
    ]

    func run(_ data: Data) {
        switch self {
        case .sync:
            _ = try? SyncResponse.read(data)
        case .configuration:
            guard let text = String(data: data, encoding: .utf8) else { return }
            _ = try? ConfigurationLoader(supportedLanguages: Set(Self.languages)).load(yaml: text, file: "fuzz.yaml", baseDirectory: "/nonexistent")
        case .dialog:
            guard let text = String(data: data, encoding: .utf8) else { return }
            _ = try? DialogLoader.loadScript(yaml: text, file: "fuzz.yaml")
            _ = try? DialogLoader.loadCatalog(yaml: text, file: "fuzz.yaml")
        case .answers:
            let text = String(decoding: data, as: UTF8.self)
            // The first byte picks the language and the zone, the rest is the reply.
            let language = Self.languages[Int(data.first ?? 0) % Self.languages.count]
            let zone = TimeZone(identifier: ["Europe/Brussels", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu"][Int(data.first ?? 0) % 4])!
            let parser = AnswerParser(localizer: Self.localizer, language: language, now: Self.now, timeZone: zone)
            for type in Self.answerTypes { _ = parser.interpret(String(text.dropFirst()), as: type) }
        case .screen:
            let text = String(decoding: data, as: UTF8.self)
            _ = SafetyWord.appears(in: text)
            let language = Self.languages[Int(data.first ?? 0) % Self.languages.count]
            _ = Self.screener.screen(text, language: language)
        }
    }

    static var chosen: FuzzTarget {
        let name = ProcessInfo.processInfo.environment["MENTORBOT_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("set MENTORBOT_FUZZ_TARGET to one of: \(allCases.map(\.rawValue).joined(separator: " "))\n".utf8))
            exit(2)
        }
        return target
    }
}

#if FUZZING
nonisolated(unsafe) private var target: FuzzTarget?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    if target == nil { target = FuzzTarget.chosen }
    target!.run(Data(bytes: bytes, count: count))
    return 0
}

/// libFuzzer's own driver (in its runtime, linked by -sanitize=fuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM names an executable's entry point after its module; libFuzzer's driver runs from it.
@_cdecl("mentorbot_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments, fuzzOneInput)
}
#else
@main
enum FuzzUsage {
    static func main() {
        FileHandle.standardError.write(Data("mentorbot-fuzz: build and run it with scripts/fuzz.sh (libFuzzer: -sanitize=fuzzer -DFUZZING)\n".utf8))
        exit(2)
    }
}
#endif
