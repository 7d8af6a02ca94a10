import BotModel
import Dialogs
import Foundation
import Safeguarding

/// The middle answer of the screening: a message that may tell of danger, but not surely. The
/// person is asked privately and gently whether everything is all right (with "sos" and "talk to a
/// person" as ways to reach someone), the coordinators' inbox gets a low-priority note, and nobody
/// is paged. Several such signals about one person within a few days raise an incident.
extension BotCore {
    /// Notes a worry about `category` (a doubted phrase's, a call for help's, or the semantic
    /// layer's), with the score and nearest example of the part of the message read as unsure, or
    /// the call's place in its list; returns true when it raised (or added to) an incident instead,
    /// in which case the message has been fully handled.
    func noteWorry(_ category: DangerCategory, _ assessment: Assessment, for person: Person, at now: Date,
                   _ decision: inout Decision) -> Bool {
        // Someone with an open incident: the coordinators already have the case; they hear more.
        if decision.state.openIncident(of: person.matrixID) != nil {
            raiseIncident(for: person, category: category, phrase: nil, askIfSafe: false, at: now, &decision)
            return true
        }
        let settings = safety.semantic
        let worry = Worry(reference: decision.state.nextReference(.worry), personID: person.id,
                          matrixID: person.matrixID, role: person.role.rawValue, pairIDs: roster.pairs(of: person).map(\.id),
                          category: category, score: assessment.reading?.score,
                          nearest: assessment.reading?.nearest ?? assessment.phrase.map { "\($0.language).yaml:\($0.line)" } ?? "", notedAt: now)
        let earlier = decision.state.worries.filter {
            $0.matrixID == person.matrixID && $0.incident == nil && now.timeIntervalSince($0.notedAt) <= settings.worryWithin
        }
        decision.record(.worryNoted(worry))
        let recent = earlier + [worry]
        if recent.count >= settings.worrySignals {
            // The most severe of the signals, the latest among equals, names the incident.
            let category = recent.reversed().max { $0.category.severity < $1.category.severity }?.category ?? category
            raiseIncident(for: person, category: category, phrase: nil, askIfSafe: true, at: now, &decision)
            if let incident = decision.state.openIncident(of: person.matrixID) {
                decision.record(.worriesEscalated(references: recent.map(\.reference), incident: incident.reference))
            }
            return true
        }
        // Asked once a day at most: the same question again and again would read as alarm. A call
        // for help ("help me") is answered every time: silence would be the worst answer to it.
        if assessment.phrase?.isCall == true || !earlier.contains(where: { now.timeIntervalSince($0.notedAt) < 86_400 }) {
            say(Prompt(key: "bot.safety.ask"), to: person, priority: .safety, &decision)
        }
        return false
    }

    /// A coordinator has looked at a worry: it leaves the inbox.
    func acknowledgeWorry(_ reference: String, by coordinator: Person, at now: Date, _ decision: inout Decision) -> Bool {
        guard let worry = decision.state.worries.first(where: { $0.reference == reference }), worry.isOpen else { return false }
        decision.record(.worryAcknowledged(reference: reference, by: coordinator.id, at: now))
        return true
    }

    func worryLine(_ worry: Worry) -> (String, [String: String]) {
        let language = configuration.programme.defaultLanguage
        let time = DateWording(language: language, timeZone: programmeZone).dayAndTime(of: worry.notedAt)
        return ("coordinator.inbox.worry", [
            "reference": worry.reference, "category": categoryName(worry.category),
            "role": localizer.text("role.\(worry.role)", in: language),
            "pair": worry.pairIDs.isEmpty ? worry.personID : worry.pairIDs.joined(separator: ", "),
            "time": "\(time.day) \(time.time)",
        ])
    }
}
