//! Escaping for Typst markup: every value from an application passes through here before it reaches a letter,
//! so that a name or an address is always text and never markup, code, math, a label or a reference.

/// Escapes `value` for Typst markup. Each character that means something in markup gets a backslash; line
/// breaks become spaces (a blank line would start a paragraph) and control characters are dropped.
pub fn typst_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' | '#' | '[' | ']' | '{' | '}' | '*' | '_' | '`' | '$' | '<' | '>' | '@' | '=' | '-' | '+' | '/'
            | '~' | '"' | '\'' | ':' | '.' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
