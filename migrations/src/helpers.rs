//! What the migrations share.

use sea_orm_migration::prelude::*;

/// Creates an index named `name` on `cols` of `table`.
pub(crate) async fn index(
    m: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    cols: Vec<DynIden>,
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    if unique {
        stmt.unique();
    }
    m.create_index(stmt).await
}

/// Columns for [`index`].
pub(crate) fn cols<const N: usize>(items: [DynIden; N]) -> Vec<DynIden> {
    items.into_iter().collect()
}
