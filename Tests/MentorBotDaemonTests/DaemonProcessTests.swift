import Foundation
import Testing
@testable import MentorBotDaemon

/// `mentorbot reload` signals only the bot itself, never another command holding the data directory.
@Suite struct DaemonProcessTests {
    @Test func onlyTheRunSubcommandIsTheBot() {
        #expect(DaemonProcess.isDaemon(["/opt/mentorbot/bin/mentorbot", "run", "--config", "/etc/mentorbot/mentorbot.yaml"]))
        #expect(DaemonProcess.isDaemon(["mentorbot", "run"]))
        #expect(!DaemonProcess.isDaemon(["/opt/mentorbot/bin/mentorbot", "person", "erase", "P-001"]))
        #expect(!DaemonProcess.isDaemon(["mentorbot", "--help"]))
        #expect(!DaemonProcess.isDaemon(["/usr/bin/python3", "run"]), "another program with a run argument")
        #expect(!DaemonProcess.isDaemon([]))
    }

    @Test func aProcessCommandLineIsReadAsItsArguments() throws {
        let own = try #require(DaemonProcess.commandLine(of: getpid()))
        #expect(own == CommandLine.arguments, "this test process's own arguments, read back from /proc")
        #expect(!DaemonProcess.isDaemon(own))
        #expect(DaemonProcess.commandLine(of: Int32.max) == nil, "no such process")
    }
}
