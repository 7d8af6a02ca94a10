import Foundation

/// Tells the running bot from another `mentorbot` command holding the data directory: `mentorbot
/// person erase` and the other commands that write the store hold its lock while they work, and a
/// SIGHUP meant for the bot would end them half-way.
public enum DaemonProcess {
    /// A process's arguments as it was started (Linux's /proc), or nil when they cannot be read.
    public static func commandLine(of pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast(data.last == 0 ? 1 : 0)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// Is this the bot itself: `mentorbot run ...` (the first argument that is not an option is
    /// the subcommand)?
    public static func isDaemon(_ arguments: [String]) -> Bool {
        guard let program = arguments.first, URL(fileURLWithPath: program).lastPathComponent == "mentorbot" else { return false }
        return arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) == "run"
    }
}
