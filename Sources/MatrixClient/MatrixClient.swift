import Foundation
import Logging
import Metrics

/// The Matrix Client-Server API, as much of it as the bot and its tests use, over libcurl.
/// /sync runs on a lane of its own so a 30-second long-poll never delays a send; other requests
/// share a pool of lanes, so that several sends (to different rooms) can be on their way at once.
public final class MatrixClient: @unchecked Sendable {
    public let homeserver: String
    private let tokenLock = NSLock()
    private var accessToken: String?
    private let syncLane: CurlLane
    private let requestLane: CurlLanePool
    /// How many requests other than /sync may be in flight at once.
    public let parallelRequests: Int
    public var retryPolicy: RetryPolicy
    /// Retries and the waits a server asked for (never bodies or tokens).
    public let logger: Logger

    /// `parallelRequests`: how many requests other than /sync may be in flight at once.
    public init(homeserver: String, accessToken: String? = nil, retryPolicy: RetryPolicy = RetryPolicy(),
                parallelRequests: Int = 4, logger: Logger = Logger(label: "mentorbot.matrix")) {
        self.logger = logger
        self.homeserver = homeserver.hasSuffix("/") ? String(homeserver.dropLast()) : homeserver
        self.accessToken = accessToken
        self.retryPolicy = retryPolicy
        syncLane = CurlLane(name: "matrix-sync")
        self.parallelRequests = max(1, parallelRequests)
        requestLane = CurlLanePool(name: "matrix-requests", count: self.parallelRequests)
    }

    deinit {
        syncLane.shutdown()
        requestLane.shutdown()
    }

    public func setAccessToken(_ token: String?) {
        tokenLock.withLock { accessToken = token }
    }

    // MARK: - Session

    /// Checks that the URL really is a Matrix homeserver. Tried once: a wrong URL is the operator's
    /// to fix, not something to retry in a loop.
    public func versions() async throws -> [String] {
        let response = try await requestLane.perform(HTTPRequest(method: "GET", url: url("/_matrix/client/versions"), timeout: 15))
        guard response.status == 200, let json = try? JSONDecoder().decode(JSONValue.self, from: response.body),
              let versions = json["versions"]?.arrayValue?.compactMap(\.stringValue) else {
            throw MatrixError.unexpectedResponse("not a Matrix homeserver (GET /_matrix/client/versions answered \(response.status))")
        }
        return versions
    }

    public struct Login: Sendable {
        public var userId: String
        public var accessToken: String
        public var deviceId: String
    }

    /// Password login. Passing the same device id on every start keeps one device, so the
    /// homeserver still recognises transaction ids sent before a restart.
    public func login(user: String, password: String, deviceId: String?, initialDeviceDisplayName: String?) async throws -> Login {
        var body: [String: JSONValue] = [
            "type": .string("m.login.password"),
            "identifier": .object(["type": .string("m.id.user"), "user": .string(user)]),
            "password": .string(password),
        ]
        if let deviceId { body["device_id"] = .string(deviceId) }
        if let initialDeviceDisplayName { body["initial_device_display_name"] = .string(initialDeviceDisplayName) }
        let json = try await call("POST", "/_matrix/client/v3/login", body: .object(body), authenticated: false)
        guard let userId = json["user_id"]?.stringValue, let token = json["access_token"]?.stringValue,
              let device = json["device_id"]?.stringValue else { throw MatrixError.unexpectedResponse("login answer lacks fields") }
        return Login(userId: userId, accessToken: token, deviceId: device)
    }

    public func whoami() async throws -> (userId: String, deviceId: String?) {
        let json = try await call("GET", "/_matrix/client/v3/account/whoami")
        guard let userId = json["user_id"]?.stringValue else { throw MatrixError.unexpectedResponse("whoami lacks user_id") }
        return (userId, json["device_id"]?.stringValue)
    }

    // MARK: - Sync

    public func sync(since: String?, filter: String, timeoutMs: Int) async throws -> SyncResponse {
        var query = [("filter", filter), ("timeout", String(timeoutMs))]
        if let since { query.append(("since", since)) }
        let data = try await callData("GET", "/_matrix/client/v3/sync", query: query, lane: syncLane,
                                      timeout: Double(timeoutMs) / 1000 + 30)
        return try SyncResponse.read(data)
    }

    // MARK: - Rooms

    public func createRoom(_ request: CreateRoomRequest) async throws -> String {
        try roomID(try await call("POST", "/_matrix/client/v3/createRoom", body: request.json))
    }

    public func join(roomIdOrAlias: String) async throws -> String {
        try roomID(try await call("POST", "/_matrix/client/v3/join/\(Self.segment(roomIdOrAlias))", body: .object([:])))
    }

