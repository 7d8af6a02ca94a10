import Foundation
import MatrixClient
import Testing

extension IntegrationSuite {
    /// Issue 14: the programme's figures from a store made by a real run over Synapse. A mentor
    /// logs a two-hour meeting, the mentee checks in and writes "sos", a coordinator takes it on;
    /// `mentorbot report` (with the bot running) gives those figures as CSV, the page shows its
    /// three charts in a real headless browser, and on the first of the month the coordinators'
    /// room gets the headline figures and the page as a file.
    @Suite struct ReportTests {
        static let brussels = TimeZone(identifier: "Europe/Brussels")!

        @Test func aRunsFiguresAsCSVThePageWithItsChartsInABrowserAndTheMonthlyPost() async throws {
            let chromium = try Self.browser()
            let programme = try Programme(mentorLanguage: "en")
            defer { programme.process.kill(SIGKILL) }
            let bot = programme.bot.userID
            let (mentorRoom, _) = try await programme.startAndOpenMentorRoom()
            let (menteeRoom, _) = try await programme.open(programme.mentee)
            let coordinatorsRoom = try await programme.joinCoordinatorsRoom(programme.coordinator)

            // The mentor logs a meeting held today, 10:00 to 12:00.
            let mentor = { (text: String) in try await programme.exchange(programme.mentor, in: mentorRoom, text, replies: 1) }
            for answer in ["log", "today", "yes", "10:00", "yes", "12:00", "yes", "1", "1", "1 4", "yes", "no", "no"] {
                _ = try await mentor(answer)
            }
            #expect(try await mentor("yes") == [shippedText.text("log_meeting.thanks", in: "en", ["number": "1"])])

            // The mentee checks in ("somewhat": 3 of 4), then writes "sos"; a coordinator takes it on.
            let mentee = { (text: String, replies: Int) in try await programme.exchange(programme.mentee, in: menteeRoom, text, replies: replies) }
            _ = try await mentee("checkin", 2)
            for answer in ["1", "3", "yes", "no", "2", "no"] { _ = try await mentee(answer, 1) }
            #expect(try await mentee("no", 1) == [shippedText.text("checkin.thanks", in: "en")])
            try await programme.mentee.say("sos", in: menteeRoom)
            _ = try await programme.coordinator.waitForMessage(from: bot, containing: "I-001", timeout: 20)
            try await programme.coordinator.say("ack I-001", in: coordinatorsRoom)
            _ = try await programme.coordinator.waitForMessage(from: bot, containing: "I-001 is taken on", timeout: 20)

            // The report, with the bot still running.
            let month = Self.month(of: Date())
            let out = programme.process.directory.appendingPathComponent("report")
            let (status, said) = try programme.process.command(["report", "--month", month, "--out", out.path])
            #expect(status == 0 && said.contains("pairs 1, meetings 1"), "\(said)")
            func csv(_ name: String) -> String {
                (try? String(contentsOf: out.appendingPathComponent("\(month)-\(name)"), encoding: .utf8)) ?? "(no \(name))"
            }
            #expect(csv("pairs.csv").contains("\nP-001,1,2,no,2.00,0,0,no,no\n"), "\(csv("pairs.csv"))")
            #expect(csv("checkins.csv").contains("\nmentee,0,1,,3.00,1,1,0,0,0\n"), "\(csv("checkins.csv"))")
            #expect(csv("summary.csv").contains("incidents_raised,1\n") && csv("summary.csv").contains("incidents_acknowledged,1\n"))
            #expect(csv("summary.csv").contains("people_counted,2\n") && csv("summary.csv").contains("hours,2.00\n"))

            // The page in a real browser at a phone's width: each chart's colour is on the screen.
            let page = out.appendingPathComponent("mentorbot-report-\(month).html")
            let shot = out.appendingPathComponent("report.png")
            try ProgramRun.succeeding(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=412,2400",
                                    "--screenshot=\(shot.path)", page.absoluteString])
            let pixels = try Self.colourPixels(in: shot, python: programme.homeserver.repoRoot.appendingPathComponent(".venv/bin/python").path, colours: ["meetings": "#1f6feb", "mentees": "#2f9e44", "acknowledge": "#9c36b5"])
            print("report page in chromium, pixels per chart colour: \(pixels)")
            #expect(pixels["meetings", default: 0] > 300, "the bar of meetings per pair: \(pixels)")
            #expect(pixels["mentees", default: 0] > 30, "the mentees' point on the satisfaction chart: \(pixels)")
            #expect(pixels["acknowledge", default: 0] > 300, "the bar of time to acknowledge: \(pixels)")

