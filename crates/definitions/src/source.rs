//! Definition files as text, and where each node of the document stands in them.
//!
//! serde gives us a typed model but forgets positions; a second pass with `saphyr-parser` records the line and
//! column of every node under its document path (`prosedur[2].actions[0].to`), so that any later check can
//! point at the exact place in the file.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, Span};

/// A place in a file: byte range for highlighting, 1-based line and column for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Byte range in the file's text.
    pub range: Range<usize>,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

/// One definition file, its text and the positions of its nodes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown in diagnostics (relative to the definitions folder when loaded from one).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    line_starts: Vec<usize>,
    nodes: HashMap<String, Position>,
}

impl SourceFile {
    /// Indexes `text`. A syntax error leaves the index partial; serde reports the error itself.
    pub fn new(path: impl AsRef<Path>, text: String) -> Self {
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let mut file = SourceFile { path: path.as_ref().to_path_buf(), text, line_starts, nodes: HashMap::new() };
        file.nodes = index_nodes(&file);
        file
    }

    /// The position of a 1-based line and column.
    pub fn position(&self, line: usize, column: usize) -> Position {
        let line = line.clamp(1, self.line_starts.len());
        let start = self.line_starts[line - 1];
        let line_text = &self.text[start..self.line_end(line)];
        let offset: usize = line_text.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
        let token_len = line_text[offset..]
            .split(|c: char| c.is_whitespace() || c == ':' || c == ',')
            .next()
            .map_or(0, str::len)
            .max(1);
        let begin = (start + offset).min(self.text.len());
        Position { range: begin..(begin + token_len).min(self.text.len()), line, column }
    }

    /// Where the node at `path` stands; if the path is not in the file (a missing key), its nearest parent.
    pub fn locate(&self, path: &str) -> Position {
        let mut path = path;
        loop {
            if let Some(position) = self.nodes.get(path) {
                return position.clone();
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return self.nodes.get("").cloned().unwrap_or_else(|| self.position(1, 1)),
            }
        }
    }

    /// Whether the document has a node at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.nodes.contains_key(path)
    }

    fn line_end(&self, line: usize) -> usize {
        self.line_starts.get(line).map_or(self.text.len(), |next| next - 1)
    }

    fn position_of_marker(&self, span: &Span) -> Position {
        let start = self.position(span.start.line(), span.start.col() + 1);
        if span.end.line() == span.start.line() && span.end.col() > span.start.col() {
            let end = self.position(span.end.line(), span.end.col() + 1).range.start;
            Position { range: start.range.start..end.max(start.range.start + 1).min(self.text.len()), ..start }
        } else {
            start
        }
    }
}

enum Frame {
    Map { path: String, key: Option<(String, Position)> },
    Seq { path: String, next: usize },
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

fn index_nodes(file: &SourceFile) -> HashMap<String, Position> {
    let mut nodes = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    for item in Parser::new_from_str(&file.text) {
        let Ok((event, span)) = item else { break };
        let is_node =
            matches!(event, Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..) | Event::Alias(..));
        if is_node {
            // A scalar in key position names the next node rather than being one.
            if let Some(Frame::Map { key: key @ None, .. }) = stack.last_mut() {
                let text = match &event {
                    Event::Scalar(text, ..) => text.to_string(),
                    _ => String::from("?"),
                };
                *key = Some((text, file.position_of_marker(&span)));
                if matches!(event, Event::Scalar(..)) {
                    continue;
                }
            }
            let here = file.position_of_marker(&span);
            let (path, position) = match stack.last_mut() {
                None => (String::new(), here),
                Some(Frame::Seq { path, next }) => {
                    *next += 1;
                    (format!("{path}[{}]", *next - 1), here)
                }
                Some(Frame::Map { path, key }) => {
                    let (name, key_position) = key.take().unwrap_or_else(|| (String::new(), here.clone()));
                    // A block list or map under a key starts on a later line; the key is where people look.
                    let is_collection = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
                    (join(path, &name), if is_collection { key_position } else { here })
                }
            };
            nodes.entry(path.clone()).or_insert(position);
            match event {
                Event::SequenceStart(..) => stack.push(Frame::Seq { path, next: 0 }),
                Event::MappingStart(..) => stack.push(Frame::Map { path, key: None }),
                _ => {}
            }
        } else if matches!(event, Event::SequenceEnd | Event::MappingEnd) {
            stack.pop();
        }
    }
    nodes
}
