//! The schema checked against Citus distributed by `tenant_id` (deploy/README.md, "How a deployment grows"): every
//! table placed (distributed by office, distributed by its own code, reference, or coordinator-local); each
//! distributed table's primary key and unique indexes holding its distribution column; no foreign key Citus could
//! not keep; and no statement of an office's work joining distributed tables except within one office (recorded as
//! an office's day runs, and looked for in the store's sources).
//! PostgreSQL only: SQLite is never distributed.

use std::collections::BTreeMap;

use chrono::Duration;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use simpul_engine::ActionInput;
use simpul_store::TrackingProof::Nik;
use simpul_store::complaints::{Due, NewComplaint};
use simpul_store::letters::{ArchivedLetter, Signer};
use simpul_store::statements::StatementCount;
use simpul_store::{ApplicationFilter, Store};

use super::support::{act, bulukumba, databases, to_signing, wita};

/// Where a table lives under Citus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// Sharded by `tenant_id`, co-located with the office's other tables.
    ByOffice,
    /// Sharded by its own column: a lookup found by that column before the office is known.
    ByOwnKey(&'static str),
    /// Copied to every node: small, read across offices.
    Reference,
    /// On the coordinator only: the instances' own bookkeeping.
    Local,
}

use Placement::{ByOffice, ByOwnKey, Local, Reference};

/// Every table of the schema and its placement. A migration that adds a table adds it here, which is the point:
/// whoever adds it decides where it goes.
const PLACEMENTS: [(&str, Placement); 36] = [
    ("api_keys", Reference),
    ("application_events", ByOffice),
    ("application_search", ByOffice),
    ("applications", ByOffice),
    ("audit_log", ByOffice),
    ("calendars", Reference),
    ("complaint_events", ByOffice),
    ("complaints", ByOffice),
    ("deadline_notices", ByOffice),
    ("documents", ByOffice),
    ("fact_checks", ByOffice),
    ("leases", Local),
    ("letter_sequences", ByOffice),
    ("letters", ByOffice),
    ("list_numbers", ByOffice),
    ("memberships", Reference),
    ("notification_attempts", ByOffice),
    ("notifications", ByOffice),
    ("office_file_versions", ByOffice),
    ("outbox", ByOffice),
    ("province_settings", Reference),
    ("public_codes", ByOwnKey("code")),
    ("registry_people", ByOffice),
    ("registry_snapshots", ByOffice),
    ("seaql_migrations", Local),
    ("service_versions", ByOffice),
    ("signing_keys", ByOffice),
    ("step_times", ByOffice),
    ("survey_responses", ByOffice),
    ("template_files", ByOffice),
    ("tenants", Reference),
    ("users", Reference),
    ("version_moves", ByOffice),
    ("webhook_attempts", ByOffice),
    ("webhook_deliveries", ByOffice),
    ("webhooks", ByOffice),
];

/// The distribution column of a sharded table.
fn distribution_column(placement: Placement) -> Option<&'static str> {
    match placement {
        ByOffice => Some("tenant_id"),
        ByOwnKey(column) => Some(column),
        Reference | Local => None,
    }
}

/// One primary key or unique index: its table, name and columns (`None` for an expression).
struct UniqueKey {
    table: String,
    name: String,
    columns: Vec<Option<String>>,
}

/// One foreign key: from table and columns to table and columns.
struct ForeignKey {
    name: String,
    from: (String, Vec<String>),
    to: (String, Vec<String>),
}

/// What the check reads from the migrated schema.
struct Schema {
    tables: Vec<String>,
    nullable_columns: Vec<(String, String)>,
    columns: Vec<(String, String)>,
    keys: Vec<UniqueKey>,
    foreign_keys: Vec<ForeignKey>,
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await.expect(sql)
}

fn text(row: &sea_orm::QueryResult, column: &str) -> String {
    row.try_get::<String>("", column).expect(column)
}

fn list(row: &sea_orm::QueryResult, column: &str) -> Vec<String> {
    text(row, column).split(',').filter(|c| !c.is_empty()).map(str::to_string).collect()
}

