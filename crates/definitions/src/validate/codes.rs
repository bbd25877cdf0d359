//! Codes: their form and their uniqueness.

use std::collections::HashMap;

use crate::diagnostics::Reporter;

/// Whether `code` is lower snake case (`a-z`, digits, `_`, starting with a letter): usable as a CEL name.
pub fn is_snake(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `code` is lower kebab case, as service and tenant codes (they appear in URLs and file names).
pub fn is_kebab(code: &str) -> bool {
    let mut chars = code.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.ends_with('-')
}

/// Reports codes of a list that are not snake case or appear twice. `list` is the path of the list, `what`
/// names its items for people.
pub fn check_list<'a>(reporter: &mut Reporter<'_>, list: &str, what: &str, codes: impl IntoIterator<Item = &'a str>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, code) in codes.into_iter().enumerate() {
        let path = format!("{list}[{i}].code");
        if !is_snake(code) {
            reporter.error(
                "code-format",
                &path,
                format!("kode {what} `{code}` harus huruf kecil dengan garis bawah"),
                "pakai huruf kecil, angka, dan `_`, diawali huruf (misalnya `surat_pengantar`)",
            );
        }
        if let Some(first) = seen.insert(code, i) {
            reporter.error(
                "duplicate-code",
                &path,
                format!("kode {what} `{code}` dipakai dua kali (juga di {list}[{first}])"),
                "beri masing-masing kode sendiri",
            );
        }
    }
}
