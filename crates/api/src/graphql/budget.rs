//! What one GraphQL document may cost before anything runs.
//!
//! async-graphql limits depth and complexity while it validates, but validating can itself be the expensive
//! part: a chain of 22 fragments, each spreading the next twice, is 1 KB of text and four million fields once
//! expanded, and validation walks every one of them. So every document is measured here first, in time linear in
//! its length: a lexical pass bounds tokens and nesting before the parser sees the text (the parser recurses per
//! level), then each fragment is measured once (memoized) and its cost added wherever it is spread. A document
//! over the caller's [`Budget`] is refused with `QUERY_TOO_COMPLEX` and never validated or executed.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Positioned, ServerError};

/// Limits on one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Lexical tokens: bounds the parser's work whatever the text contains.
    pub tokens: usize,
    /// Nesting of braces, brackets and parentheses: the parser recurses once per level.
    pub nesting: usize,
    /// Field selections once every fragment spread is expanded: what validation and execution visit.
    pub selections: u64,
    /// Levels of fields, once expanded.
    pub depth: u64,
    /// Aliases, once expanded: each lets the same field run again in one request.
    pub aliases: u64,
    /// Directives, once expanded.
    pub directives: u64,
}

impl Budget {
    /// For signed-in officers and integrators. The console's largest page (an inbox of 50 with actions,
    /// deadlines and letters) selects about 80 fields 6 levels deep in some 600 tokens; these limits leave room
    /// for tools written by others, and keep validation of the worst allowed document to milliseconds.
    pub const SIGNED_IN: Budget =
        Budget { tokens: 10_000, nesting: 32, selections: 2_000, depth: 12, aliases: 100, directives: 50 };

    /// For anonymous callers, who may only read public data (services, tracking, verification): a public
    /// service description with its steps is under 60 fields; anybody on the internet can send these, so the
    /// budget is a tenth.
    pub const ANONYMOUS: Budget =
        Budget { tokens: 2_000, nesting: 24, selections: 200, depth: 10, aliases: 10, directives: 10 };

    /// For operations that only introspect the schema (`__schema`, `__type`), whoever sends them: the standard
    /// introspection query of GraphiQL and code generators nests `ofType` seven levels deep (depth 13) and
    /// selects about 110 fields once its fragments are expanded.
    pub const INTROSPECTION: Budget =
        Budget { tokens: 2_000, nesting: 24, selections: 500, depth: 16, aliases: 10, directives: 10 };
}

/// Fields that may run once per request: each checks a secret (`login`) or confirms one (`trackApplication`),
/// and aliases would otherwise try many guesses in one request, past the per-attempt limits' intent.
const ONCE_PER_REQUEST: [&str; 2] = ["login", "trackApplication"];

/// Why a document is not run.
#[derive(Debug)]
pub enum DocumentError {
    /// It is not GraphQL (`GRAPHQL_PARSE_FAILED`).
    Parse(ServerError),
    /// It costs more than the budget (`QUERY_TOO_COMPLEX`), in words for people.
    OverBudget(String),
}

/// Checks `query` against `budget` and parses it; the parsed document is handed to async-graphql, which then
/// does not parse it again.
pub fn check(query: &str, budget: &Budget) -> Result<ExecutableDocument, DocumentError> {
    scan(query, budget)?;
    let document = async_graphql::parser::parse_query(query).map_err(|e| DocumentError::Parse(e.into()))?;
    measure(&document, budget)?;
    Ok(document)
}

/// The type of the operation a request runs: the one named, or the only one.
pub fn operation_type(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    document.operations.iter().find(|(n, _)| name.is_none() || n.map(|n| n.as_str()) == name).map(|(_, op)| op.node.ty)
}

fn over(message: String) -> DocumentError {
    DocumentError::OverBudget(message)
}

/// The lexical pass: counts tokens and nesting, skipping strings, block strings and comments.
fn scan(query: &str, budget: &Budget) -> Result<(), DocumentError> {
    let bytes = query.as_bytes();
    let (mut i, mut tokens, mut nesting) = (0, 0usize, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") { 4 } else { 1 };
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'{' | b'[' | b'(' => {
                nesting += 1;
                if nesting > budget.nesting {
                    return Err(over(format!(
                        "Permintaan GraphQL bersarang terlalu dalam: lebih dari {} tingkat kurung",
                        budget.nesting
                    )));
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                nesting = nesting.saturating_sub(1);
                i += 1;
            }
            b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'+')
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        tokens += 1;
        if tokens > budget.tokens {
            return Err(over(format!("Permintaan GraphQL terlalu panjang: lebih dari {} token", budget.tokens)));
        }
    }
    Ok(())
}

