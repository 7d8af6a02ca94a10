import Foundation

/// A program run to its end by a test (the mentorbot binary, Synapse's tools, a browser): its exit
/// status and what it wrote. Standard error goes to a temporary file while standard output is read,
/// so that neither can fill its pipe and stall the program.
struct ProgramRun {
    let status: Int32
    let output: String
    let errors: String

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errorsFile = FileManager.default.temporaryDirectory.appendingPathComponent("program-run-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: errorsFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsFile) }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorsFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.output = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        status = process.terminationStatus
        errors = (try? String(contentsOf: errorsFile, encoding: .utf8)) ?? ""
    }

    /// Runs the program and returns its standard output, or throws with its status and the end of
    /// what it said when it failed.
    static func succeeding(_ executable: String, _ arguments: [String]) throws -> String {
        let run = try ProgramRun(executable, arguments)
        guard run.status == 0 else {
            throw Failed(description: "\(executable) exited \(run.status): \(run.output.suffix(1000)) \(run.errors.suffix(1000))")
        }
        return run.output
    }
}
