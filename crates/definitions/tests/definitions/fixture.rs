//! A small, valid definitions folder (`tests/fixtures/base`) copied to a temporary folder, which a test then
//! breaks in one place.

use std::path::{Path, PathBuf};

use simpul_definitions::{Diagnostic, Level, load_and_validate};

/// A temporary copy of the base fixture.
pub struct Fixture {
    dir: tempfile::TempDir,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create fixture folder");
    for entry in std::fs::read_dir(from).expect("read fixture folder") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// The service file of the base fixture.
pub const SERVICE: &str = "contoh/services/layanan-contoh.yaml";
/// The tenant file of the base fixture.
pub const TENANT: &str = "contoh/tenant.yaml";
/// The calendar file of the base fixture.
pub const CALENDAR: &str = "calendars/nasional.yaml";

impl Fixture {
    /// A fresh copy of the valid base fixture.
    pub fn base() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base"), dir.path());
        Fixture { dir }
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Replaces the one occurrence of `from` in `file` with `to`.
    pub fn edit(&self, file: &str, from: &str, to: &str) -> &Self {
        let path = self.dir.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read fixture file");
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write fixture file");
        self
    }

    /// Writes a whole file.
    pub fn write(&self, file: &str, text: &str) -> &Self {
        let path = self.dir.path().join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("create folder");
        std::fs::write(path, text).expect("write fixture file");
        self
    }

    /// Renames a file.
    pub fn rename(&self, from: &str, to: &str) -> &Self {
        std::fs::rename(self.dir.path().join(from), self.dir.path().join(to)).expect("rename fixture file");
        self
    }

    /// The 1-based line of `file` on which `needle` first occurs.
    pub fn line_of(&self, file: &str, needle: &str) -> usize {
        let text = std::fs::read_to_string(self.dir.path().join(file)).expect("read fixture file");
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("`{needle}` not in {file}"))
    }

    /// Loads and validates the folder.
    pub fn validate(&self) -> Vec<Diagnostic> {
        load_and_validate(self.dir.path()).expect("fixture folder readable").diagnostics
    }
}

/// The one diagnostic of `check`; fails listing all diagnostics when there is not exactly one.
pub fn only<'a>(diagnostics: &'a [Diagnostic], check: &str) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.check == check).collect();
    assert_eq!(found.len(), 1, "expected one `{check}` diagnostic, got: {diagnostics:#?}");
    found[0]
}

/// Asserts the diagnostic's level, file, line and that its message contains `text`.
pub fn assert_at(d: &Diagnostic, level: Level, file: &str, line: usize, text: &str) {
    assert_eq!(d.level, level, "{d:#?}");
    assert!(d.file.ends_with(PathBuf::from(file)), "file {} is not {file}", d.file.display());
    assert_eq!(d.line, line, "line of {d:#?}");
    assert!(d.message.contains(text), "message `{}` does not contain `{text}`", d.message);
}
