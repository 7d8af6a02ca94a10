import Dialogs
import Foundation

/// The safety word "sos" wherever it stands as a word: "sos please", "help sos", "SOS I need help",
/// "s.o.s", "sos sos", and hidden or disguised by invisible characters, bidi controls, full-width
/// letters or look-alike letters from other scripts (Cyrillic "ЅОЅ", Greek "σος", Cyrillic "сос"
/// as Russian and Ukrainian speakers write it). Someone in danger types in a hurry, and anyone who
/// disguises the word on purpose should find it still works.
public enum SafetyWord {
    public static func appears(in text: String) -> Bool {
        // Width and compatibility forms (full-width "ＳＯＳ") become plain letters first.
        let plain = text.precomposedStringWithCompatibilityMapping.lowercased()
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in plain.unicodeScalars {
            if TextNormalizer.isIgnorable(scalar) { continue }
            if let letter = lookAlike(scalar) ?? (CharacterSet.alphanumerics.contains(scalar) ? scalar : nil) {
                current.append(letter)
            } else if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        if tokens.contains("sos") { return true }
        // Spelled out letter by letter: "s o s", "s.o.s", "S-O-S".
        var run = ""
        for token in tokens + [""] {
            if token.count == 1 {
                run += token
                continue
            }
            if run.contains("sos") { return true }
            run = ""
        }
        return false
    }

    /// Letters of other scripts that stand for s or o in "sos", and the zero some type for o.
    private static func lookAlike(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x0455, 0x0441, 0x03C3, 0x03C2, 0x01BD, 0x0283: "s"   // Cyrillic dze, Cyrillic es, Greek sigmas
        case 0x043E, 0x03BF, 0x0030, 0x00F8, 0x1D0F: "o"           // Cyrillic o, Greek omicron, zero
        default: nil
        }
    }
}
