import Foundation

/// Waits until `condition` holds, looking every 50 ms, for at most `timeout`; says whether it
/// came to hold. For a state the code under test reaches on its own time (a write attempt, a
/// worker's turn): a fixed sleep before looking fails on a busy machine, and says nothing about
/// how long it really took.
public func eventually(within timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
}
