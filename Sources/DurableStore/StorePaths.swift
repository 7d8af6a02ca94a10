import Foundation

/// The files of one data directory.
struct StorePaths: Sendable {
    let directory: String
    var journal: String { directory + "/journal.jsonl" }
    var snapshot: String { directory + "/snapshot.json" }
    var snapshotTemporary: String { directory + "/snapshot.json.tmp" }
    var lock: String { directory + "/lock" }

    init(directory: URL) { self.directory = directory.standardizedFileURL.path }

    /// Creates the directory owner-only (0700), and tightens it if it already existed: the store
    /// holds personal data about vulnerable people.
    func prepareDirectory() throws {
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        try FileIO.check(chmod(directory, 0o700), "chmod", directory)
        // Looked at without following links, before anything is opened (a FIFO would block the open).
        for file in [journal, snapshot, snapshotTemporary, lock] {
            var info = stat()
            guard lstat(file, &info) == 0 else { continue }
            let type = info.st_mode & S_IFMT
            guard type == S_IFREG else {
                let kind = switch type {
                case S_IFLNK: "a symbolic link"
                case S_IFIFO: "a FIFO"
                case S_IFDIR: "a directory"
                default: "a special file"
                }
                throw StoreError.notAPlainFile(path: file, kind: kind)
            }
            try FileIO.check(chmod(file, 0o600), "chmod", file)
        }
    }
}

/// An exclusive, non-blocking flock on the directory's lock file. The kernel releases it when the
/// process dies, so a crash never leaves a stale lock behind.
final class DirectoryLock: @unchecked Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    static func acquire(_ paths: StorePaths) throws -> DirectoryLock {
        let fd = try FileIO.open(paths.lock, O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let holder = (try? FileIO.readAll(paths.lock)).flatMap { $0.flatMap { String(data: $0, encoding: .utf8) } }
            close(fd)
            if code == EWOULDBLOCK {
                throw StoreError.locked(directory: paths.directory,
                                        holderPID: holder?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown")
            }
            throw StoreError.io(operation: "flock", path: paths.lock, errno: code)
        }
        try FileIO.check(ftruncate(fd, 0), "ftruncate", paths.lock)
        try FileIO.writeAll(fd, Data("\(getpid())\n".utf8), path: paths.lock)
        return DirectoryLock(fd: fd)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Which process uses a data directory, for commands that talk to the running bot (`mentorbot
/// reload`) or must not run beside it.
public enum StoreLock {
    /// The pid of the process holding the directory's lock, or nil when none does (the bot is
    /// stopped, or the directory was never used).
    public static func holder(of directory: URL) throws -> Int32? {
        let paths = StorePaths(directory: directory)
        let fd = open(paths.lock, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw StoreError.io(operation: "open", path: paths.lock, errno: errno)
        }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        guard errno == EWOULDBLOCK else { throw StoreError.io(operation: "flock", path: paths.lock, errno: errno) }
        let text = (try? FileIO.readAll(paths.lock)).flatMap { $0.flatMap { String(data: $0, encoding: .utf8) } }
        guard let pid = text.flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }), pid > 0 else {
            throw StoreError.io(operation: "read the pid in", path: paths.lock, errno: EINVAL)
        }
        return pid
    }
}
