/// One thing wrong in a YAML file, located precisely enough for a person to fix it:
/// `Config/mentorbot.yaml:12: roster.mentors[0].language: "xx" is not a supported language`.
public struct YAMLProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let keyPath: String
    public let message: String

    public init(file: String, line: Int, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return keyPath.isEmpty ? "\(place): \(message)" : "\(place): \(keyPath): \(message)"
    }
}

/// Several problems found in one pass, so that an author fixes them all at once instead of one per run.
public struct YAMLProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [YAMLProblem]

    public init(_ problems: [YAMLProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Gathers problems while decoding carries on, so one bad entry does not hide the next.
public final class ProblemCollector {
    public private(set) var problems: [YAMLProblem] = []

    public init() {}

    public func add(_ problem: YAMLProblem) { problems.append(problem) }

    /// Runs `body`; a thrown problem is recorded and `nil` returned so decoding can continue.
    public func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let problem as YAMLProblem {
            problems.append(problem)
        } catch let many as YAMLProblems {
            problems.append(contentsOf: many.problems)
        } catch {
            problems.append(YAMLProblem(file: "", line: 0, keyPath: "", message: "\(error)"))
        }
        return nil
    }

    public func throwIfAny() throws {
        if !problems.isEmpty { throw YAMLProblems(problems) }
    }
}
