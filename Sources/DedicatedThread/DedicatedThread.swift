import Foundation

/// One dedicated OS thread that runs blocking work (a libcurl transfer, write and fsync) in
/// order, so that it never occupies one of the few threads of Swift's cooperative pool; a
/// 30-second /sync long-poll there would starve the rest of the program.
public final class DedicatedThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false

    public init(name: String) {
        // The thread keeps this object alive until shutdown() lets its loop end.
        let thread = Thread { self.loop() }
        thread.name = name
        thread.start()
    }

    /// Runs `body` on the thread and returns its result to the awaiting task.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            defer { condition.unlock() }
            guard !stopping else {
                continuation.resume(throwing: CancellationError())
                return
            }
            jobs.append { continuation.resume(with: Result { try body() }) }
            condition.signal()
        }
    }

    /// Lets the thread finish the work already queued, then end.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
