import BotModel
import Dialogs
import DurableStore
import Foundation
import MentorBotCore
import Safeguarding

// The scheduler at programme scale: 10,000 pairs (20,000 people) with 100,000 pending jobs
// (two planned meetings per pair, each with reminders to both people a day and two hours before
// and a log request after). Measures, as medians of RUNS:
//   - start-up: opening the data directory and rebuilding the state, from the journal alone and
//     from a snapshot (what the daemon does before it talks to anyone);
//   - memory: resident set size (VmRSS) and peak (VmHWM) of a fresh process that has just loaded
//     the data directory and holds the state, as the daemon does after start-up;
//   - firing: jobs run per second when the clock moves through the month in 15-minute ticks,
//     each tick a full `BotCore.handle(.tick)` and its events applied (messages are queued, as
//     the outbox would then send them).
//
// usage: mentorbot-scheduler-bench REPO_ROOT [PAIRS] [RUNS]   (scripts/bench.sh runs it)

let arguments = CommandLine.arguments

// Child mode: load a data directory as the daemon would and report memory, nothing else in the
// process, so that the figure is the state's and not the benchmark's own generated journal.
if arguments.count == 3 && arguments[1] == "--load" {
    let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: URL(fileURLWithPath: arguments[2]))
    let state = recovered.state
    await store.close()
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let field = { (name: String) in status.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map(String.init) ?? "" }
    print("\(state.jobs.count) \(field("VmRSS")) \(field("VmHWM"))")
    exit(0)
}

let root = URL(fileURLWithPath: arguments.count > 1 ? arguments[1] : ".")
let pairCount = arguments.count > 2 ? Int(arguments[2]) ?? 10_000 : 10_000
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let library = try DialogLibrary.load(directory: root.appendingPathComponent("Dialogs"))
// No text is screened here: the bench moves only the clock.
let screener = Screener(lists: [:])
var people = [Person(id: "C1", matrixID: "@c:bench", role: .coordinator, language: "en", timeZone: "Europe/Brussels")]
var pairs: [Pair] = []
for index in 0..<pairCount {
    people.append(Person(id: "M\(index)", matrixID: "@m\(index):bench", role: .mentor, language: index % 2 == 0 ? "fr" : "en",
                         timeZone: "Europe/Brussels"))
    people.append(Person(id: "E\(index)", matrixID: "@e\(index):bench", role: .mentee, language: index % 3 == 0 ? "ar" : "en",
                         timeZone: "Europe/Brussels"))
    pairs.append(Pair(id: "P-\(index)", mentorID: "M\(index)", menteeID: "E\(index)", startDate: "2027-01-01"))
}
let configuration = Configuration(
    homeserver: "http://bench.invalid", bot: BotAccount(userID: "@bot:bench", credential: .accessToken(.environment("X")), deviceID: "B"),
    dataDirectory: "", dialogsDirectory: "", coordinatorsRoom: "#c:bench",
    programme: Programme(defaultLanguage: "en", timeZone: "Europe/Brussels"), roster: Roster(people: people, pairs: pairs))
let core = BotCore(configuration: configuration, library: library, screener: screener)

// Monday 4 January 2027, 09:00 in Brussels.
let start = Date(timeIntervalSince1970: 1_799_049_600)
var events: [DomainEvent] = [.firstStarted(at: start)]
for (index, person) in people.enumerated() {
    events += [.greeted(matrixID: person.matrixID), .directRoomLinked(matrixID: person.matrixID, roomID: "!r\(index):bench")]
    if person.role != .coordinator {
        events.append(.consentRecorded(matrixID: person.matrixID, consents: ["checkins": true, "meetings": true, "evaluation": true], at: start))
    }
}
var jobCount = 0
for (index, pair) in pairs.enumerated() {
    for meetingNumber in 0..<2 {
        let day = 1 + (index * 2 + meetingNumber) % 27
        let startsAt = start.addingTimeInterval(TimeInterval(day) * 86_400 + TimeInterval(index % 8) * 3_600)
        let meeting = Meeting(id: "meeting-\(index)-\(meetingNumber)", pairID: pair.id, plannedBy: pair.mentorID, startsAt: startsAt,
                              timeZone: "Europe/Brussels", place: "library", form: "in_person", status: .confirmed)
        events.append(.meetingSaved(meeting))
        var due: [(ScheduledJob.Kind, Date)] = []
        for offset in [86_400.0, 7_200] {
            due.append((.meetingReminder(meetingID: meeting.id, matrixID: "@m\(index):bench"), startsAt.addingTimeInterval(-offset)))
            due.append((.meetingReminder(meetingID: meeting.id, matrixID: "@e\(index):bench"), startsAt.addingTimeInterval(-offset)))
        }
        due.append((.logRequest(meetingID: meeting.id, matrixID: "@m\(index):bench"), startsAt.addingTimeInterval(4 * 3_600)))
        for (kind, dueAt) in due {
            jobCount += 1
            events.append(.jobScheduled(ScheduledJob(id: "job-\(jobCount)", kind: kind, dueAt: dueAt)))
        }
    }
}

