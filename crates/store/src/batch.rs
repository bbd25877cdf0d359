//! Writing one decision: the application's row (its snapshot updated with the version check, or the new
//! application), the rows it changes (what the application is found by, when the form changed) and every row the
//! decision appends — events, outbox rows, audit rows, fact checks, a document, the step times of an application
//! that ended.
//!
//! On PostgreSQL all of it is **one statement**: a `WITH` whose first part updates (or inserts) the application
//! `RETURNING` its id, and whose other parts insert each appended row `SELECT … FROM` that first part — so when the
//! version check finds the application changed, the first part returns nothing and nothing else is written either.
//! Run outside a transaction it is its own transaction: one round trip and one commit, where `BEGIN`, each write and
//! `COMMIT` were a round trip each (six for a typical action). sqlx sends one statement at a time (no pipelining),
//! and sea-query writes data-modifying CTEs, so this is the fewest round trips the stack allows.
//!
//! SQLite has no data-modifying CTEs; there the same writes run in a transaction, which costs no round trips on an
//! embedded database. PostgreSQL uses a transaction too when the decision numbers a letter (the number is taken
//! from its sequence before the write, and must not be used up when the write finds a conflict): `BEGIN`, the
//! number, the one statement (the letter's row among its parts) and `COMMIT` — four round trips where each row
//! was one of its own (nine for a signing).

use sea_orm::sea_query::{
    Alias, CommonTableExpression, DeleteStatement, Expr, InsertStatement, Query, SimpleExpr, UpdateStatement,
    WithClause,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityName, EntityTrait, Iterable, Value,
};

use crate::error::{StoreError, StoreResult};

/// The name of the first part of the statement, whose one row (or none) the appended rows are selected from.
const HEAD: &str = "head";

/// A row to insert, as table, columns and values.
pub(crate) struct Row {
    table: &'static str,
    columns: Vec<Alias>,
    values: Vec<Value>,
}

impl Row {
    /// The set columns of an active model.
    pub(crate) fn of<A: ActiveModelTrait>(model: A) -> Row {
        let mut columns = Vec::new();
        let mut values = Vec::new();
        for column in <A::Entity as EntityTrait>::Column::iter() {
            if let Some(value) = model.get(column).into_value() {
                columns.push(Alias::new(sea_orm::IdenStatic::as_str(&column)));
                values.push(value);
            }
        }
        Row { table: A::Entity::default().table_name(), columns, values }
    }

    pub(crate) fn insert(&self) -> StoreResult<InsertStatement> {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(self.table))
            .columns(self.columns.clone())
            .values(self.values.iter().cloned().map(SimpleExpr::from))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(insert)
    }

    /// `INSERT … SELECT <values> FROM head`: a row only when the head wrote one.
    fn insert_from_head(&self) -> StoreResult<InsertStatement> {
        let mut select = Query::select();
        select.exprs(self.values.iter().cloned().map(Expr::val)).from(Alias::new(HEAD));
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(self.table))
            .columns(self.columns.clone())
            .select_from(select)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(insert)
    }
}

/// The application's own write: the first part of the statement.
pub(crate) enum Head {
    /// A new application.
    Insert(InsertStatement),
    /// The snapshot of an existing one, with the version check in its condition.
    Update(UpdateStatement),
}

/// A change to rows other than the application's own, made only when the head wrote.
enum Change {
    /// An ended application's earlier step times, cleared before they are measured again.
    Delete(DeleteStatement),
    /// What the application is found by, when the form changed.
    Update(UpdateStatement),
}

/// One decision's writes.
pub(crate) struct Batch {
    head: Head,
    /// Changes made before the inserts.
    changes: Vec<Change>,
    rows: Vec<Row>,
}

impl Batch {
    pub(crate) fn new(head: Head) -> Batch {
        Batch { head, changes: Vec::new(), rows: Vec::new() }
    }

    pub(crate) fn delete(&mut self, delete: DeleteStatement) {
        self.changes.push(Change::Delete(delete));
    }

    pub(crate) fn update(&mut self, update: UpdateStatement) {
        self.changes.push(Change::Update(update));
    }

    pub(crate) fn push<A: ActiveModelTrait>(&mut self, model: A) {
        self.rows.push(Row::of(model));
    }

    /// Writes it all in one statement (PostgreSQL): on a connection its own transaction, in a transaction a part of
    /// it; false when the head wrote nothing (the version check failed) and so nothing was written.
    pub(crate) async fn run_alone<C: ConnectionTrait>(self, conn: &C) -> StoreResult<bool> {
        let id = Alias::new("id");
        let mut with = WithClause::new();
        let mut head = CommonTableExpression::new();
        match self.head {
            Head::Insert(mut insert) => head.query(insert.returning_col(id).to_owned()),
            Head::Update(mut update) => head.query(update.returning_col(id).to_owned()),
        };
        with.cte(head.table_name(Alias::new(HEAD)).to_owned());
        let mut part = 0;
        let mut name = || {
            part += 1;
            Alias::new(format!("w{part}"))
        };
        let head_wrote = || Expr::exists(Query::select().expr(Expr::val(1)).from(Alias::new(HEAD)).to_owned());
        for change in self.changes {
            let mut part = CommonTableExpression::new();
            match change {
                Change::Delete(mut delete) => part.query(delete.and_where(head_wrote()).to_owned()),
                Change::Update(mut update) => part.query(update.and_where(head_wrote()).to_owned()),
            };
            with.cte(part.table_name(name()).to_owned());
        }
        for row in &self.rows {
            with.cte(CommonTableExpression::new().query(row.insert_from_head()?).table_name(name()).to_owned());
        }
        let count = Query::select().expr(Expr::cust("COUNT(*)")).from(Alias::new(HEAD)).to_owned();
        let row = conn.query_one(&count.with(with)).await?;
        let written: i64 = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
        Ok(written == 1)
    }

    /// Writes it all in the caller's transaction (SQLite, and PostgreSQL when a letter is numbered) — on PostgreSQL
    /// still as one statement; false when the head wrote nothing, in which case nothing else was written and the
    /// caller rolls back.
    pub(crate) async fn run_in(self, txn: &DatabaseTransaction) -> StoreResult<bool> {
        if txn.get_database_backend() == DbBackend::Postgres {
            return self.run_alone(txn).await;
        }
        let written = match self.head {
            Head::Insert(insert) => txn.execute(&insert).await?.rows_affected(),
            Head::Update(update) => txn.execute(&update).await?.rows_affected(),
        };
        if written != 1 {
            return Ok(false);
        }
        for change in self.changes {
            match change {
                Change::Delete(delete) => txn.execute(&delete).await?,
                Change::Update(update) => txn.execute(&update).await?,
            };
        }
        for row in &self.rows {
            txn.execute(&row.insert()?).await?;
        }
        Ok(true)
    }
}
