//! The codes people type without naming an office — an application's tracking code, a complaint's code, a
//! letter's short code — and the office each belongs to.
//!
//! Each code is unique across offices, and its row here is what makes it so: the tables holding the applications,
//! complaints and letters are unique per office only, as a database distributed by office (Citus, by `tenant_id`)
//! can check (see the migration `distribution_keys`). A public page first finds the code's office here, then reads
//! the rest within that office.

use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::entities::public_code;
use crate::error::StoreResult;

/// What a public code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicCodeKind {
    Application,
    Complaint,
    Letter,
}

impl PublicCodeKind {
    /// As stored (the migration's backfill writes the same words).
    fn stored(self) -> &'static str {
        match self {
            PublicCodeKind::Application => "application",
            PublicCodeKind::Complaint => "complaint",
            PublicCodeKind::Letter => "letter",
        }
    }
}

/// The row that claims `code` for `tenant`: written with the application, complaint or letter that carries it, in
/// the same statement or transaction, so that a code taken by another office fails that write.
pub(crate) fn claim(kind: PublicCodeKind, code: &str, tenant: &str) -> public_code::ActiveModel {
    public_code::ActiveModel {
        code: Set(code.to_string()),
        kind: Set(kind.stored().to_string()),
        tenant_id: Set(tenant.to_string()),
    }
}

/// The office a code of `kind` belongs to, read on `db` (the caller's [`Store::lookup`](crate::Store) picks it);
/// `None` when there is no such code.
pub(crate) async fn office_of_code(
    db: &DatabaseConnection,
    kind: PublicCodeKind,
    code: &str,
) -> StoreResult<Option<String>> {
    Ok(public_code::Entity::find_by_id(code.to_string())
        .filter(public_code::Column::Kind.eq(kind.stored()))
        .one(db)
        .await?
        .map(|row| row.tenant_id))
}