let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-bench-\(UUID().uuidString)")
let journalOnly = workspace.appendingPathComponent("journal"), withSnapshot = workspace.appendingPathComponent("snapshot")
defer { try? FileManager.default.removeItem(at: workspace) }
var written = BotState()
for directory in [journalOnly, withSnapshot] {
    let (store, _) = try EventStore<DomainEvent, BotState>.open(directory: directory)
    for chunk in stride(from: 0, to: events.count, by: 10_000) {
        try await store.append(Array(events[chunk..<min(chunk + 10_000, events.count)]))
    }
    if directory == withSnapshot {
        written = BotState()
        for event in events { written.apply(event) }
        try await store.writeSnapshot(written)
    }
    await store.close()
}
written = BotState()

func load(_ directory: URL) throws -> BotState {
    let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
    let state = recovered.state
    Task { await store.close() }
    return state
}

var fromJournal: [Double] = [], fromSnapshot: [Double] = []
var loaded = BotState()
for _ in 0..<runs {
    fromJournal.append(try seconds { loaded = try load(journalOnly) })
    try await Task.sleep(nanoseconds: 50_000_000)
    fromSnapshot.append(try seconds { loaded = try load(withSnapshot) })
    try await Task.sleep(nanoseconds: 50_000_000)
}
precondition(loaded.jobs.count == jobCount, "the state holds \(loaded.jobs.count) jobs, expected \(jobCount)")

/// Resident and peak memory (MB) of a fresh process that loads `directory` and holds the state.
func childMemory(_ directory: URL, expecting jobCount: Int) throws -> (rss: Double, peak: Double) {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--load", directory.path]
    let pipe = Pipe()
    child.standardOutput = pipe
    try child.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    let numbers = output.split(whereSeparator: { !$0.isNumber }).compactMap { Double($0) }
    precondition(numbers.count >= 3 && Int(numbers[0]) == jobCount, "the child loaded: \(output)")
    return (numbers[1] / 1024, numbers[2] / 1024)
}
var snapshotMemory: [(rss: Double, peak: Double)] = [], journalMemory: [(rss: Double, peak: Double)] = []
for _ in 0..<runs {
    snapshotMemory.append(try childMemory(withSnapshot, expecting: jobCount))
    journalMemory.append(try childMemory(journalOnly, expecting: jobCount))
}

var rates: [Double] = []
var fired = 0
for _ in 0..<runs {
    var state = loaded
    var now = start
    var done = 0
    let took = seconds {
        while now < start.addingTimeInterval(31 * 86_400) {
            now = now.addingTimeInterval(900)
            for event in core.handle(Input.tick, state: state, now: now) {
                if case .jobFinished = event { done += 1 }
                state.apply(event)
            }
            // The outbox sends what was queued; the bench marks it sent at once.
            for message in state.outbox { state.apply(.messageSent(transactionID: message.transactionID, eventID: "$b")) }
        }
    }
    precondition(state.jobs.isEmpty || state.jobs.allSatisfy { $0.dueAt > now }, "jobs left behind")
    fired = done
    rates.append(Double(done) / took)
}

print("| pairs | pending jobs | start-up from snapshot (s) | from journal alone (s) | RSS after start (MB) | peak RSS from snapshot (MB) | peak RSS from journal (MB) | jobs run | jobs/s |")
print("|---|---|---|---|---|---|---|---|---|")
print(String(format: "| %d | %d | %.3f | %.3f | %.1f | %.1f | %.1f | %d | %.0f |", pairCount, jobCount, median(fromSnapshot),
             median(fromJournal), median(snapshotMemory.map(\.rss)), median(snapshotMemory.map(\.peak)),
             median(journalMemory.map(\.peak)), fired, median(rates)))
print("Medians of \(runs) runs. Journal: \(events.count) events. Jobs run include follow-up log reminders scheduled while running.")