/// What a selection set costs once expanded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cost {
    selections: u64,
    depth: u64,
    aliases: u64,
    directives: u64,
    once: [u64; ONCE_PER_REQUEST.len()],
}

impl Cost {
    /// Two sibling selections: counts add up, depth is the deeper one.
    fn and(self, other: Cost) -> Cost {
        let mut once = self.once;
        for (a, b) in once.iter_mut().zip(other.once) {
            *a = a.saturating_add(b);
        }
        Cost {
            selections: self.selections.saturating_add(other.selections),
            depth: self.depth.max(other.depth),
            aliases: self.aliases.saturating_add(other.aliases),
            directives: self.directives.saturating_add(other.directives),
            once,
        }
    }
}

/// Measures fragments once each; a fragment that spreads itself (directly or not) is refused.
struct Measure<'a> {
    document: &'a ExecutableDocument,
    fragments: HashMap<&'a str, Option<Cost>>,
}

impl<'a> Measure<'a> {
    fn fragment(&mut self, name: &'a str) -> Result<Cost, DocumentError> {
        match self.fragments.get(name) {
            Some(Some(cost)) => return Ok(*cost),
            Some(None) => return Err(over(format!("Fragmen `{name}` memuat dirinya sendiri"))),
            None => {}
        }
        // Unknown fragments cost nothing here; validation refuses them.
        let Some(definition) = self.document.fragments.get(name) else { return Ok(Cost::default()) };
        self.fragments.insert(name, None);
        let directives = definition.node.directives.len() as u64;
        let cost = self.set(&definition.node.selection_set)?.and(Cost { directives, ..Cost::default() });
        self.fragments.insert(name, Some(cost));
        Ok(cost)
    }

    // Recursion here follows the document's nesting, which the lexical pass has bounded.
    fn set(&mut self, set: &'a Positioned<SelectionSet>) -> Result<Cost, DocumentError> {
        let mut total = Cost::default();
        for item in &set.node.items {
            let cost = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let inner = self.set(&field.selection_set)?;
                    let mut own = Cost {
                        selections: 1,
                        depth: 0,
                        aliases: u64::from(field.alias.is_some()),
                        directives: field.directives.len() as u64,
                        once: [0; ONCE_PER_REQUEST.len()],
                    };
                    if let Some(i) = ONCE_PER_REQUEST.iter().position(|n| *n == field.name.node.as_str()) {
                        own.once[i] = 1;
                    }
                    let mut cost = own.and(inner);
                    cost.depth = inner.depth.saturating_add(1);
                    cost
                }
                Selection::FragmentSpread(spread) => {
                    let directives = spread.node.directives.len() as u64;
                    self.fragment(spread.node.fragment_name.node.as_str())?.and(Cost { directives, ..Cost::default() })
                }
                Selection::InlineFragment(inline) => {
                    let directives = inline.node.directives.len() as u64;
                    self.set(&inline.node.selection_set)?.and(Cost { directives, ..Cost::default() })
                }
            };
            total = total.and(cost);
        }
        Ok(total)
    }
}

/// Whether an operation only introspects the schema.
fn introspection_only(set: &SelectionSet) -> bool {
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type" | "__typename"),
        _ => false,
    })
}

fn measure(document: &ExecutableDocument, budget: &Budget) -> Result<(), DocumentError> {
    let mut measure = Measure { document, fragments: HashMap::new() };
    let mut everything = Cost::default();
    let mut all_introspection = true;
    for (_, operation) in document.operations.iter() {
        let op = &operation.node;
        let introspection = introspection_only(&op.selection_set.node);
        all_introspection &= introspection;
        let limits = if introspection { &Budget::INTROSPECTION } else { budget };
        let cost =
            measure.set(&op.selection_set)?.and(Cost { directives: op.directives.len() as u64, ..Cost::default() });
        within(&cost, limits)?;
        for (i, count) in cost.once.iter().enumerate() {
            if *count > 1 {
                return Err(over(format!(
                    "`{}` hanya boleh sekali dalam satu permintaan; kirim permintaan terpisah",
                    ONCE_PER_REQUEST[i]
                )));
            }
        }
        everything = everything.and(cost);
    }
    // Validation also visits every fragment definition, used or not.
    for name in document.fragments.keys() {
        everything = everything.and(measure.fragment(name.as_str())?);
    }
    within(&everything, if all_introspection { &Budget::INTROSPECTION } else { budget })
}

