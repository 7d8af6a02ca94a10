import Foundation

/// How long to wait before trying a failed request again. Pure, with an injectable random source,
/// so that the schedule is tested exactly.
public struct RetryPolicy: Sendable {
    /// First backoff for server and network errors.
    public var base: Double = 0.5
    /// Backoff never grows beyond this.
    public var cap: Double = 30
    /// ... nor beyond this when the server did not answer at all (connection refused, timed out):
    /// trying costs the server nothing then, and the bot is back within a second of its return.
    public var networkCap: Double = 1
    /// Wait for a 429 that gave no Retry-After.
    public var defaultRateLimitWait: Double = 2
    /// nil retries for ever: a message must never be dropped because the homeserver was down a while.
    public var maximumAttempts: Int?
    /// A server's own wait (Retry-After, retry_after_ms) is kept within these bounds: "0" would
    /// make the bot hammer the server, "999999999" would silence it (safety alerts included) for
    /// decades while it looks healthy; nonsense (negative, infinite, not a number) means the default.
    public var shortestServerWait: Double = 1
    public var longestServerWait: Double = 60

    public init(base: Double = 0.5, cap: Double = 30, defaultRateLimitWait: Double = 2, maximumAttempts: Int? = nil) {
        self.base = base
        self.cap = cap
        self.defaultRateLimitWait = defaultRateLimitWait
        self.maximumAttempts = maximumAttempts
    }

    /// Seconds to wait after failure number `attempt` (1-based), or nil to give up and rethrow.
    /// Rate limits wait exactly as long as the server asked. Other retryable errors use "full
    /// jitter" backoff: a random wait up to base·2^(attempt-1), capped, so that many clients
    /// recovering from the same outage do not return in lockstep.
    public func delay(afterAttempt attempt: Int, error: MatrixError, random: (ClosedRange<Double>) -> Double) -> Double? {
        guard error.isRetryable else { return nil }
        if let maximumAttempts, attempt >= maximumAttempts { return nil }
        if error.isRateLimited { return serverWait(error.retryAfter) }
        let ceiling = min(error.isNetwork ? networkCap : cap, base * pow(2, Double(min(attempt - 1, 30))))
        return random(0...ceiling)
    }

    /// The wait a server asked for, within `shortestServerWait...longestServerWait`.
    public func serverWait(_ asked: Double?) -> Double {
        guard let asked, asked.isFinite, asked >= 0 else { return defaultRateLimitWait }
        return min(max(asked, shortestServerWait), longestServerWait)
    }
}
