import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small tmpfs mounted for a test, to fill the bot's data disk on purpose. Mounting needs root,
/// as in CI; elsewhere the initialiser throws and says so, so that the test fails rather than skips.
public final class SmallTmpfs: @unchecked Sendable {
    public struct MountFailed: Error, CustomStringConvertible {
        public let description: String
    }

    public let mountPoint: URL

    /// `size` as mount(8) reads it: "512k", "16m".
    public init(at mountPoint: URL, size: String) throws {
        self.mountPoint = mountPoint
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", mountPoint.path]) == 0 else {
            throw MountFailed(description: "mounting a \(size) tmpfs at \(mountPoint.path) failed: it needs root (run the tests as root, as CI does)")
        }
    }

    /// Fills what is left with a file, and returns it (remove it to make room again).
    public func fill() -> URL {
        let filler = mountPoint.appendingPathComponent("filler")
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let chunk = [UInt8](repeating: 0x41, count: 4096)
        while write(fd, chunk, chunk.count) > 0 {}
        // The last few bytes too, so that even a short journal line cannot fit.
        while write(fd, chunk, 1) > 0 {}
        close(fd)
        return filler
    }

    static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        // Lazily: a process still holding a file there must not keep the mount.
        _ = Self.run("/bin/umount", ["-l", mountPoint.path])
        try? FileManager.default.removeItem(at: mountPoint)
    }
}