            // The first of next month, 10:01 by the daemon's clock: the figures and the page as a file.
            try programme.process.setClock(to: Self.firstOfNextMonth(after: Date()).addingTimeInterval(60))
            let headline = try await programme.coordinator.waitForMessage(from: bot, containing: "Programme figures for", timeout: 30).body
            #expect(headline.contains("Pairs: 1. Meetings logged: 1.") && headline.contains("Safety incidents: 1."), "\(headline)")
            var file: (sender: String, name: String, url: String)?
            for _ in 0..<30 where file == nil {
                try await programme.coordinator.poll()
                file = await programme.coordinator.files[coordinatorsRoom]?.first { $0.sender == bot }
            }
            let posted = try #require(file, "the page was posted as a file")
            #expect(posted.name == "mentorbot-report-\(month).html")
            let downloaded = try Self.download(posted.url, homeserver: programme.homeserver.url, token: programme.coordinator.account.accessToken)
            #expect(downloaded.contains("<svg") && downloaded.contains("P-001") && !downloaded.contains(programme.mentee.account.userID))
        }

        /// The browser `scripts/setup.sh` installs; the test fails (never skips) without it.
        static func browser() throws -> String {
            for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            where FileManager.default.isExecutableFile(atPath: path) { return path }
            throw Missing(description: "no headless browser (chromium) to render the report: run scripts/setup.sh, which installs it")
        }

        struct Missing: Error, CustomStringConvertible { let description: String }

        static func month(of instant: Date) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = brussels
            let parts = calendar.dateComponents([.year, .month], from: instant)
            return String(format: "%04d-%02d", parts.year!, parts.month!)
        }

        static func firstOfNextMonth(after instant: Date) -> Date {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = brussels
            let parts = calendar.dateComponents([.year, .month], from: instant)
            return calendar.date(from: DateComponents(year: parts.year, month: parts.month! + 1, day: 1, hour: 10))!
        }

        @discardableResult
        /// How many pixels of the screenshot are (nearly) each colour, read by Pillow from the test
        /// homeserver's own virtual environment (Synapse depends on it).
        static func colourPixels(in png: URL, python: String, colours: [String: String]) throws -> [String: Int] {
            let script = """
            import json, sys
            from PIL import Image
            image = Image.open(sys.argv[1]).convert("RGB")
            wanted = json.loads(sys.argv[2])
            targets = {name: tuple(int(code[i:i + 2], 16) for i in (1, 3, 5)) for name, code in wanted.items()}
            counts = {name: 0 for name in targets}
            for pixel in image.getdata():
                for name, target in targets.items():
                    if all(abs(a - b) <= 24 for a, b in zip(pixel, target)):
                        counts[name] += 1
            print(json.dumps(counts))
            """
            let colourJSON = String(decoding: try JSONEncoder().encode(colours), as: UTF8.self)
            let output = try ProgramRun.succeeding(python, ["-c", script, png.path, colourJSON])
            return try JSONDecoder().decode([String: Int].self, from: Data(output.utf8))
        }

        /// A file from the media repository, as the coordinator's client would fetch it.
        static func download(_ mxc: String, homeserver: String, token: String) throws -> String {
            let path = mxc.replacingOccurrences(of: "mxc://", with: "")
            return try ProgramRun.succeeding("/usr/bin/curl", ["-sf", "-H", "Authorization: Bearer \(token)", "\(homeserver)/_matrix/client/v1/media/download/\(path)"])
        }
    }
}
