import Foundation

/// Everything that can go wrong talking to the homeserver, sorted by what the caller should do.
/// Descriptions never contain access tokens or message bodies.
public enum MatrixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request never got an HTTP answer (connection refused, DNS, timeout).
    case network(String)
    /// An HTTP error answer, with the Matrix error code when the body had one.
    case http(status: Int, errcode: String?, message: String?, retryAfter: Double?)
    /// A 2xx answer whose body was not what the API promises.
    case unexpectedResponse(String)

    public var errcode: String? {
        if case .http(_, let code, _, _) = self { return code }
        return nil
    }

    public var status: Int? {
        if case .http(let status, _, _, _) = self { return status }
        return nil
    }

    /// No HTTP answer at all: the server is down or unreachable (so far).
    public var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }

    /// A 2xx answer that was not what the API promises (not JSON, fields missing).
    public var isUnreadableAnswer: Bool {
        if case .unexpectedResponse = self { return true }
        return false
    }

    public var isRateLimited: Bool { status == 429 || errcode == "M_LIMIT_EXCEEDED" }

    /// The access token is gone or revoked: retrying cannot help, a person must log the bot in again.
    public var isUnknownToken: Bool { errcode == "M_UNKNOWN_TOKEN" || errcode == "M_MISSING_TOKEN" }

    /// Worth trying again later: rate limits, server errors, and network failures.
    public var isRetryable: Bool {
        switch self {
        case .network: true
        case .http(let status, _, _, _): isRateLimited || status >= 500 || status == 408
        case .unexpectedResponse: false
        }
    }

    /// A refusal that will not change by retrying (forbidden, not found, bad request), but is not fatal
    /// for the whole daemon: the one operation is given up.
    public var isPermanent: Bool { !isRetryable && !isUnknownToken }

    /// Server-requested wait in seconds, if any.
    public var retryAfter: Double? {
        if case .http(_, _, _, let wait) = self { return wait }
        return nil
    }

    public var summary: String {
        switch self {
        case .network(let reason): "network: \(reason)"
        case .http(let status, let code, _, _): "HTTP \(status)\(code.map { " \($0)" } ?? "")"
        case .unexpectedResponse(let what): "unexpected response: \(what)"
        }
    }

    public var description: String {
        switch self {
        case .http(_, _, let message?, _): "\(summary): \(message)"
        default: summary
        }
    }

    /// Builds the error for a non-2xx response. The wait comes from the Retry-After header (seconds
    /// or an HTTP date) or from retry_after_ms in the body; when both are present the longer one is
    /// used, because waiting too little only earns another 429.
    static func from(_ response: HTTPResponse, now: Date = Date()) -> MatrixError {
        let json = try? JSONDecoder().decode(JSONValue.self, from: response.body)
        let code = json?["errcode"]?.stringValue
        let message = json?["error"]?.stringValue
        let fromBody = json?["retry_after_ms"]?.doubleValue.map { $0 / 1000 }
        let fromHeader = response.headers["retry-after"].flatMap { retryAfterSeconds($0, now: now) }
        let wait = [fromBody, fromHeader].compactMap { $0 }.max()
        return .http(status: response.status, errcode: code, message: message, retryAfter: wait)
    }

    static func retryAfterSeconds(_ header: String, now: Date) -> Double? {
        if let seconds = Double(header.trimmingCharacters(in: .whitespaces)) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: header) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
