import Foundation
import Testing
@testable import MatrixClient

@Suite struct RetryPolicyTests {
    let policy = RetryPolicy()
    let rateLimited = MatrixError.http(status: 429, errcode: "M_LIMIT_EXCEEDED", message: nil, retryAfter: 3.5)

    @Test func aRateLimitWaitsExactlyAsLongAsTheServerAsked() {
        #expect(policy.delay(afterAttempt: 1, error: rateLimited, random: { _ in 99 }) == 3.5)
        let silent = MatrixError.http(status: 429, errcode: nil, message: nil, retryAfter: nil)
        #expect(policy.delay(afterAttempt: 1, error: silent, random: { _ in 99 }) == policy.defaultRateLimitWait)
    }

    /// Issue 13's reproducers: these waits crashed the daemon (inf, 1e30, 1e300, -1), stalled it
    /// for decades (999999999, a date in 9999) or looped at 15 requests a second (0, nan).
    @Test(arguments: ["inf", "1e30", "999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "0", "nan", "-5"])
    func aServerWaitIsKeptWithinReason(header: String) {
        let response = HTTPResponse(status: 429, headers: ["retry-after": header], body: Data(#"{"errcode":"M_LIMIT_EXCEEDED"}"#.utf8))
        let wait = policy.delay(afterAttempt: 1, error: MatrixError.from(response), random: { _ in 0 })!
        #expect(wait.isFinite && (policy.shortestServerWait...policy.longestServerWait).contains(wait), "\(header) → \(wait)")
    }

    @Test(arguments: [-1000.0, 1e300, 0])
    func aRetryAfterMsInTheBodyIsKeptWithinReason(milliseconds: Double) {
        let body = #"{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":"# + "\(milliseconds)" + "}"
        let wait = policy.delay(afterAttempt: 1, error: MatrixError.from(HTTPResponse(status: 429, headers: [:], body: Data(body.utf8))),
                                random: { _ in 0 })!
        #expect(wait.isFinite && (policy.shortestServerWait...policy.longestServerWait).contains(wait), "\(milliseconds) → \(wait)")
    }

    @Test func serverAndNetworkErrorsBackOffExponentiallyWithJitterUpToTheCap() {
        var ceilings: [Double] = []
        let server = MatrixError.http(status: 502, errcode: nil, message: nil, retryAfter: nil)
        for attempt in 1...10 {
            _ = policy.delay(afterAttempt: attempt, error: server, random: { range in
                ceilings.append(range.upperBound)
                return range.upperBound
            })
        }
        #expect(ceilings == [0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30])
        // A server that does not answer at all is tried again at least every second: the bot is
        // back within a second of its return (issue 13: it took up to 8 s).
        let refused = (1...10).map { policy.delay(afterAttempt: $0, error: .network("refused"), random: { $0.upperBound })! }
        #expect(refused.max() == policy.networkCap)
        let jittered = policy.delay(afterAttempt: 3, error: server, random: { Double.random(in: $0) })!
        #expect((0...2).contains(jittered))
    }

    @Test func permanentAndFatalErrorsAreNotRetried() {
        let forbidden = MatrixError.http(status: 403, errcode: "M_FORBIDDEN", message: nil, retryAfter: nil)
        let token = MatrixError.http(status: 401, errcode: "M_UNKNOWN_TOKEN", message: nil, retryAfter: nil)
        #expect(policy.delay(afterAttempt: 1, error: forbidden, random: { _ in 0 }) == nil)
        #expect(policy.delay(afterAttempt: 1, error: token, random: { _ in 0 }) == nil)
        #expect(forbidden.isPermanent && !forbidden.isUnknownToken)
        #expect(token.isUnknownToken && !token.isPermanent)
    }

    @Test func anAttemptLimitIsHonoured() {
        let limited = RetryPolicy(maximumAttempts: 3)
        #expect(limited.delay(afterAttempt: 2, error: .network("x"), random: { _ in 0 }) != nil)
        #expect(limited.delay(afterAttempt: 3, error: .network("x"), random: { _ in 0 }) == nil)
    }
}

@Suite struct ErrorDecodingTests {
    func response(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func retryAfterMsInTheBodyIsRead() {
        let error = MatrixError.from(response(429, #"{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2500}"#))
        #expect(error.isRateLimited)
        #expect(error.retryAfter == 2.5)
    }

    @Test func theRetryAfterHeaderIsReadAndTheLongerWaitWins() {
        #expect(MatrixError.from(response(429, "{}", headers: ["retry-after": "7"])).retryAfter == 7)
        let both = MatrixError.from(response(429, #"{"retry_after_ms":2000}"#, headers: ["retry-after": "4"]))
        #expect(both.retryAfter == 4)
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00:00 GMT
        let date = MatrixError.from(response(429, "{}", headers: ["retry-after": "Fri, 15 Jan 2027 08:00:10 GMT"]), now: now)
        #expect(date.retryAfter == 10)
    }

    @Test func anUnknownTokenIsRecognised() {
        let error = MatrixError.from(response(401, #"{"errcode":"M_UNKNOWN_TOKEN","error":"Invalid access token passed.","soft_logout":false}"#))
        #expect(error.isUnknownToken)
        #expect(error.description == "HTTP 401 M_UNKNOWN_TOKEN: Invalid access token passed.")
    }

    @Test func aNonJSONErrorBodyStillGivesTheStatus() {
        let error = MatrixError.from(response(502, "<html>Bad gateway</html>"))
        #expect(error.status == 502)
        #expect(error.isRetryable)
    }
}

@Suite struct SyncDecodingTests {
    static let sample = #"""
    {"next_batch":"s72595_4483_1934","rooms":{
      "join":{"!dm:localhost":{"timeline":{"events":[
        {"type":"m.room.message","event_id":"$1","sender":"@amina:localhost","origin_server_ts":1700000000000,
         "content":{"msgtype":"m.text","body":"> <@mentorbot:localhost> How are you?\n\nbilan",
                    "m.relates_to":{"m.in_reply_to":{"event_id":"$0"}}}},
        {"type":"m.reaction","event_id":"$2","sender":"@amina:localhost","origin_server_ts":1700000001000,
         "content":{"m.relates_to":{"rel_type":"m.annotation","event_id":"$0","key":"2️⃣"}}},
        {"type":"m.room.member","event_id":"$3","sender":"@mentorbot:localhost","state_key":"@mentorbot:localhost",
         "origin_server_ts":1700000002000,"content":{"membership":"join"}}],"limited":false},
        "state":{"events":[]},"ephemeral":{"events":[]}}},
      "invite":{"!new:localhost":{"invite_state":{"events":[
        {"type":"m.room.name","sender":"@amina:localhost","state_key":"","content":{"name":"Chat"}},
        {"type":"m.room.member","sender":"@amina:localhost","state_key":"@mentorbot:localhost","content":{"membership":"invite"}}]}}},
      "leave":{}}}
    """#

    @Test func aSynapseShapedResponseDecodes() throws {
        let response = try JSONDecoder().decode(SyncResponse.self, from: Data(Self.sample.utf8))
        #expect(response.nextBatch == "s72595_4483_1934")
        let events = try #require(response.joinedRooms["!dm:localhost"]?.timelineEvents)
        #expect(events.count == 3)
        let text = try #require(TextMessage(event: events[0]))
        #expect(text.inReplyTo == "$0")
        #expect(text.plainReplyText == "bilan")
        let reaction = try #require(Reaction(event: events[1]))
        #expect(reaction == Reaction(event: events[1]))
        #expect(reaction.relatesTo == "$0" && reaction.key == "2️⃣")
        #expect(TextMessage(event: events[2]) == nil)
        #expect(response.joinedRooms["!dm:localhost"]?.involves("@mentorbot:localhost") == true)
        #expect(response.invitedRooms["!new:localhost"]?.inviter(of: "@mentorbot:localhost") == "@amina:localhost")
    }

    @Test func aBodyWithoutAReplyIsLeftAlone() {
        let event = ClientEvent(type: "m.room.message", eventId: "$x", sender: "@a:b", originServerTs: 0,
                                content: .object(["msgtype": .string("m.text"), "body": .string("> not a quote, no reply")]))
        #expect(TextMessage(event: event)?.plainReplyText == "> not a quote, no reply")
    }

    @Test func anEmptySyncDecodes() throws {
        let response = try JSONDecoder().decode(SyncResponse.self, from: Data(#"{"next_batch":"s1"}"#.utf8))
        #expect(response.joinedRooms.isEmpty && response.invitedRooms.isEmpty)
    }
}

@Suite struct ContentTests {
    @Test func plainMessagesCarryAnEmptyMentionsObjectSoNobodyIsPingedByAccident() throws {
        let content = MessageContent(kind: .notice, body: "hi", html: nil)
        #expect(content.json["m.mentions"] == .object([:]))
        #expect(content.json["msgtype"] == .string("m.notice"))
        #expect(content.json["format"] == nil)
    }

    @Test func mentionsAndHTMLAreEncoded() {
        let content = MessageContent(kind: .text, body: "hi", html: "<b>hi</b>", mentions: ["@c:localhost"])
        #expect(content.json["m.mentions"]?["user_ids"] == .array([.string("@c:localhost")]))
        #expect(content.json["format"] == .string("org.matrix.custom.html"))
        #expect(content.json["formatted_body"] == .string("<b>hi</b>"))
    }

    @Test func pathSegmentsArePercentEncoded() {
        #expect(MatrixClient.segment("!abc:localhost") == "%21abc%3Alocalhost")
        #expect(MatrixClient.segment("#coordinators:example.org") == "%23coordinators%3Aexample.org")
        #expect(MatrixClient.segment("mb-1-2") == "mb-1-2")
    }

    @Test func theSyncFilterIsValidJSON() throws {
        let filter = try JSONDecoder().decode(JSONValue.self, from: Data(SyncFilter.json(timelineLimit: 5).utf8))
        #expect(filter["room"]?["timeline"]?["limit"] == .number(5))
    }
}

@Suite struct CreateRoomRequestTests {
    @Test func encryptionAndWhoMayInviteAreSentAsTheSpecificationSays() throws {
        var request = CreateRoomRequest(preset: "private_chat", isDirect: false, invite: ["@c:test"])
        request.encrypted = true
        request.inviteLevel = 50
        let json = String(decoding: try JSONEncoder().encode(request.json), as: UTF8.self)
        #expect(json.contains(#""initial_state":[{"#) && json.contains(#""type":"m.room.encryption""#))
        #expect(json.contains(#""power_level_content_override":{"invite":50}"#), "an integer, not 50.0: \(json)")
    }
}