fn within(cost: &Cost, budget: &Budget) -> Result<(), DocumentError> {
    let checks = [
        (cost.selections, budget.selections, "Permintaan GraphQL terlalu besar: {n} field setelah fragmen diuraikan"),
        (cost.depth, budget.depth, "Permintaan GraphQL terlalu dalam: {n} tingkat field"),
        (cost.aliases, budget.aliases, "Terlalu banyak alias dalam satu permintaan: {n}"),
        (cost.directives, budget.directives, "Terlalu banyak direktif dalam satu permintaan: {n}"),
    ];
    match checks.into_iter().find(|(n, max, _)| n > max) {
        Some((n, max, what)) => Err(over(format!("{}, paling banyak {max}", what.replace("{n}", &n.to_string())))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `levels` fragments, each spreading the next twice: 2^levels fields once expanded.
    pub fn fragment_chain(levels: usize) -> String {
        let mut query = String::from("query { ...F0 }\n");
        for i in 0..levels {
            query.push_str(&format!("fragment F{i} on Query {{ ...F{} ...F{} }}\n", i + 1, i + 1));
        }
        query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
        query
    }

    fn refused(query: &str, budget: &Budget) -> String {
        match check(query, budget) {
            Err(DocumentError::OverBudget(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_fragment_chain_is_measured_without_being_expanded() {
        let started = std::time::Instant::now();
        let message = refused(&fragment_chain(22), &Budget::SIGNED_IN);
        assert!(message.contains("4194304 field"), "{message}");
        let message = refused(&fragment_chain(200), &Budget::SIGNED_IN);
        assert!(message.contains("terlalu besar"), "{message}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(check(&fragment_chain(5), &Budget::SIGNED_IN).is_ok(), "32 fields are fine");
    }

    #[test]
    fn nesting_and_length_are_refused_before_parsing() {
        let deep = format!("{}a{}", "{ a ".repeat(100_000), "}".repeat(100_000));
        assert!(refused(&deep, &Budget::SIGNED_IN).contains("bersarang"));
        let long = format!("{{ {} }}", "a ".repeat(20_000));
        assert!(refused(&long, &Budget::SIGNED_IN).contains("token"));
        let strings = format!("{{ a(x: \"{}\") }}", "{".repeat(10_000));
        assert!(check(&strings, &Budget::SIGNED_IN).is_ok(), "brackets inside strings are text");
    }

    #[test]
    fn logins_and_tracking_run_once_per_request() {
        let many: String = (0..50)
            .map(|i| format!("u{i}: login(username: \"u{i}\", password: \"x\") {{ token }}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(refused(&format!("mutation {{ {many} }}"), &Budget::SIGNED_IN).contains("`login` hanya boleh sekali"));
        let track = "{ a: trackApplication(trackingCode: \"X\", nik: \"1\") { status } \
                     b: trackApplication(trackingCode: \"X\", nik: \"2\") { status } }";
        assert!(refused(track, &Budget::ANONYMOUS).contains("`trackApplication`"));
        assert!(check("mutation { login(username: \"a\", password: \"b\") { token } }", &Budget::ANONYMOUS).is_ok());
    }

    #[test]
    fn anonymous_callers_get_the_smaller_budget() {
        let wide = format!("{{ {} }}", (0..150).map(|i| format!("f{i}")).collect::<Vec<_>>().join(" "));
        assert!(check(&wide, &Budget::SIGNED_IN).is_ok());
        let aliased = format!("{{ {} }}", (0..20).map(|i| format!("a{i}: f")).collect::<Vec<_>>().join(" "));
        assert!(refused(&aliased, &Budget::ANONYMOUS).contains("alias"));
        assert!(check(&aliased, &Budget::SIGNED_IN).is_ok());
    }

    #[test]
    fn a_fragment_that_spreads_itself_is_refused() {
        let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        assert!(refused(cycle, &Budget::SIGNED_IN).contains("memuat dirinya sendiri"));
    }
}
