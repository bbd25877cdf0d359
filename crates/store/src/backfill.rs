//! Upgrades: the columns derived from an application's state that a migration added (inbox tokens, NIK digests)
//! are computed for the rows written before it, when the store opens — a migration cannot run the engine.

use crate::Store;
use crate::applications::ApplicationRecord;
use crate::error::StoreResult;

impl Store {
    /// Computes the derived columns (inbox tokens, NIK digests, search text …) of applications written before
    /// the inbox column existed (NULL there), in batches, so that after an upgrade no application is missing from
    /// an inbox and an ended one is found by its applicant's NIK. Run when the store opens.
    pub async fn fill_derived_columns(&self) -> StoreResult<u64> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

        use crate::entities::application;
        let mut filled = 0;
        loop {
            let rows = application::Entity::find()
                .filter(application::Column::Inbox.is_null())
                .limit(500)
                .all(&self.db)
                .await?;
            if rows.is_empty() {
                return Ok(filled);
            }
            for row in rows {
                let scope = self.system_scope(&row.tenant_id).await?;
                let record = ApplicationRecord::try_from(row)?;
                let (service, runtime) = self.runtime_for(&scope, &record).await?;
                let snapshot =
                    crate::snapshot::snapshot(&record.state, &runtime.context(&service), &record.tracking_code);
                crate::workflow::derived_columns(application::Entity::update_many(), snapshot)
                    .filter(application::Column::Id.eq(record.id))
                    .exec(&self.db)
                    .await?;
                filled += 1;
            }
        }
    }
}

impl Store {
    /// Measures applications written before the dashboard's columns existed (`measured` false): folds each one's
    /// events again — its stored state lacks the steps it went through — and writes the state, the derived columns
    /// and, for an ended one, its time per step. In batches, when the store opens; returns how many.
    pub async fn fill_measures(&self) -> StoreResult<u64> {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait};

        use crate::entities::application;
        let mut filled = 0;
        loop {
            let rows = application::Entity::find()
                .filter(application::Column::Measured.eq(false))
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
                let snapshot = crate::snapshot::snapshot(&state, &runtime.context(&service), &record.tracking_code);
                let timing = snapshot.timing.clone();
                let txn = self.db.begin().await?;
                crate::workflow::derived_columns(application::Entity::update_many(), snapshot)
                    .col_expr(
                        application::Column::State,
                        serde_json::to_string(&state)
                            .map_err(|e| crate::error::StoreError::Corrupt(e.to_string()))?
                            .into(),
                    )
                    .filter(application::Column::Id.eq(record.id))
                    .filter(application::Column::Version.eq(record.version))
                    .exec(&txn)
                    .await?;
                if let Some(timing) = &timing {
                    crate::workflow::write_step_times(&txn, &scope, record.id, &record.service_code, timing).await?;
                }
                txn.commit().await?;
                filled += 1;
            }
        }
    }
}
