//! Free text as workers type it, kept free of what makes a text read otherwise than it
//! is: control characters (line breaks and tabs aside), the explicit text-direction
//! embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069: an override shows «exe.png» for «gnp.exe»), tag
//! characters (invisible text) and interlinear annotations. Direction marks (U+200E,
//! U+200F, U+061C) and joiners stay: keyboards put them in right-to-left and Indic text.
//!
//! The app takes them out of what it saves ([`crate::schema::Document::clean_free_texts`]);
//! the server refuses a change that brings them (the nineteenth attacker's probe stored a
//! right-to-left override, NUL and ESC in a contact's workplace and note through the
//! correction form, and the export carried them).

/// Whether free text never holds `c`.
pub fn unsafe_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        || matches!(c,
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// Whether `text` holds no [`unsafe_char`].
pub fn is_clean(text: &str) -> bool {
    !text.chars().any(unsafe_char)
}

/// `text` without its [`unsafe_char`]s.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !unsafe_char(*c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_direction_overrides_go_line_breaks_marks_and_scripts_stay() {
        let typed = "PROBE \u{202E}gnp.exe\u{202C}\u{0}\u{8}\u{1b}[2J =x\nriga\tdue";
        assert!(!is_clean(typed));
        assert_eq!(clean(typed), "PROBE gnp.exe[2J =x\nriga\tdue");
        for kept in [
            "قال \u{200F}محمد",
            "ਬਲਜੀਤ",
            "শ্রী\u{200D}মতী",
            "Ionuț, 3 righe\r\n",
        ] {
            assert!(is_clean(kept), "{kept:?}");
            assert_eq!(clean(kept), kept);
        }
        assert!(!is_clean("a\u{2066}b\u{2069}"));
        assert!(!is_clean("tag\u{E0041}"));
    }
}
