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
