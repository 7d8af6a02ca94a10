import Foundation

/// Why the store cannot be opened or written. Each case says where, and what to do.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the data directory's lock.
    case locked(directory: String, holderPID: String)
    /// A journal line that is not the last cannot be read: real corruption, not a torn write.
    case corruptJournal(file: String, line: Int, reason: String)
    /// The snapshot cannot be read; `line` is where, when the file is in lines.
    case corruptSnapshot(file: String, line: Int?, reason: String)
    /// A system call failed.
    case io(operation: String, path: String, errno: Int32)
    case closed
    /// A file of the store is a symbolic link, a FIFO, a device or a directory.
    case notAPlainFile(path: String, kind: String)

    /// The disk (or the user's quota) is full: a write failed whole and may be tried again once
    /// there is room; nothing else is wrong with the store.
    public var isDiskFull: Bool {
        if case .io(_, _, let code) = self { return code == ENOSPC || code == EDQUOT }
        return false
    }

    public var description: String {
        switch self {
        case .notAPlainFile(let path, let kind):
            "\(path) is \(kind), not a plain file: the data directory must hold only the bot's own files "
                + "(a link could make the bot overwrite another file, a FIFO would hang it). Nothing was changed. "
                + "Replace it with the file itself, or move it away"
        case .locked(let directory, let pid):
            "the data directory \(directory) is in use by another mentorbot (pid \(pid)); stop it first, "
                + "or give this one its own data_directory"
        case .corruptJournal(let file, let line, let reason):
            "\(file):\(line): the journal is damaged (\(reason)). Nothing was changed. Restore the data directory "
                + "from a backup, or move this file aside after keeping a copy for investigation"
        case .corruptSnapshot(let file, let line, let reason):
            "\(file)\(line.map { ":\($0)" } ?? ""): the snapshot is damaged (\(reason)). Nothing was changed. "
                + "Restore it from a backup"
        case .io(let operation, let path, let code):
            "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .closed:
            "the store is closed"
        }
    }
}
