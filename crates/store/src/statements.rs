//! Counting the SQL statements a piece of work runs. The API counts each GraphQL request's and exports them as a
//! histogram, so that a list costing one statement per row shows in production and fails a test; statements of
//! the background tasks sharing the pool are not counted, since they run outside any counted work.

use std::future::Future;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

tokio::task_local! {
    static COUNTER: StatementCount;
}

/// The statements run by the work given to [`StatementCount::scope`] so far.
#[derive(Debug, Clone, Default)]
pub struct StatementCount {
    count: Arc<AtomicU64>,
    /// Their SQL too, when made by [`StatementCount::recording`].
    texts: Option<Arc<Mutex<Vec<String>>>>,
}

impl StatementCount {
    /// A count that also keeps each statement's SQL: for tests that check what the store sends (the schema test's
    /// search for joins across offices), never for a server's requests.
    pub fn recording() -> Self {
        StatementCount { count: Arc::default(), texts: Some(Arc::default()) }
    }

    /// How many so far.
    pub fn get(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// The SQL of each statement so far, in order, when recording; empty otherwise.
    pub fn statements(&self) -> Vec<String> {
        self.texts.as_ref().and_then(|texts| texts.lock().ok().map(|t| t.clone())).unwrap_or_default()
    }

    /// `work`, counting into this count the statements it runs (a future spawned from it is counted only if it is
    /// given to `scope` as well).
    pub fn scope<F: Future>(&self, work: F) -> impl Future<Output = F::Output> + use<F> {
        COUNTER.scope(self.clone(), work)
    }
}

/// Called by the connection for every statement it runs.
pub(crate) fn count_one(statement: &sea_orm::Statement) {
    let _ = COUNTER.try_with(|count| {
        count.count.fetch_add(1, Ordering::Relaxed);
        if let Some(texts) = &count.texts
            && let Ok(mut texts) = texts.lock()
        {
            texts.push(statement.sql.clone());
        }
    });
}
