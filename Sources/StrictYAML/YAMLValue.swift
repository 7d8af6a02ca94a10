import Yams

/// A YAML node that remembers where it came from (file, line, key path), so that every
/// accessor can fail with an error a non-programmer can act on.
public struct YAMLValue {
    public let node: Node
    public let file: String
    public let keyPath: String

    init(node: Node, file: String, keyPath: String) {
        self.node = node
        self.file = file
        self.keyPath = keyPath
    }

    /// Parses a whole document. An empty document is an empty mapping.
    public static func parse(_ text: String, file: String) throws -> YAMLValue {
        // Anchors and aliases (&name, *name) are never needed here, and a few hundred bytes of
        // them expand into billions of nodes ("billion laughs"): refused before parsing.
        if let anchor = text.range(of: #"(^|[\s\[\{,:-])&[A-Za-z0-9_.-]+"#, options: .regularExpression) {
            let line = text[..<anchor.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            throw YAMLProblem(file: file, line: line, keyPath: "",
                              message: "YAML anchors and aliases (&name, *name) are not allowed: write each value out")
        }
        do {
            let root = try Yams.compose(yaml: text, .basic) ?? Node.mapping([:])
            return YAMLValue(node: root, file: file, keyPath: "")
        } catch let error as YamlError {
            throw YAMLProblem(file: file, line: Self.line(of: error), keyPath: "", message: Self.summary(of: error))
        }
    }

    public var line: Int { node.mark?.line ?? 0 }

    public func problem(_ message: String) -> YAMLProblem {
        YAMLProblem(file: file, line: line, keyPath: keyPath, message: message)
    }

    public func string() throws -> String {
        guard case .scalar(let scalar) = node else { throw problem("expected a single value, found \(kind)") }
        return scalar.string
    }

    public func nonEmptyString() throws -> String {
        let value = try string().trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { throw problem("must not be empty") }
        // `helpline: null` would be told to a person in danger as "null".
        if case .scalar(let scalar) = node, scalar.style == .plain, ["null", "Null", "NULL", "~"].contains(value) {
            throw problem("must not be empty (null)")
        }
        return value
    }

    public func int() throws -> Int {
        guard let value = Int(try string().trimmingCharacters(in: .whitespaces)) else {
            throw problem("expected a whole number, found \"\(try string())\"")
        }
        return value
    }

    public func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        case let other: throw problem("expected true or false, found \"\(other)\"")
        }
    }

    public func mapping() throws -> YAMLMapping {
        guard case .mapping(let mapping) = node else { throw problem("expected a mapping of keys to values, found \(kind)") }
        var entries: [YAMLMapping.Entry] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let key) = keyNode else {
                throw YAMLProblem(file: file, line: keyNode.mark?.line ?? line, keyPath: keyPath, message: "keys must be plain words")
            }
            let childPath = keyPath.isEmpty ? key.string : "\(keyPath).\(key.string)"
            entries.append(.init(key: key.string, line: keyNode.mark?.line ?? line,
                                 value: YAMLValue(node: valueNode, file: file, keyPath: childPath)))
        }
        return YAMLMapping(owner: self, entries: entries)
    }

    public func sequence() throws -> [YAMLValue] {
        guard case .sequence(let sequence) = node else { throw problem("expected a list, found \(kind)") }
        return sequence.enumerated().map { index, child in
            YAMLValue(node: child, file: file, keyPath: "\(keyPath)[\(index)]")
        }
    }

    /// A list of plain values; a single value is accepted as a list of one.
    public func strings() throws -> [String] {
        if case .scalar = node { return [try string()] }
        return try sequence().map { try $0.string() }
    }

    var kind: String {
        switch node {
        case .scalar: "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: 0
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            "not valid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            "the same key appears twice: \(duplicates.joined(separator: ", "))"
        default:
            "not valid YAML"
        }
    }
}

/// The keys of one YAML mapping, in file order. Reading a key marks it as known; `finish()`
/// then reports every key nobody asked for, because a misspelt key silently ignored is a
/// setting that silently does not apply.
public final class YAMLMapping {
    public struct Entry {
        public let key: String
        public let line: Int
        public let value: YAMLValue
    }

    public let owner: YAMLValue
    public let entries: [Entry]
    private var consumed: Set<String> = []

    init(owner: YAMLValue, entries: [Entry]) {
        self.owner = owner
        self.entries = entries
    }

    public var keys: [String] { entries.map(\.key) }

    public func optional(_ key: String) -> YAMLValue? {
        consumed.insert(key)
        return entries.first { $0.key == key }?.value
    }

    public func required(_ key: String) throws -> YAMLValue {
        guard let value = optional(key) else { throw owner.problem("missing required key \"\(key)\"") }
        return value
    }

    /// Marks every key as read: for mappings whose keys are data (message catalogs, id maps).
    public func allEntries() -> [Entry] {
        consumed.formUnion(keys)
        return entries
    }

    /// Throws every key that was never read, naming the keys that are allowed here.
    public func finish() throws {
        let allowed = consumed.sorted().joined(separator: ", ")
        let unknown = entries.filter { !consumed.contains($0.key) }.map { entry in
            YAMLProblem(file: owner.file, line: entry.line,
                        keyPath: owner.keyPath.isEmpty ? entry.key : "\(owner.keyPath).\(entry.key)",
                        message: "unknown key \"\(entry.key)\" (allowed here: \(allowed))")
        }
        if unknown.count == 1 { throw unknown[0] }
        if !unknown.isEmpty { throw YAMLProblems(unknown) }
    }
}
