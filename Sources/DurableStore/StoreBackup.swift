import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Copies of a data directory, taken while the daemon runs and put back while it does not.
///
/// A running daemon may take a snapshot at any moment: it writes the new snapshot, renames it
/// into place, then empties the journal. Copying the journal *first* and the snapshot *second*
/// always yields a consistent pair: the snapshot copied is the same as or newer than the one the
/// journal copy continues, and records a newer snapshot already covers are skipped on replay. A
/// journal copied while it is being emptied is a prefix of it, which a newer snapshot covers too.
/// Whether a copy is whole is then checked by opening it as the daemon would (checksums, order).
public enum StoreBackup {
    /// Copies `source`'s journal, then its snapshot, into `destination` (new or empty), fsynced,
    /// owner-only. The semantic cache and the lock are not copied (no personal data; rebuilt).
    /// `pauseBetweenFiles` widens the window between the two copies, for the test that shows the
    /// order matters.
    public static func copy(from source: URL, to destination: URL, pauseBetweenFiles: TimeInterval = 0) throws {
        let to = StorePaths(directory: destination)
        let existing = (try? FileManager.default.contentsOfDirectory(atPath: to.directory)) ?? []
        guard existing.isEmpty else {
            throw StoreError.io(operation: "backup into a folder that is not empty", path: to.directory, errno: EEXIST)
        }
        try to.prepareDirectory()
        try copyFiles(from: StorePaths(directory: source), to: to, pauseBetweenFiles: pauseBetweenFiles)
    }

    /// Puts a checked copy in place of `directory`, whose present journal and snapshot (if any)
    /// are moved aside to `<directory>.before-restore-<time>` rather than deleted. Refused while a
    /// daemon holds the directory; the lock is held throughout, so none starts on a half-restored
    /// one. Returns where the old files went, if there were any.
    @discardableResult
    public static func install(_ backup: URL, as directory: URL, now: Date = Date()) throws -> URL? {
        let target = StorePaths(directory: directory)
        try target.prepareDirectory()
        let lock = try DirectoryLock.acquire(target)
        defer { lock.release() }
        var asideURL: URL?
        let present = [target.journal, target.snapshot].filter { FileManager.default.fileExists(atPath: $0) }
        if !present.isEmpty {
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            let aside = target.directory + ".before-restore-" + stamp
            try FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: false,
                                                    attributes: [.posixPermissions: 0o700])
            for file in present {
                try FileManager.default.moveItem(atPath: file, toPath: aside + "/" + URL(fileURLWithPath: file).lastPathComponent)
            }
            asideURL = URL(fileURLWithPath: aside)
        }
        try copyFiles(from: StorePaths(directory: backup), to: target)
        return asideURL
    }

    /// The journal first, then the snapshot (see above), each fsynced, then the folder.
    private static func copyFiles(from source: StorePaths, to target: StorePaths, pauseBetweenFiles: TimeInterval = 0) throws {
        for (file, copy) in [(source.journal, target.journal), (source.snapshot, target.snapshot)] {
            if file == source.snapshot, pauseBetweenFiles > 0 { usleep(useconds_t(pauseBetweenFiles * 1_000_000)) }
            guard let data = try FileIO.readAll(file) else { continue }
            let fd = try FileIO.open(copy, O_WRONLY | O_CREAT | O_TRUNC)
            defer { close(fd) }
            try FileIO.writeAll(fd, data, path: copy)
            try FileIO.fsync(fd, path: copy)
        }
        try FileIO.fsyncDirectory(target.directory)
    }
}
