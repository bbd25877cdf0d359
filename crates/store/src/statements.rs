//! Counting the SQL statements a piece of work runs. The API counts each GraphQL request's and exports them as a
//! histogram, so that a list costing one statement per row shows in production and fails a test; statements of
//! the background tasks sharing the pool are not counted, since they run outside any counted work.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

tokio::task_local! {
    static COUNTER: Arc<AtomicU64>;
}

/// The statements run by the work given to [`StatementCount::scope`] so far.
#[derive(Debug, Clone, Default)]
pub struct StatementCount(Arc<AtomicU64>);

impl StatementCount {
    /// How many so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// `work`, counting into this count the statements it runs (a future spawned from it is counted only if it is
    /// given to `scope` as well).
    pub fn scope<F: Future>(&self, work: F) -> impl Future<Output = F::Output> + use<F> {
        COUNTER.scope(self.0.clone(), work)
    }
}

/// Called by the connection for every statement it runs.
pub(crate) fn count_one() {
    let _ = COUNTER.try_with(|count| count.fetch_add(1, Ordering::Relaxed));
}
