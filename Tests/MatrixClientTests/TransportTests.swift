import Foundation
import Testing
@testable import MatrixClient

/// A small HTTP server on a loopback port, scripted per test, so the real libcurl transport and
/// retry loop are exercised over a socket.
final class ScriptedServer: @unchecked Sendable {
    let process = Process()
    let url: String

    /// `script` maps a path to a list of answers (status, headers, body, delay seconds), used in turn.
    init(script: [String: [(Int, [String: String], String, Double)]]) throws {
        let plan = script.mapValues { answers in answers.map { ["status": $0.0, "headers": $0.1, "body": $0.2, "delay": $0.3] as [String: Any] } }
        let planData = try JSONSerialization.data(withJSONObject: plan)
        let code = #"""
        import json, sys, time, threading
        from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
        plan = json.loads(sys.argv[1]); counts = {}; lock = threading.Lock()
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def answer(self):
                path = self.path.split("?")[0]
                n = int(self.headers.get("Content-Length") or 0)
                if n: self.rfile.read(n)
                with lock:
                    i = counts.get(path, 0); counts[path] = i + 1
                answers = plan.get(path, [{"status": 404, "headers": {}, "body": "{}", "delay": 0}])
                a = answers[min(i, len(answers) - 1)]
                time.sleep(a["delay"])
                body = a["body"].encode()
                if a["body"].startswith("@@BIG:"): body = b"x" * int(a["body"][6:])
                self.send_response(a["status"])
                for k, v in a["headers"].items(): self.send_header(k, v)
                self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            do_GET = do_POST = do_PUT = answer
        def exit_with_parent():
            sys.stdin.read()
            import os; os._exit(0)
        threading.Thread(target=exit_with_parent, daemon=True).start()
        s = ThreadingHTTPServer(("127.0.0.1", 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """#
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", code, String(decoding: planData, as: UTF8.self)]
        // The server ends when its stdin closes, i.e. when this test process ends whatever happens,
        // and never holds the test runner's output open.
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw MatrixError.unexpectedResponse("the scripted test server did not start (is python3 installed?)")
        }
        url = "http://127.0.0.1:\(port)"
    }

    deinit { process.terminate() }
}

@Suite struct TransportTests {
    static let whoami = "/_matrix/client/v3/account/whoami"

    @Test func aRateLimitedRequestIsRetriedAfterTheServersWait() async throws {
        let server = try ScriptedServer(script: [Self.whoami: [
            (429, ["Retry-After": "1"], #"{"errcode":"M_LIMIT_EXCEEDED","error":"slow down"}"#, 0),
            (200, [:], #"{"user_id":"@bot:localhost"}"#, 0),
        ]])
        let client = MatrixClient(homeserver: server.url, accessToken: "t")
        let start = Date()
        let who = try await client.whoami()
        #expect(who.userId == "@bot:localhost")
        #expect(Date().timeIntervalSince(start) >= 0.95)
    }

    @Test func serverErrorsAreRetriedThenSucceed() async throws {
        let server = try ScriptedServer(script: [Self.whoami: [
            (502, [:], "bad gateway", 0), (500, [:], "{}", 0), (200, [:], #"{"user_id":"@bot:localhost"}"#, 0),
        ]])
        let client = MatrixClient(homeserver: server.url, accessToken: "t", retryPolicy: RetryPolicy(base: 0.05))
        #expect(try await client.whoami().userId == "@bot:localhost")
    }

    /// Issue 13: a 200 MB answer took the daemon to 243 MB. An answer beyond the cap is cut off
    /// and refused, not read into memory.
    @Test func anAnswerTooLargeToReadIsRefused() async throws {
        let server = try ScriptedServer(script: ["/_matrix/client/v3/sync": [(200, [:], "@@BIG:\((CurlHandle.maximumBody) + 1_000_000)", 0)]])
        let client = MatrixClient(homeserver: server.url, accessToken: "t")
        do {
            _ = try await client.sync(since: nil, filter: "{}", timeoutMs: 0)
            Issue.record("an oversized answer was read")
        } catch let error as MatrixError {
            #expect(error.isUnreadableAnswer && error.description.contains("larger than 64 MB"), "\(error)")
        }
    }

    @Test func anUnknownTokenIsThrownAtOnce() async throws {
        let server = try ScriptedServer(script: [Self.whoami: [(401, [:], #"{"errcode":"M_UNKNOWN_TOKEN","error":"gone"}"#, 0)]])
        let client = MatrixClient(homeserver: server.url, accessToken: "t")
        await #expect(throws: MatrixError.http(status: 401, errcode: "M_UNKNOWN_TOKEN", message: "gone", retryAfter: nil)) {
            _ = try await client.whoami()
        }
    }

    @Test func somethingThatIsNotAHomeserverIsSaidPlainly() async throws {
        let server = try ScriptedServer(script: [:])
        let client = MatrixClient(homeserver: server.url)
        do {
            _ = try await client.versions()
            Issue.record("a 404 server is not a homeserver")
        } catch let error as MatrixError {
            #expect(error.description.contains("not a Matrix homeserver (GET /_matrix/client/versions answered 404)"))
        }
    }

    /// The send must not queue behind the long-poll: it finishes while the sync is still held open.
    /// Judged by order, not by a tight time limit; the sync is held 30 s (as a real long-poll is),
    /// because under the full suite's load a send once took longer than a 6-second hold.
    @Test func aLongPollDoesNotHoldUpASend() async throws {
        let server = try ScriptedServer(script: [
            "/_matrix/client/v3/sync": [(200, [:], #"{"next_batch":"s2"}"#, 30)],
            "/_matrix/client/v3/rooms/%21r%3Alocalhost/send/m.room.message/t1": [(200, [:], #"{"event_id":"$e"}"#, 0)],
        ])
        let client = MatrixClient(homeserver: server.url, accessToken: "t")
        let syncReturned = Flag()
        async let sync = { let batch = try await client.sync(since: "s1", filter: "{}", timeoutMs: 30_000).nextBatch
            await syncReturned.set()
            return batch }()
        try await Task.sleep(nanoseconds: 100_000_000)
        let eventID = try await client.send(roomId: "!r:localhost", txnId: "t1", content: MessageContent(kind: .text, body: "x", html: nil))
        #expect(eventID == "$e")
        #expect(await !syncReturned.isSet, "the send waited behind the long-poll")
        #expect(try await sync == "s2")
    }

    @Test func aRefusedConnectionIsANetworkError() async throws {
        let client = MatrixClient(homeserver: "http://127.0.0.1:9", accessToken: "t", retryPolicy: RetryPolicy(maximumAttempts: 1))
        do {
            _ = try await client.whoami()
            Issue.record("nothing listens on port 9")
        } catch let error as MatrixError {
            guard case .network = error else { throw error }
        }
    }
}

/// Set once, read from any task.
actor Flag {
    private(set) var isSet = false
    func set() { isSet = true }
}
