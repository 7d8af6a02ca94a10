import BotModel
import DurableStore
import Foundation

/// People's rights over their data, on the data directory of a stopped bot: a copy of
/// everything held about a person (a subject access request), and an erasure that leaves no file
/// in the data directory holding it. Each is kept in the audit log (who, whose, when; no data).
public enum DataRights {
    /// Everything held about `person`, as of now; the export is audited.
    public static func export(_ person: Person, pairIDs: [String], dataDirectory: URL, by: String, now: Date = Date()) async throws -> PersonalData {
        let (store, state) = try open(dataDirectory)
        let data = state.personalData(of: person, pairIDs: pairIDs, at: now)
        do {
            try await store.append([.audited(AuditEntry(action: "export", subject: person.id, by: by, at: now,
                                                         detail: "\(data.answers.count) answers, \(data.incidents.count) incidents"))])
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return data
    }

    /// Removes the person's data from the state and writes it as the new snapshot, which also
    /// empties the journal: the old lines that held their data are gone from every file. A crash
    /// in between leaves either the old files (nothing erased yet; run it again) or the new
    /// snapshot with a journal it fully covers, which the store empties when it next opens.
    public static func erase(_ person: Person, dataDirectory: URL, by: String, now: Date = Date()) async throws -> BotState.Erasure {
        let (store, state) = try open(dataDirectory)
        var erased = state
        let erasure = erased.erase(person)
        erased.apply(.audited(AuditEntry(action: "erase", subject: person.id, by: by, at: now, detail: erasure.summary)))
        do {
            try await store.writeSnapshot(erased)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return erasure
    }

    /// The audit log, oldest first: exports and erasures, pauses, resumptions and closings of
    /// pairs and support requests' steps (kept in the state as they happen), and the
    /// acknowledgements and resolutions of incidents and worries (kept on each).
    public static func auditLog(dataDirectory: URL) async throws -> [AuditEntry] {
        let (store, state) = try open(dataDirectory)
        await store.close()
        var entries = state.audit
        for incident in state.incidents {
            if let by = incident.acknowledgedBy, let at = incident.acknowledgedAt {
                entries.append(AuditEntry(action: "acknowledge", subject: incident.reference, by: by, at: at))
            }
            if let by = incident.resolvedBy, let at = incident.resolvedAt {
                entries.append(AuditEntry(action: "resolve", subject: incident.reference, by: by, at: at))
            }
        }
        for worry in state.worries {
            if let by = worry.acknowledgedBy, let at = worry.acknowledgedAt {
                entries.append(AuditEntry(action: "acknowledge", subject: worry.reference, by: by, at: at))
            }
        }
        return entries.sorted { $0.at < $1.at }
    }

    private static func open(_ directory: URL) throws -> (EventStore<DomainEvent, BotState>, BotState) {
        let (store, recovered) = try EventStore<DomainEvent, BotState>.open(directory: directory)
        return (store, recovered.state)
    }

    /// The export as a person reads it: plain text, one fact a line.
    public static func readableText(_ data: PersonalData) -> String {
        let iso = ISO8601DateFormatter()
        func day(_ date: Date?) -> String { date.map { iso.string(from: $0) } ?? "-" }
        var lines = [
            "What MentorBot holds about \(data.person.id) (exported \(day(data.exportedAt)))",
            "",
            "Matrix account: \(data.person.matrixID)",
            "Role: \(data.person.role); language: \(data.chosenLanguage ?? data.person.language); time zone: \(data.person.timeZone)",
            "Pairs: \(data.pairIDs.isEmpty ? "-" : data.pairIDs.joined(separator: ", "))",
            "Chat room with the bot: \(data.directRoomID ?? "-")",
            "Stopped messages from the bot: \(data.stopped ? "yes" : "no")",
            "",
            "Consents (given \(day(data.consentsGivenAt))):",
        ]
        for (purpose, given) in (data.consents ?? [:]).sorted(by: { $0.key < $1.key }) { lines.append("  \(purpose): \(given ? "yes" : "no")") }
        lines += ["", "Answers (\(data.answers.count)):"]
        for record in data.answers {
            let answers = record.answers.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value.canonical)" }.joined(separator: "; ")
            lines.append("  \(day(record.completedAt)) \(record.dialogID): \(answers)")
        }
        lines += ["", "Meetings they planned (\(data.meetingsPlanned.count)):"]
        for meeting in data.meetingsPlanned { lines.append("  \(day(meeting.startsAt)) \(meeting.form) at \(meeting.place) (\(meeting.status))") }
        lines += ["", "Support requests (\(data.supportRequests.count)):"]
        for ticket in data.supportRequests {
            lines.append("  \(ticket.reference) \(day(ticket.openedAt)) \(ticket.area), \(ticket.urgency): \(ticket.description) (\(ticket.status))")
        }
        lines += ["", "Safety incidents (\(data.incidents.count)):"]
        for incident in data.incidents {
            lines.append("  \(incident.reference) \(day(incident.raisedAt)) \(incident.category.rawValue), \(incident.status)")
        }
        lines += ["", "Notes that the screening was unsure about a message (\(data.worryNotes.count)):"]
        for worry in data.worryNotes { lines.append("  \(worry.reference) \(day(worry.notedAt)) \(worry.category.rawValue)") }
        lines += ["", "Planned messages (\(data.pendingJobs.count)) and messages waiting to be sent (\(data.messagesWaiting.count))."]
        lines += ["Check-ins sent to them (\(data.checkInsSentAt.count)): \(data.checkInsSentAt.map { day($0) }.joined(separator: ", "))"]
        lines.append("The bot keeps no transcript of the chat: only the answers above.")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension BotState.Erasure {
    /// Counts only, for the operator and the audit log.
    public var summary: String {
        "\(answers) answers (\(answersKeptAnonymous) kept without any link, as consented), \(meetings) meetings, "
            + "\(supportRequests) support requests, \(incidents) incidents, \(worryNotes) worry notes, \(jobs) planned messages, "
            + "\(messages) waiting messages"
    }
}
