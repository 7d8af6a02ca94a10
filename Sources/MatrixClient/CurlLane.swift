import CCurl
import DedicatedThread
import Foundation

/// Where a request is performed: one lane, or the first free lane of a pool.
protocol RequestLane: Sendable {
    func perform(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A dedicated thread with one reusable curl easy handle: blocking transfers stay off Swift's
/// cooperative pool, and keeping the handle keeps the connection alive between requests.
final class CurlLane: RequestLane, @unchecked Sendable {
    private let thread: DedicatedThread
    private let handle: CurlHandle

    init(name: String) {
        CurlGlobal.initialize()
        thread = DedicatedThread(name: name)
        handle = CurlHandle()
    }

    /// Cancelling the calling task aborts the transfer within about a second (a 30-second
    /// long-poll included), so that shutdown does not wait for the network.
    func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        let handle = self.handle, abort = AbortFlag()
        return try await withTaskCancellationHandler {
            try Task.checkCancellation()
            return try await thread.run { try handle.perform(request, abort: abort) }
        } onCancel: {
            abort.raise()
        }
    }

    func shutdown() { thread.shutdown() }
}

/// Several lanes, so that requests to different rooms can be on their way at once. A request
/// takes the first free lane and waits its turn when all are busy; a retry's wait (a rate limit)
/// holds no lane.
actor CurlLanePool: RequestLane {
    private let lanes: [CurlLane]
    private var free: [CurlLane]
    private var waiting: [CheckedContinuation<CurlLane, Never>] = []

    init(name: String, count: Int) {
        lanes = (1...max(1, count)).map { CurlLane(name: "\(name)-\($0)") }
        free = lanes.reversed()
    }

    func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
        let lane = await take()
        defer { give(lane) }
        return try await lane.perform(request)
    }

    private func take() async -> CurlLane {
        if let lane = free.popLast() { return lane }
        return await withCheckedContinuation { waiting.append($0) }
    }

    private func give(_ lane: CurlLane) {
        if waiting.isEmpty { free.append(lane) } else { waiting.removeFirst().resume(returning: lane) }
    }

    nonisolated func shutdown() {
        for lane in lanes { lane.shutdown() }
    }
}

/// Set from any thread to make one transfer stop at curl's next progress call.
final class AbortFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.withLock { raised = true } }
    var isRaised: Bool { lock.withLock { raised } }
}

enum CurlGlobal {
    private static let once: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
    static func initialize() { _ = once }
}

/// A curl easy handle and the buffers its callbacks fill. Used by one thread at a time.
final class CurlHandle: @unchecked Sendable {
    private let easy: UnsafeMutableRawPointer
    fileprivate var body = Data()
    fileprivate var headers: [String] = []
    fileprivate var tooLarge = false
    /// No answer the bot needs comes near this; a bigger one (a hostile or broken server) is cut
    /// off rather than read into memory.
    static let maximumBody = 64 << 20

    init() {
        guard let easy = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.easy = easy
    }

    deinit { curl_easy_cleanup(easy) }

    func perform(_ request: HTTPRequest, abort: AbortFlag) throws -> HTTPResponse {
        curl_easy_reset(easy)
        body = Data()
        headers = []
        tooLarge = false
        mb_curl_setopt_string(easy, CURLOPT_URL, request.url)
        mb_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        mb_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
        mb_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(request.timeout * 1000))
        mb_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1)
        mb_curl_setopt_string(easy, CURLOPT_USERAGENT, "MentorBot/1.0")
        mb_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        defer { curl_slist_free_all(list) }
        mb_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        let context = Unmanaged.passUnretained(self).toOpaque()
        mb_curl_setopt_callback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let handle = Unmanaged<CurlHandle>.fromOpaque(context!).takeUnretainedValue()
            guard handle.body.count + size * count <= CurlHandle.maximumBody else {
                handle.tooLarge = true
                return 0  // curl stops the transfer
            }
            if let data { handle.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count) }
            return size * count
        }
        mb_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context)
        mb_curl_setopt_callback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let handle = Unmanaged<CurlHandle>.fromOpaque(context!).takeUnretainedValue()
            if let data, let line = String(bytes: UnsafeRawBufferPointer(start: data, count: size * count), encoding: .utf8) {
                handle.headers.append(line.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return size * count
        }
        mb_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, context)
        // Called at least once a second, even while the server says nothing: a raised flag aborts.
        mb_curl_setopt_long(easy, CURLOPT_NOPROGRESS, 0)
        mb_curl_setopt_progress(easy) { context, _, _, _, _ in
            Unmanaged<AbortFlag>.fromOpaque(context!).takeUnretainedValue().isRaised ? 1 : 0
        }
        mb_curl_setopt_pointer(easy, CURLOPT_XFERINFODATA, Unmanaged.passUnretained(abort).toOpaque())
        let code: CURLcode = request.body.withUnsafeBytes { bytes in
            if request.body.isEmpty {
                if request.method == "GET" { mb_curl_setopt_long(easy, CURLOPT_HTTPGET, 1) }
            } else {
                mb_curl_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count))
                mb_curl_setopt_pointer(easy, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            return curl_easy_perform(easy)
        }
        if code == CURLE_ABORTED_BY_CALLBACK { throw CancellationError() }
        if tooLarge {
            body = Data()
            throw MatrixError.unexpectedResponse("the answer was larger than \(Self.maximumBody >> 20) MB and was not read")
        }
        guard code == CURLE_OK else {
            throw MatrixError.network(String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        mb_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: Self.parse(headers), body: body)
    }

    /// Header names lower-cased; with redirects or 100-continue only the last response counts.
    private static func parse(_ lines: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for line in lines {
            if line.hasPrefix("HTTP/") { result = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            result[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return result
    }
}

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data
    /// Whole-request timeout in seconds.
    public var timeout: Double

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data = Data(), timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Lower-cased header names.
    public var headers: [String: String]
    public var body: Data
}