async fn read_schema(db: &DatabaseConnection) -> Schema {
    let tables = rows(
        db,
        "SELECT relname::text AS name FROM pg_class \
         WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1",
    )
    .await
    .iter()
    .map(|r| text(r, "name"))
    .collect();
    let all_columns = rows(
        db,
        "SELECT table_name::text AS tbl, column_name::text AS col, is_nullable::text AS nullable \
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .await;
    let columns = all_columns.iter().map(|r| (text(r, "tbl"), text(r, "col"))).collect();
    let nullable_columns =
        all_columns.iter().filter(|r| text(r, "nullable") == "YES").map(|r| (text(r, "tbl"), text(r, "col"))).collect();
    // An expression's place in `indkey` is 0, which names no column: it shows as an empty name.
    let keys = rows(
        db,
        "SELECT t.relname::text AS tbl, i.relname::text AS name, \
           array_to_string(ARRAY(SELECT COALESCE(a.attname::text, '') FROM unnest(x.indkey) WITH ORDINALITY AS k(n, o) \
             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o), ',', '') AS cols, \
           x.indnkeyatts::int AS width \
         FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid \
         WHERE t.relnamespace = 'public'::regnamespace AND (x.indisunique OR x.indisprimary)",
    )
    .await
    .iter()
    .map(|r| UniqueKey {
        table: text(r, "tbl"),
        name: text(r, "name"),
        columns: text(r, "cols").split(',').map(|c| (!c.is_empty()).then(|| c.to_string())).collect(),
    })
    .collect();
    let foreign_keys = rows(
        db,
        "SELECT conname::text AS name, conrelid::regclass::text AS from_table, confrelid::regclass::text AS to_table, \
           array_to_string(ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = conrelid AND attnum = ANY(conkey)), ',') AS from_cols, \
           array_to_string(ARRAY(SELECT attname::text FROM pg_attribute WHERE attrelid = confrelid AND attnum = ANY(confkey)), ',') AS to_cols \
         FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
    )
    .await
    .iter()
    .map(|r| ForeignKey {
        name: text(r, "name"),
        from: (text(r, "from_table"), list(r, "from_cols")),
        to: (text(r, "to_table"), list(r, "to_cols")),
    })
    .collect();
    Schema { tables, nullable_columns, columns, keys, foreign_keys }
}

/// Everything in `schema` that Citus, with tables placed as `placements` says, would refuse or could not keep.
fn violations(schema: &Schema, placements: &BTreeMap<&str, Placement>) -> Vec<String> {
    let mut out = Vec::new();
    for table in &schema.tables {
        if !placements.contains_key(table.as_str()) {
            out.push(format!("{table}: not placed (add it to PLACEMENTS: by office, reference or local)"));
        }
    }
    for (table, placement) in placements {
        if !schema.tables.iter().any(|t| t == table) {
            out.push(format!("{table}: placed but not in the schema"));
            continue;
        }
        let Some(column) = distribution_column(*placement) else { continue };
        if !schema.columns.iter().any(|(t, c)| t == table && c == column) {
            out.push(format!("{table}: distributed by {column}, which it lacks"));
        } else if schema.nullable_columns.iter().any(|(t, c)| t == table && c == column) {
            out.push(format!("{table}: its distribution column {column} may be NULL"));
        }
        if !schema.keys.iter().any(|k| &k.table == table && k.name.ends_with("_pkey")) {
            out.push(format!("{table}: no primary key"));
        }
        for key in schema.keys.iter().filter(|k| &k.table == table) {
            if !key.columns.iter().any(|c| c.as_deref() == Some(column)) {
                let shown: Vec<_> = key.columns.iter().map(|c| c.as_deref().unwrap_or("(expression)")).collect();
                out.push(format!("{table}: unique key {} on ({}) lacks {column}", key.name, shown.join(", ")));
            }
        }
    }
    for fk in &schema.foreign_keys {
        let from = placements.get(fk.from.0.as_str()).copied();
        let to = placements.get(fk.to.0.as_str()).copied();
        let keeps = match (from, to) {
            // Citus keeps a key to a reference table from anywhere but a local table.
            (Some(ByOffice | ByOwnKey(_) | Reference), Some(Reference)) => true,
            // Between co-located office tables only when both sides hold tenant_id.
            (Some(ByOffice), Some(ByOffice)) => {
                fk.from.1.iter().any(|c| c == "tenant_id") && fk.to.1.iter().any(|c| c == "tenant_id")
            }
            (Some(Local), Some(Local)) => true,
            _ => false,
        };
        if !keeps {
            out.push(format!("foreign key {}: {} → {} cannot be kept by Citus", fk.name, fk.from.0, fk.to.0));
        }
    }
    out
}

/// The tables a statement names after FROM, JOIN, INTO or UPDATE (sea-query quotes them).
fn named_tables(sql: &str) -> Vec<String> {
    sql.split('"').skip(1).step_by(2).map(str::to_string).collect()
}

/// A statement joining tables of which one is sharded — by `JOIN` or by a subquery (`IN (SELECT …)`) — and not on
/// the office: Citus would have to move rows between nodes for it, or refuse it.
fn joins_across_offices(sql: &str, placements: &BTreeMap<&str, Placement>) -> bool {
    let upper = sql.to_uppercase();
    if !upper.contains(" JOIN ") && !upper.contains(" IN (SELECT ") {
        return false;
    }
    let mut sharded: Vec<String> = named_tables(sql)
        .into_iter()
        .filter(|t| matches!(placements.get(t.as_str()), Some(ByOffice | ByOwnKey(_))))
        .collect();
    sharded.sort();
    sharded.dedup();
    // Each of them held to one office: its `tenant_id` compared (with a value or the other table's).
    sharded.len() > 1 && sharded.iter().any(|t| !sql.contains(&format!(r#""{t}"."tenant_id""#)))
}

#[tokio::test]
async fn the_schema_is_ready_for_citus_by_office() {
    let mut databases = databases().await;
    let Some(at) = databases.iter().position(|db| db.name == "postgres") else {
        eprintln!(
            "SKIPPED the_schema_is_ready_for_citus_by_office: set TEST_DATABASE_URL to check PostgreSQL's schema"
        );
        return;
    };
    let db = databases.swap_remove(at);
    let conn = db.store.connection();
    let placements: BTreeMap<&str, Placement> = PLACEMENTS.into_iter().collect();
    let found = violations(&read_schema(conn).await, &placements);
    assert!(found.is_empty(), "the schema is not ready for Citus:\n{}", found.join("\n"));

    // The check finds what it is for: a table keyed by id alone, placed by office; a unique index without the
    // office; a table nobody placed; a key from a reference table to an office's table.
    for sql in [
        "CREATE TABLE probe_keyed (id uuid PRIMARY KEY, tenant_id varchar NOT NULL, code varchar)",
        "CREATE UNIQUE INDEX probe_code ON applications (tracking_code)",
        "CREATE TABLE probe_unplaced (id uuid PRIMARY KEY)",
        "ALTER TABLE calendars ADD COLUMN probe_application uuid, ADD COLUMN probe_tenant varchar",
        "ALTER TABLE calendars ADD CONSTRAINT probe_fk FOREIGN KEY (probe_application, probe_tenant) \
         REFERENCES applications (id, tenant_id)",
    ] {
        conn.execute_unprepared(sql).await.expect(sql);
    }
    let mut probed = placements.clone();
    probed.insert("probe_keyed", ByOffice);
    let found = violations(&read_schema(conn).await, &probed);
    assert_eq!(
        found,
        [
            "probe_unplaced: not placed (add it to PLACEMENTS: by office, reference or local)",
            "applications: unique key probe_code on (tracking_code) lacks tenant_id",
            "probe_keyed: unique key probe_keyed_pkey on (id) lacks tenant_id",
            "foreign key probe_fk: calendars → applications cannot be kept by Citus",
        ],
        "the check reports each violation"
    );
    db.finish().await;
}

#[tokio::test]
async fn an_offices_work_joins_no_tables_across_offices() {
    let placements: BTreeMap<&str, Placement> = PLACEMENTS.into_iter().collect();
    assert!(joins_across_offices(
        r#"SELECT * FROM "applications" JOIN "letters" ON "letters"."application_id" = "applications"."id""#,
        &placements
    ));
    assert!(!joins_across_offices(
        r#"SELECT * FROM "applications" JOIN "letters" ON "letters"."application_id" = "applications"."id" AND "letters"."tenant_id" = "applications"."tenant_id""#,
        &placements
    ));
    assert!(!joins_across_offices(r#"SELECT * FROM "applications" JOIN "tenants" ON TRUE"#, &placements));
    assert!(joins_across_offices(
        r#"SELECT * FROM "applications" WHERE "applications"."tenant_id" = $1 AND "applications"."id" IN (SELECT "application_id" FROM "application_search")"#,
        &placements
    ));
    assert!(!joins_across_offices(
        r#"SELECT * FROM "applications" WHERE "applications"."tenant_id" = $1 AND "applications"."id" IN (SELECT "application_id" FROM "application_search" WHERE "application_search"."tenant_id" = $2)"#,
        &placements
    ));
    for db in databases().await {
        let store: &Store = &db.store;
        let recording = StatementCount::recording();
        recording.scope(an_offices_day(store)).await;
        let statements = recording.statements();
        assert!(statements.iter().any(|s| s.contains(r#"INSERT INTO "public_codes""#)), "{}: recorded", db.name);
        let joined: Vec<_> = statements.iter().filter(|s| joins_across_offices(s, &placements)).collect();
        assert!(joined.is_empty(), "{}: statements joining across offices: {joined:#?}", db.name);
        db.finish().await;
    }
}

/// A day's work of an office and the public: an application from submission to its archived letter, the lists
/// and the inbox, a complaint, the public pages' lookups by code, the dashboard and the audit trail.
async fn an_offices_day(store: &Store) {
    let b = bulukumba(store).await;
    let now = wita(2026, 11, 23, 9, 0);
    let (id, version) = to_signing(store, &b, now).await;
    let signed = store.act(&b.scope, &b.kepala, id, act(version, "tandatangani", ActionInput::default()), now).await;
    let signed = signed.expect("signed");
    let letter = &signed.letters[0];
    for (n, action) in ["diserahkan", "diarsipkan"].into_iter().enumerate() {
        store
            .act(&b.scope, &b.front, id, act(version + 1 + n as i64, action, ActionInput::default()), now)
            .await
            .expect(action);
    }
    let archived = ArchivedLetter {
        sha256: "aa".into(),
        storage_key: "bulukumba/x/1.pdf".into(),
        size_bytes: 1234,
        verification_code: "CODE1".into(),
        short_code: "S-CODE1".into(),
        signer: Signer { name: "Siti".into(), title: "Kepala Dinas".into() },
    };
    assert!(store.archive_letter(&b.scope, letter.id, &archived).await.expect("archived"));
    assert_eq!(store.signed_code_by_short_code("S-CODE1").await.expect("short code").as_deref(), Some("CODE1"));
    assert!(store.verifiable_letter(letter.id).await.expect("verify").is_some());
    let tracking = signed.record.tracking_code.clone();
    assert!(store.track(&tracking, Nik("7302014507850001")).await.expect("track").is_some());
    let all = ApplicationFilter::default();
    assert_eq!(store.applications(&b.scope, &all, 50, None, now).await.expect("list").items.len(), 1);
    let searched =
        ApplicationFilter { text: Some("aminah".into()), nik: Some("7302014507850001".into()), ..Default::default() };
    assert_eq!(store.applications(&b.scope, &searched, 50, None, now).await.expect("search").items.len(), 1);
    store.inbox(&b.scope, &b.front, &all, 50, None, now).await.expect("inbox");
    let complaint = store
        .record_complaint(
            &b.scope,
            NewComplaint {
                channel: "langsung".into(),
                complainant_name: "Siti Aminah".into(),
                contact: None,
                body: "Surat belum diterima".into(),
                application_id: Some(id),
                received_by: "petugas".into(),
                received_at: now,
                due: Due {
                    assign: now + Duration::days(1),
                    respond: now + Duration::days(5),
                    close: now + Duration::days(10),
                },
            },
        )
        .await
        .expect("complaint");
    let found = store.complaint_by_code(&complaint.code).await.expect("by code").expect("found");
    assert_eq!(found.id, complaint.id);
    let scopes = std::slice::from_ref(&b.scope);
    store.dashboard(scopes, now - Duration::days(1), now + Duration::days(1)).await.expect("dashboard");
    assert!(!store.audit_entries(&b.scope, &id.to_string()).await.expect("audit").is_empty());
}

/// The ways the store's code could ask for a join: sea-query's and sea-orm's, and SQL written by hand.
const JOIN_WRITERS: [&str; 9] = [
    "inner_join(",
    "left_join(",
    "right_join(",
    "full_outer_join(",
    "JoinType::",
    "find_also_related(",
    "find_with_related(",
    "find_also_linked(",
    " JOIN ",
];

/// The entities of reference tables, as the store's code names them, and their tables: a join among these alone
/// is answered on any node (Citus copies reference tables to every node), so it need not name an office.
const REFERENCE_ENTITIES: [(&str, &str); 2] = [("user", "users"), ("membership", "memberships")];

/// The entity modules named (`x::Entity`) in `code`.
fn entities_named(code: &str) -> Vec<&str> {
    let parts: Vec<&str> = code.split("::Entity").collect();
    let before = &parts[..parts.len().saturating_sub(1)];
    before.iter().map(|p| p.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or_default()).collect()
}

/// The recorded day covers the paths it takes; this covers every other one: a join written anywhere in the store
/// (the only crate that speaks SQL) must name `tenant_id` within the next few lines, or join reference tables only,
/// or the test says where it is.
#[test]
fn the_store_writes_no_join_without_the_office() {
    let placements: BTreeMap<&str, Placement> = PLACEMENTS.into_iter().collect();
    for (_, table) in REFERENCE_ENTITIES {
        assert_eq!(placements.get(table), Some(&Reference), "{table} is a reference table");
    }
    assert_eq!(entities_named("user::Entity::find().find_also_related(membership::Entity)"), ["user", "membership"]);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut folders = vec![root];
    let mut found = Vec::new();
    let mut files = 0;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("source folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).expect("source");
            let lines: Vec<&str> = text.lines().collect();
            for (n, line) in lines.iter().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if !JOIN_WRITERS.iter().any(|w| code.contains(w)) {
                    continue;
                }
                let near = lines[n..lines.len().min(n + 4)].join("\n");
                let named = entities_named(&near);
                let among_references =
                    !named.is_empty() && named.iter().all(|e| REFERENCE_ENTITIES.iter().any(|(r, _)| r == e));
                if !near.contains("tenant_id") && !near.contains("TenantId") && !among_references {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(files > 30, "read the store's sources ({files} files)");
    assert!(found.is_empty(), "joins not on the office (Citus shards by tenant_id):\n{}", found.join("\n"));
}
