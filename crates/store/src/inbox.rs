//! The inbox: the applications an officer can act on now, soonest deadline first.
//!
//! Who may act depends on the definition (roles per step, paraf order, the officer a disposisi named), so the
//! engine decides it; the store walks the tenant's open applications in deadline order and keeps those the
//! engine puts in the actor's inbox.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use simpul_engine::{Actor, Service, in_inbox};

use crate::Store;
use crate::applications::{ApplicationFilter, ApplicationRecord, MAX_PAGE, Page, StageFilter};
use crate::definitions::TenantRuntime;
use crate::error::StoreResult;
use crate::scope::TenantScope;

/// The candidates of `actor`'s inbox narrowed by `filter`: open applications whose inbox tokens meet the actor's
/// keys.
fn inbox_filter(actor: &Actor, filter: &ApplicationFilter) -> ApplicationFilter {
    ApplicationFilter { stage: Some(StageFilter::Open), inbox_keys: simpul_engine::inbox_keys(actor), ..filter.clone() }
}

/// How many open applications one inbox query looks at, at most, before it answers with what it found.
const SCAN_LIMIT: usize = 20_000;

impl Store {
    /// The compiled definition version an application runs under, and its tenant's calendar.
    pub async fn runtime_for(
        &self,
        scope: &TenantScope,
        record: &ApplicationRecord,
    ) -> StoreResult<(Arc<Service>, Arc<TenantRuntime>)> {
        let (_, service) = self.service_version(&self.db, scope, record.service_version_id).await?;
        Ok((service, self.tenant_runtime(&self.db, scope).await?))
    }

    /// A page of what `actor` can act on now, narrowed by `filter` (its stage is ignored: an inbox holds open
    /// applications only).
    pub async fn inbox(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        filter: &ApplicationFilter,
        first: u64,
        after: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Page<ApplicationRecord>> {
        let first = first.clamp(1, MAX_PAGE) as usize;
        let (mut items, more) = self.walk_inbox(scope, actor, filter, Some(first + 1), after, now).await?;
        let has_next_page = more || items.len() > first;
        items.truncate(first);
        Ok(Page { items, has_next_page })
    }

    /// How many applications are in `actor`'s inbox: those whose inbox tokens meet the actor's keys, counted by
    /// the database (the one case the count can exceed the list is [`simpul_engine::inbox_tokens`]'s exception).
    pub async fn inbox_count(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        filter: &ApplicationFilter,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        self.count_applications(scope, &inbox_filter(actor, filter), now).await
    }

    /// How many applications of each service are in `actor`'s inbox (services with none left out), by service
    /// code, counted as [`Store::inbox_count`] counts.
    pub async fn inbox_counts(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> StoreResult<std::collections::BTreeMap<String, u64>> {
        self.count_by_service(scope, &inbox_filter(actor, &ApplicationFilter::default()), now).await
    }

    /// Walks the open applications after `after` in deadline order, keeping those in `actor`'s inbox, until `want`
    /// are found or [`SCAN_LIMIT`] looked at; returns them and whether more applications were left unlooked at.
    async fn walk_inbox(
        &self,
        scope: &TenantScope,
        actor: &Actor,
        filter: &ApplicationFilter,
        want: Option<usize>,
        after: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Vec<(String, ApplicationRecord)>, bool)> {
        let filter = inbox_filter(actor, filter);
        let mut cursor = after.map(str::to_string);
        let mut found = Vec::new();
        let mut scanned = 0;
        // The tokens nearly always decide alone, so the first batch reads as many rows as are wanted (each row's
        // state is parsed: reading a full batch of 100 for a page of 25 was a third of the page's time).
        let mut batch = want.map_or(MAX_PAGE, |w| (w as u64).min(MAX_PAGE));
        loop {
            let page = self.applications(scope, &filter, batch, cursor.as_deref(), now).await?;
            batch = MAX_PAGE;
            let more = page.has_next_page;
            let count = page.items.len();
            for (i, (c, record)) in page.items.into_iter().enumerate() {
                scanned += 1;
                cursor = Some(c.clone());
                let (service, runtime) = self.runtime_for(scope, &record).await?;
                let ctx = runtime.context(&service);
                if in_inbox(&ctx, &record.state, actor) {
                    found.push((c, record));
                    if want.is_some_and(|w| found.len() >= w) {
                        return Ok((found, more || i + 1 < count));
                    }
                }
            }
            if !more || scanned >= SCAN_LIMIT {
                return Ok((found, more));
            }
        }
    }
}
