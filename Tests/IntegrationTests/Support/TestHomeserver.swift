import Foundation
import MatrixClient

/// The Synapse that scripts/test.sh started. Integration tests fail, never skip, without one.
struct TestHomeserver: Sendable {
    let url: String
    let sharedSecret: String
    let repoRoot: URL

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func current() throws -> TestHomeserver {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["MENTORBOT_TEST_HOMESERVER"], let secret = environment["MENTORBOT_TEST_SHARED_SECRET"] else {
            throw Missing(description: "Integration tests need a running Synapse: run scripts/test.sh (it starts one)")
        }
        let root = environment["MENTORBOT_REPO_ROOT"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
        return TestHomeserver(url: url, sharedSecret: secret, repoRoot: root)
    }

    struct Account: Sendable {
        var userID: String
        var accessToken: String
        var password: String
    }

    /// Registers a fresh user with a unique name through the shared-secret admin API.
    func register(_ prefix: String, admin: Bool = false) throws -> Account {
        let localpart = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        let password = "pw-\(UUID().uuidString)"
        var arguments = [url, sharedSecret, localpart, password]
        if admin { arguments.append("--admin") }
        let output = try ProgramRun.succeeding(repoRoot.appendingPathComponent("scripts/register-user").path, arguments)
        let json = try JSONDecoder().decode([String: String].self, from: Data(output.utf8))
        return Account(userID: json["user_id"]!, accessToken: json["access_token"]!, password: password)
    }

    /// Lifts the per-user message limit for a bot, as an operator would.
    func exemptFromRateLimits(_ userID: String) throws {
        let admin = try register("admin", admin: true)
        _ = try ProgramRun.succeeding(repoRoot.appendingPathComponent("scripts/ratelimit-override").path, [url, admin.accessToken, userID])
    }

    func client(_ account: Account) -> MatrixClient {
        MatrixClient(homeserver: url, accessToken: account.accessToken)
    }

    var mentorbotBinary: String {
        get throws {
            let path = repoRoot.appendingPathComponent(".build/debug/mentorbot").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw Missing(description: "\(path) is missing: build it first (scripts/test.sh runs swift build --build-tests)")
            }
            return path
        }
    }
}
