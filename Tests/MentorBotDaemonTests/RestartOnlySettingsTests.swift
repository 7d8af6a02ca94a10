import BotModel
import Foundation
@testable import MentorBotDaemon
import Testing

/// Issue 13: a reload takes over the roster, dialogs and programme settings; what names the
/// connection, the files, the port, the log or the model needs a restart and is refused by name.
@Suite struct RestartOnlySettingsTests {
    static let base = SerialDecisionTests.configuration(dataDirectory: "/tmp/unused")

    @Test func rosterAndProgrammeChangesAreTakenOver() {
        var changed = Self.base
        changed.roster.pairs.removeFirst()
        changed.programme.safety.helpline = "0800 123"
        changed.programme.safety.semantic.worrySignals = 5
        #expect(RestartOnlySettings.changed(from: Self.base, to: changed).isEmpty)
    }

    @Test func eachRestartOnlySettingIsNamed() {
        let edits: [(String, (inout Configuration) -> Void)] = [
            ("homeserver", { $0.homeserver = "http://127.0.0.1:2" }),
            ("bot", { $0.bot.deviceID = "OTHER" }),
            ("data_directory", { $0.dataDirectory = "/tmp/elsewhere" }),
            ("coordinators_room", { $0.coordinatorsRoom = "#other:test" }),
            ("monitoring_port", { $0.monitoringPort = 9100 }),
            ("logging", { $0.logAsJSON = true }),
            ("programme.safety.semantic", { $0.programme.safety.semantic.model = "/opt/model" }),
        ]
        for (key, edit) in edits {
            var changed = Self.base
            edit(&changed)
            #expect(RestartOnlySettings.changed(from: Self.base, to: changed) == [key])
        }
    }
}
