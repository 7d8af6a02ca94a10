import Foundation

/// Thin, checked wrappers over the POSIX calls durability depends on.
enum FileIO {
    static func check(_ result: Int32, _ operation: String, _ path: String) throws {
        if result != 0 { throw StoreError.io(operation: operation, path: path, errno: errno) }
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        if fd < 0 { throw StoreError.io(operation: "open", path: path, errno: errno) }
        return fd
    }

    /// Writes all of `data`, continuing after partial writes and interruptions.
    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw StoreError.io(operation: "write", path: path, errno: errno)
                }
                offset += written
            }
        }
    }

    static func fsync(_ fd: Int32, path: String) throws {
        try check(Glibc.fsync(fd), "fsync", path)
    }

    /// Makes a rename or a new file itself durable: the directory entry lives in the directory.
    static func fsyncDirectory(_ path: String) throws {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    static func readAll(_ path: String) throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError.io(operation: "read", path: path, errno: errno)
        }
        return data
    }
}
