//! Conditions written with their value as an SQL literal instead of a bound parameter, so that the partial index
//! whose predicate they repeat serves them: PostgreSQL proves a partial index's predicate from the query's own
//! text, and a parameter (`stage = $1`) proves nothing in a prepared statement's generic plan, which it may choose
//! after five runs. The migrations `list_indexes` and `poll_indexes` name the predicates.

use sea_orm::sea_query::{Expr, SimpleExpr};

/// `value` as an SQL string literal. Only the store's own closed sets of codes are written this way; one that
/// needed quoting would be a programming error, so it is refused here rather than escaped.
pub(crate) fn literal(value: &'static str) -> SimpleExpr {
    assert!(
        value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "only lower-case codes are written as SQL literals: {value:?}"
    );
    Expr::cust(format!("'{value}'"))
}