    public func leave(roomId: String) async throws {
        _ = try await call("POST", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/leave", body: .object([:]))
    }

    /// The room an alias points to, or nil when nobody has taken the alias.
    public func resolveAlias(_ alias: String) async throws -> String? {
        do {
            return try roomID(try await call("GET", "/_matrix/client/v3/directory/room/\(Self.segment(alias))"))
        } catch let error as MatrixError where error.errcode == "M_NOT_FOUND" {
            return nil
        }
    }

    /// The account's profile as others see it: display name and avatar.
    public func profile(userId: String) async throws -> (displayName: String?, avatarURL: String?) {
        let json = try await call("GET", "/_matrix/client/v3/profile/\(Self.segment(userId))")
        return (json["displayname"]?.stringValue, json["avatar_url"]?.stringValue)
    }

    public func setDisplayName(userId: String, _ name: String) async throws {
        _ = try await call("PUT", "/_matrix/client/v3/profile/\(Self.segment(userId))/displayname", body: .object(["displayname": .string(name)]))
    }

    public func setAvatarURL(userId: String, _ url: String) async throws {
        _ = try await call("PUT", "/_matrix/client/v3/profile/\(Self.segment(userId))/avatar_url", body: .object(["avatar_url": .string(url)]))
    }

    /// The content of a room's state event, or nil when the room has none of that type.
    public func stateEvent(roomId: String, type: String, stateKey: String = "") async throws -> JSONValue? {
        do {
            return try await call("GET", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/state/\(Self.segment(type))/\(Self.segment(stateKey))")
        } catch let error as MatrixError where error.errcode == "M_NOT_FOUND" {
            return nil
        }
    }

    public func setState(roomId: String, type: String, stateKey: String = "", content: JSONValue) async throws {
        _ = try await call("PUT", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/state/\(Self.segment(type))/\(Self.segment(stateKey))",
                           body: content)
    }

    /// Whether the room has end-to-end encryption on (its m.room.encryption state). The bot must be
    /// able to see the room's state (a member, or a world-readable room).
    public func isEncrypted(roomId: String) async throws -> Bool {
        try await stateEvent(roomId: roomId, type: "m.room.encryption") != nil
    }

    /// Marks `eventId` and everything before it in the room as read by this user (a public receipt:
    /// the sender's client shows it).
    public func sendReadReceipt(roomId: String, eventId: String) async throws {
        _ = try await call("POST", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/receipt/m.read/\(Self.segment(eventId))",
                           body: .object([:]))
    }

    /// Replaces one kind of the user's account data (e.g. `m.direct`, the direct chats clients list).
    public func setAccountData(userId: String, type: String, content: JSONValue) async throws {
        _ = try await call("PUT", "/_matrix/client/v3/user/\(Self.segment(userId))/account_data/\(Self.segment(type))", body: content)
    }

    /// One kind of the user's account data, or nil when there is none.
    public func accountData(userId: String, type: String) async throws -> JSONValue? {
        do {
            return try await call("GET", "/_matrix/client/v3/user/\(Self.segment(userId))/account_data/\(Self.segment(type))")
        } catch let error as MatrixError where error.errcode == "M_NOT_FOUND" {
            return nil
        }
    }

    /// One page of a room's history, going back from `from` (a sync's `prev_batch`) towards `to`
    /// (the previous sync position): the events a `limited` timeline left out, newest first.
    public func messagesBefore(roomId: String, from: String, to: String?, limit: Int, filter: String) async throws -> MessagesPage {
        var query = [("dir", "b"), ("from", from), ("limit", String(limit)), ("filter", filter)]
        if let to { query.append(("to", to)) }
        let data = try await callData("GET", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/messages", query: query, lane: requestLane)
        do {
            return try JSONDecoder().decode(MessagesPage.self, from: data)
        } catch {
            throw MatrixError.unexpectedResponse("messages answer could not be read: \(error)")
        }
    }

    /// Everyone joined to or invited into the room.
    public func membersJoinedOrInvited(roomId: String) async throws -> [String] {
        let json = try await call("GET", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/members", query: [("not_membership", "leave")])
        return (json["chunk"]?.arrayValue ?? []).compactMap { event in
            guard let membership = event["content"]?["membership"]?.stringValue, ["join", "invite"].contains(membership) else { return nil }
            return event["state_key"]?.stringValue
        }.sorted()
    }

    public func joinedMembers(roomId: String) async throws -> [String] {
        let json = try await call("GET", "/_matrix/client/v3/rooms/\(Self.segment(roomId))/joined_members")
        guard case .object(let members)? = json["joined"] else { return [] }
        return members.keys.sorted()
    }

    // MARK: - Sending

    /// Sends a message under the caller's transaction id: sending again with the same id (after a
    /// crash, or a lost answer) is deduplicated by the homeserver. Returns the event id.
    public func send(roomId: String, txnId: String, content: MessageContent) async throws -> String {
        try await sendEvent(roomId: roomId, type: "m.room.message", txnId: txnId, content: content.json)
    }

    /// Puts a file in the homeserver's media repository and returns its mxc:// address, which a
    /// message then points to. An upload repeated after a failure only leaves an unused copy.
    public func upload(_ data: Data, contentType: String, fileName: String) async throws -> String {
        let body = try await callData("POST", "/_matrix/media/v3/upload", query: [("filename", fileName)],
                                      raw: (data, contentType), lane: requestLane, timeout: 120)
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: body), let uri = json["content_uri"]?.stringValue,
              uri.hasPrefix("mxc://") else {
            throw MatrixError.unexpectedResponse("upload answer lacks content_uri")
        }
        return uri
    }

    public func react(roomId: String, txnId: String, to eventId: String, key: String) async throws -> String {
        let content: JSONValue = .object(["m.relates_to": .object([
            "rel_type": .string("m.annotation"), "event_id": .string(eventId), "key": .string(key),
        ])])
        return try await sendEvent(roomId: roomId, type: "m.reaction", txnId: txnId, content: content)
    }

    public func sendEvent(roomId: String, type: String, txnId: String, content: JSONValue) async throws -> String {
        let path = "/_matrix/client/v3/rooms/\(Self.segment(roomId))/send/\(Self.segment(type))/\(Self.segment(txnId))"
        guard let eventID = try await call("PUT", path, body: content)["event_id"]?.stringValue else {
            throw MatrixError.unexpectedResponse("send answer lacks event_id")
        }
        return eventID
    }

    // MARK: - Plumbing

    private func roomID(_ json: JSONValue) throws -> String {
        guard let id = json["room_id"]?.stringValue else { throw MatrixError.unexpectedResponse("answer lacks room_id") }
        return id
    }

    private func call(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
                      authenticated: Bool = true) async throws -> JSONValue {
        let data = try await callData(method, path, query: query, body: body, authenticated: authenticated, lane: requestLane)
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw MatrixError.unexpectedResponse("\(method) \(path) answered with something that is not JSON")
        }
        return json
    }

    /// One API call with retries: rate limits, server errors and network failures are retried per
    /// the retry policy; anything else is thrown at once.
    /// `raw` is a body sent as it is, with its content type (an upload), instead of JSON.
    private func callData(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil,
                          raw: (Data, String)? = nil, authenticated: Bool = true, lane: any RequestLane,
                          timeout: Double = 60) async throws -> Data {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if authenticated, let token = tokenLock.withLock({ accessToken }) { headers.append(("Authorization", "Bearer \(token)")) }
        var request = HTTPRequest(method: method, url: url(path, query: query), headers: headers, timeout: timeout)
        if let body {
            request.body = try JSONEncoder().encode(body)
            request.headers.append(("Content-Type", "application/json"))
        }
        if let (data, contentType) = raw {
            request.body = data
            request.headers.append(("Content-Type", contentType))
        }
        var attempt = 0
        while true {
            attempt += 1
            let failure: MatrixError
            do {
                let response = try await lane.perform(request)
                if (200..<300).contains(response.status) { return response.body }
                failure = MatrixError.from(response)
            } catch let error as MatrixError {
                failure = error
            }
            guard let wait = retryPolicy.delay(afterAttempt: attempt, error: failure, random: { Double.random(in: $0) }) else {
                throw failure
            }
            var metadata: Logger.Metadata = [
                "method": "\(method)", "path": "\(path)", "error": "\(failure.summary)", "attempt": "\(attempt)",
                "wait": "\(String(format: "%.1f", wait))",
            ]
            if let asked = failure.retryAfter, failure.isRateLimited, asked != wait { metadata["server_asked"] = "\(asked)" }
            logger.notice("retrying a homeserver request", metadata: metadata)
            Counter(label: "mentorbot_homeserver_retries_total", dimensions: [("reason", failure.isRateLimited ? "rate_limited" : failure.isNetwork ? "network" : "server")])
                .increment()
            // The policy keeps waits finite and bounded; the conversion must not trap whatever it says.
            try await Task.sleep(nanoseconds: UInt64(min(max(wait, 0), 3_600) * 1_000_000_000))
        }
    }

    private func url(_ path: String, query: [(String, String)] = []) -> String {
        guard !query.isEmpty else { return homeserver + path }
        return homeserver + path + "?" + query.map { "\($0.0)=\(Self.queryValue($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes one path segment: room ids contain "!" and ":", aliases "#".
    public static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
