import DurableStore
import Foundation

// Appends numbered records to an EventStore as fast as it can, printing each index once its
// append has returned (i.e. the store confirmed it durable), so that a test can SIGKILL this
// process at any moment and check that every confirmed record survived.
//
// usage: journal-crash-writer DIRECTORY [SNAPSHOT_EVERY]
// The snapshot is every index it covers (0, 1, 2, ...), one per line of the snapshot file, so that a
// kill can land in the middle of writing one; the journal holds the indices after it.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: journal-crash-writer DIRECTORY [SNAPSHOT_EVERY]\n".utf8))
    exit(2)
}
let directory = URL(fileURLWithPath: arguments[1])
let snapshotEvery = arguments.count > 2 ? Int(arguments[2]) ?? 0 : 0

/// Unbuffered, so that a line on stdout means the confirmation really left this process before a kill.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

do {
    let (store, recovered) = try EventStore<Int, [Int]>.open(directory: directory)
    var next = max(recovered.snapshot?.last ?? -1, recovered.records.last ?? -1) + 1
    var sinceSnapshot = 0
    while true {
        let batch = Array(next..<(next + 1 + next % 3))
        try await store.append(batch)
        next += batch.count
        sinceSnapshot += batch.count
        report("\(next - 1)")
        if snapshotEvery > 0, sinceSnapshot >= snapshotEvery {
            try await store.writeSnapshot(Array(0..<next))
            sinceSnapshot = 0
            report("snapshot \(next - 1)")
        }
    }
} catch {
    FileHandle.standardError.write(Data("journal-crash-writer: \(error)\n".utf8))
    exit(1)
}
