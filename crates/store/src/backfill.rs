//! Upgrades: the columns derived from an application's state that a migration added (inbox tokens, NIK digests, the
//! dashboard's measures) are computed for the rows written before it, when the store opens — a migration cannot run
//! the engine.

use sea_orm::QueryTrait;

use crate::Store;
use crate::applications::ApplicationRecord;
use crate::batch::{Batch, Head};
use crate::error::StoreResult;

impl Store {
    /// Computes the derived columns of applications written before a migration added them — inbox tokens, NIK
    /// digests and search text (`inbox` NULL), the dashboard's measures (`measured` false) — in batches, so that
    /// after an upgrade no application is missing from an inbox or the dashboard, and an ended one is found by its
    /// applicant's NIK. Each is folded again from its events (an older stored state lacks the steps it went
    /// through), and the state, the derived columns and, for an ended one, its time per step are written in one
    /// transaction. Run when the store opens; returns how many.
    pub async fn fill_derived_columns(&self) -> StoreResult<u64> {
        use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};

        use crate::entities::application;
        let mut filled = 0;
        loop {
            let rows = application::Entity::find()
                .filter(
                    Condition::any()
                        .add(application::Column::Inbox.is_null())
                        .add(application::Column::Measured.eq(false)),
                )
                .limit(200)
                .all(&self.db)
                .await?;
            if rows.is_empty() {
                return Ok(filled);
            }
            for row in rows {
                let scope = self.system_scope(&row.tenant_id).await?;
                let record = ApplicationRecord::try_from(row)?;
                let events: Vec<_> =
                    self.application_events(&scope, record.id).await?.into_iter().map(|e| e.event).collect();
                let state = simpul_engine::Application::fold(&events)
                    .map_err(|e| crate::error::StoreError::Corrupt(format!("application {}: {e}", record.id)))?;
                let (service, runtime) = self.runtime_for(&scope, &record).await?;
                let snapshot = crate::snapshot::snapshot(&state, &runtime.context(&service));
                let timing = snapshot.timing.clone();
                let searched = crate::snapshot::searched(service.definition(), &state, &record.tracking_code);
                let update = crate::workflow::derived_columns(application::Entity::update_many(), snapshot)
                    .col_expr(
                        application::Column::State,
                        serde_json::to_string(&state)
                            .map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))?
                            .into(),
                    )
                    .filter(application::Column::Id.eq(record.id))
                    .filter(application::Column::Version.eq(record.version))
                    .into_query();
                let mut batch = Batch::new(Head::Update(update));
                batch.update(crate::snapshot::searched_update(&record.tenant_id, record.id, searched));
                if let Some(timing) = &timing {
                    crate::workflow::clear_step_times(&mut batch, &scope, record.id);
                    crate::workflow::step_times(&mut batch, &scope, record.id, &record.service_code, timing);
                }
                // A version changed meanwhile was written by the new code, derived columns and all.
                let txn = self.db.begin().await?;
                if batch.run_in(&txn).await? {
                    txn.commit().await?;
                }
                // Rewritten at the same version: a state remembered at it may differ (see `crate::written`).
                self.caches.written.forget(record.id);
                filled += 1;
            }
        }
    }
}
