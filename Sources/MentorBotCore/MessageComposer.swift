import BotModel
import Dialogs
import Foundation

/// Turns message keys into the text and HTML a person reads, in their language.
struct MessageComposer {
    let localizer: Localizer

    func compose(_ prompt: Prompt, in language: String) -> (body: String, html: String) {
        let text = localizer.text(prompt.key, in: language, prompt.parameters)
        let choices = prompt.choices.enumerated().map { index, label in
            "\(AnswerParser.keycap(index + 1)) \(localizer.text(label, in: language))"
        }
        let body = ([text] + choices).joined(separator: "\n")
        var html = paragraphs(text)
        if !choices.isEmpty { html += "<p>" + choices.map(Self.escape).joined(separator: "<br>") + "</p>" }
        return (body, wrap(html, language))
    }

    func compose(lines: [String], in language: String) -> (body: String, html: String) {
        let body = lines.joined(separator: "\n")
        let html = "<p>" + lines.map(Self.escape).joined(separator: "<br>") + "</p>"
        return (body, wrap(html, language))
    }

    private func paragraphs(_ text: String) -> String {
        text.components(separatedBy: "\n\n").map { "<p>" + Self.escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" }
            .joined()
    }

    /// Right-to-left languages get an explicit direction so clients lay the whole message out correctly.
    private func wrap(_ html: String, _ language: String) -> String {
        localizer.direction(language) == .rtl ? "<div dir=\"rtl\">\(html)</div>" : html
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
