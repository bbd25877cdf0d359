//! Problems found in definition files, reported the way a compiler reports them: file, line, column, the path
//! in the document, what is wrong and how to fix it.

use std::path::PathBuf;

use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use serde::Serialize;

use crate::source::SourceFile;

/// How bad a problem is. Errors stop a definition from being published; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "DiagnosticLevel"))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// Stable name of the check, e.g. `unknown-reference`; tools and tests match on it.
    pub check: &'static str,
    /// The file, as loaded.
    pub file: PathBuf,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// Path of the node in the document, e.g. `prosedur[2].actions[0].to`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip)]
    range: std::ops::Range<usize>,
}

/// Collects the diagnostics of one file.
pub struct Reporter<'a> {
    file: &'a SourceFile,
    out: &'a mut Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    /// Reports into `out`, locating paths in `file`.
    pub fn new(file: &'a SourceFile, out: &'a mut Vec<Diagnostic>) -> Self {
        Reporter { file, out }
    }

    /// The file being reported on.
    pub fn file(&self) -> &SourceFile {
        self.file
    }

    /// An error at the node `path`.
    pub fn error(&mut self, check: &'static str, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Level::Error, check, path, message.into(), hint.into());
    }

    /// A warning at the node `path`.
    pub fn warning(&mut self, check: &'static str, path: &str, message: impl Into<String>, hint: impl Into<String>) {
        self.push(Level::Warning, check, path, message.into(), hint.into());
    }

    /// A problem at a known line and column (from the YAML parser, or the first line of the file).
    #[allow(clippy::too_many_arguments)]
    pub fn at(
        &mut self,
        level: Level,
        check: &'static str,
        line: usize,
        column: usize,
        path: &str,
        message: String,
        hint: String,
    ) {
        let position = self.file.position(line, column);
        self.record(level, check, position, path, message, hint);
    }

    fn push(&mut self, level: Level, check: &'static str, path: &str, message: String, hint: String) {
        let position = self.file.locate(path);
        self.record(level, check, position, path, message, hint);
    }

    fn record(
        &mut self,
        level: Level,
        check: &'static str,
        position: crate::source::Position,
        path: &str,
        message: String,
        hint: String,
    ) {
        self.out.push(Diagnostic {
            level,
            check,
            file: self.file.path.clone(),
            line: position.line,
            column: position.column,
            path: path.to_string(),
            message,
            hint: non_empty(hint),
            range: position.range,
        });
    }
}

fn non_empty(hint: String) -> Option<String> {
    (!hint.is_empty()).then_some(hint)
}

/// Whether any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.level == Level::Error)
}

/// Renders diagnostics for people: each with the source line shown and the problem underlined.
pub fn render_text(diagnostics: &[Diagnostic], files: &[SourceFile]) -> String {
    let mut db = SimpleFiles::new();
    let ids: Vec<(PathBuf, usize)> =
        files.iter().map(|f| (f.path.clone(), db.add(f.path.display().to_string(), f.text.as_str()))).collect();
    let config = term::Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let rendered = match d.level {
            Level::Error => Rendered::error(),
            Level::Warning => Rendered::warning(),
        }
        .with_code(d.check)
        .with_message(&d.message);
        let mut notes = Vec::new();
        if !d.path.is_empty() {
            notes.push(format!("in: {}", d.path));
        }
        if let Some(hint) = &d.hint {
            notes.push(format!("hint: {hint}"));
        }
        let rendered = rendered.with_notes(notes);
        let text = match ids.iter().find(|(path, _)| *path == d.file) {
            Some((_, id)) => {
                let with_label = rendered.with_labels(vec![Label::primary(*id, d.range.clone())]);
                term::emit_into_string(&config, &db, &with_label).ok()
            }
            None => None,
        };
        out.push_str(&text.unwrap_or_else(|| plain_line(d)));
    }
    out
}

fn plain_line(d: &Diagnostic) -> String {
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let mut line = format!("{level}[{}]: {}\n  --> {}:{}:{}\n", d.check, d.message, d.file.display(), d.line, d.column);
    if let Some(hint) = &d.hint {
        line.push_str(&format!("  = hint: {hint}\n"));
    }
    line
}
