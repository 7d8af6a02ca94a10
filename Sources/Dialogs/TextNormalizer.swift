import Foundation

/// Folds what people type into one comparable form: case, accents, surrounding punctuation and
/// spaces, Arabic and Persian letter variants, vowel marks and digits. "  Oui ! " and "oui" compare equal.
public enum TextNormalizer {
    public static func normalize(_ text: String) -> String {
        var folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: folded.unicodeScalars.filter { !isIgnorable($0) }.map(unifiedLetter))
        folded = String(scalars)
        let trimSet = CharacterSet.whitespacesAndNewlines.union(.punctuationCharacters).union(.symbols)
            .subtracting(CharacterSet(charactersIn: "?"))
        let trimmed = folded.trimmingCharacters(in: trimSet)
        return trimmed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Arabic-Indic and Persian digits become ASCII; Persian yeh and keheh, alef variants and
    /// teh marbuta are unified, because keyboards and habits differ for the same word.
    public static func unifiedLetter(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x0660...0x0669: Unicode.Scalar(scalar.value - 0x0660 + 0x30)!
        case 0x06F0...0x06F9: Unicode.Scalar(scalar.value - 0x06F0 + 0x30)!
        case 0x06CC, 0x0649: "\u{064A}"          // Persian yeh, alef maksura -> Arabic yeh
        case 0x06A9: "\u{0643}"                  // keheh -> kaf
        case 0x0622, 0x0623, 0x0625: "\u{0627}"  // alef with madda/hamza -> bare alef
        case 0x0629: "\u{0647}"                  // teh marbuta -> heh
        case 0x0624: "\u{0648}"                  // waw with hamza -> waw
        case 0x0626: "\u{064A}"                  // yeh with hamza -> yeh
        default: scalar
        }
    }

    /// Marks that change nothing for matching: Arabic vowel marks (harakat, shadda, tanween,
    /// superscript alef), the tatweel that only stretches a letter, and the Persian zero-width
    /// non-joiner some keyboards put inside words and others do not; and characters nobody sees
    /// (zero-width spaces and joiners, bidi controls, the byte-order mark, soft hyphens, control
    /// characters), which would otherwise hide a word such as "sos" from the bot.
    public static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x064B...0x065F, 0x0670, 0x0640, 0x200C: true
        case 0x0000...0x0008, 0x000E...0x001F, 0x007F...0x009F, 0x00AD: true
        case 0x200B, 0x200D...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }
}
