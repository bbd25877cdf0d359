//! Registry uploads: a snapshot per office and registry with its counts and rejected rows, lookups by NIK and
//! No. KK in the snapshot in force, a failed upload leaving the previous one in force, the retention sweep, the
//! provenance of recorded facts and the share of verifications that used registry data.

use std::io::{Seek, Write};

use chrono::{Duration, NaiveDate, Utc};
use simpul_definitions::model::{Fact, RegistrySource};
use simpul_engine::registry::{FactSource, MatchKey};
use simpul_engine::{ActionInput, FactValue};
use simpul_store::StoreError;
use simpul_store::registry::{ImportRequest, RegistryError, SnapshotStatus};

use crate::support::{act, bulukumba, bulukumba_request, checked, databases};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn file(text: &str) -> std::fs::File {
    let mut f = tempfile::tempfile().expect("temporary file");
    f.write_all(text.as_bytes()).expect("written");
    f.rewind().expect("rewound");
    f
}

fn upload(source: RegistrySource, as_of: NaiveDate, text: &str) -> ImportRequest {
    ImportRequest { source, as_of, file_name: String::from("ekspor.csv"), file: file(text) }
}

/// A DTSEN export as SIKS-NG gives it: semicolons, a byte-order mark, its own header names; line 4 has a NIK of
/// 15 digits, line 5 a desil of 11, line 6 repeats line 2's NIK, line 7 lacks its No. KK.
const DTSEN: &str = "\u{feff}NO;NIK;NO KK;NAMA;DESIL NASIONAL\n\
    1;7302014507850001;7302010101150003;Siti Aminah;2\n\
    2;7302010101800002;7302010101150003;Ahmad;2\n\
    3;730201010180003;7302010101150004;Salah NIK;3\n\
    4;7302010101800004;7302010101150005;Desil Salah;11\n\
    5;7302014507850001;7302010101150003;Siti Dua Kali;2\n\
    6;7302010101800006;;Tanpa KK;4\n\
    \n\
    7;7302010101800007;7302010101150007;Budi;\n";

#[tokio::test]
async fn an_upload_counts_rejects_and_answers_by_nik_and_no_kk() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = Utc::now();
        let snapshot = store
            .import_registry(&b.scope, "admin", upload(RegistrySource::Dtsen, date(2026, 11, 1), DTSEN), now)
            .await
            .expect("imported");
        assert_eq!(snapshot.status, SnapshotStatus::InForce, "{}", db.name);
        assert_eq!((snapshot.rows, snapshot.people, snapshot.households, snapshot.rejected), (7, 3, 2, 4));
        let reasons: Vec<(u64, &str)> = snapshot.rejections.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(reasons[0], (4, "NIK `730201010180003` tidak valid: harus 16 angka"));
        assert_eq!(reasons[1], (5, "desil `11` tidak dikenal (harus 1 sampai 10)"));
        assert_eq!(reasons[2], (6, "NIK 7302014507850001 sudah ada pada baris 2"));
        assert_eq!(reasons[3], (7, "No. KK kosong"));

        let look = |nik: Option<&'static str>, kk: Option<&'static str>| {
            store.registry_lookup(&b.scope, "verifikator", "app-1", RegistrySource::Dtsen, (nik, kk))
        };
        let by_nik = look(Some("7302014507850001"), None).await.expect("looked up").expect("a snapshot");
        assert_eq!(by_nik.matched, Some(MatchKey::Nik));
        assert_eq!(by_nik.household.len(), 2, "the household's two members");
        let found = by_nik.findings();
        assert_eq!(found[&Fact::DtsenDesil].value, FactValue::Int(2));
        assert_eq!(found[&Fact::DtsenDesil].words(Fact::DtsenDesil), "DTSEN (SIKS-NG) per 1 November 2026: desil 2");
        assert_eq!(found[&Fact::DtksTerdaftar].value, FactValue::Bool(true));
        // A new member of a listed household: found by the No. KK, with the household's desil.
        let by_kk = look(Some("7302014101990009"), Some("7302010101150003")).await.expect("ok").expect("snapshot");
        assert_eq!(by_kk.matched, Some(MatchKey::NoKk));
        assert_eq!(by_kk.findings()[&Fact::DtsenDesil].value, FactValue::Int(2));
        // Nobody: a complete district export says "not registered".
        let nobody = look(Some("7302014101990009"), Some("7302010101159999")).await.expect("ok").expect("snapshot");
        assert_eq!(nobody.matched, None);
        assert_eq!(nobody.findings()[&Fact::DtksTerdaftar].value, FactValue::Bool(false));
        assert!(!nobody.findings().contains_key(&Fact::DtsenDesil));
        // Every lookup is audited, without the NIK.
        let audit = store.audit_entries(&b.scope, "app-1").await.expect("audit");
        assert_eq!(audit.iter().filter(|e| e.action == "registry_lookup").count(), 3);
        assert!(audit.iter().all(|e| !e.detail.contains("7302")), "{audit:?}");
        // Another office has no data, and cannot read this one's upload.
        let (other, _) = crate::support::officer(store, "luwu-timur", "petugas_linjamsos").await;
        let none = store
            .registry_lookup(&other, "x", "app-2", RegistrySource::Dtsen, (Some("7302014507850001"), None))
            .await
            .expect("ok");
        assert!(none.is_none());
        assert!(matches!(store.registry_snapshot(&other, snapshot.id).await, Err(StoreError::NotFound { .. })));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_failed_upload_leaves_the_previous_in_force_and_replaced_ones_are_purged() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = Utc::now();
        let first = store
            .import_registry(&b.scope, "admin", upload(RegistrySource::Dtsen, date(2026, 10, 1), DTSEN), now)
            .await
            .expect("first");
        // No NIK column: nothing changes, and the error names the headers found.
        let missing = store
            .import_registry(
                &b.scope,
                "admin",
                upload(RegistrySource::Dtsen, date(2026, 11, 1), "Nama;No KK\nA;B\n"),
                now,
            )
            .await;
        match missing {
            Err(StoreError::Registry(RegistryError::MissingColumn { column, found })) => {
                assert_eq!((column, found.as_str()), ("NIK", "Nama, No KK"), "{}", db.name);
            }
            other => panic!("{}: {other:?}", db.name),
        }
        // Not one usable row.
        let useless = store
            .import_registry(
                &b.scope,
                "admin",
                upload(RegistrySource::Dtsen, date(2026, 11, 1), "NIK;NO KK\n1;2\n"),
                now,
            )
            .await;
        assert!(matches!(useless, Err(StoreError::Registry(RegistryError::NoRows))), "{useless:?}");
        let in_force = |list: &[simpul_store::registry::SnapshotRecord]| {
            list.iter().filter(|s| s.status == SnapshotStatus::InForce).map(|s| s.id).collect::<Vec<_>>()
        };
        let list = store.registry_snapshots(&b.scope).await.expect("list");
        assert_eq!(in_force(&list), vec![first.id]);
        assert_eq!(list.iter().filter(|s| s.status == SnapshotStatus::Failed).count(), 2);
        let found = store
            .registry_lookup(&b.scope, "v", "a", RegistrySource::Dtsen, (Some("7302014507850001"), None))
            .await
            .expect("ok")
            .expect("the first upload answers");
        assert_eq!(found.snapshot.id, first.id);

        // A new month's upload replaces it; the retention period (30 days) later, the old rows are deleted.
        let second_text = "NIK;NO KK;DESIL\n7302014507850001;7302010101150003;1\n";
        let second = store
            .import_registry(&b.scope, "admin", upload(RegistrySource::Dtsen, date(2026, 11, 1), second_text), now)
            .await
            .expect("second");
        let found = store
            .registry_lookup(&b.scope, "v", "a", RegistrySource::Dtsen, (Some("7302014507850001"), None))
            .await
            .expect("ok")
            .expect("answer");
        assert_eq!((found.snapshot.id, found.findings()[&Fact::DtsenDesil].value), (second.id, FactValue::Int(1)));
        let system = store.system_access();
        assert_eq!(store.purge_registry(&system, now + Duration::days(29)).await.expect("early sweep"), 0);
        assert_eq!(store.purge_registry(&system, now + Duration::days(31)).await.expect("sweep"), 1);
        let old = store.registry_snapshot(&b.scope, first.id).await.expect("kept as a record");
        assert_eq!(old.status, SnapshotStatus::Purged);
        assert_eq!(old.people, 3, "its counts stay");
        assert_eq!(store.registry_snapshot(&b.scope, second.id).await.expect("new").status, SnapshotStatus::InForce);
        db.finish().await;
    }
}

/// An E-Dabu export as XLSX: NIKs as text, one as a number kept exactly, one as a number too large to keep its
/// last digits (a Papua NIK, above 2^53).
fn edabu_xlsx() -> std::fs::File {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 4]; 3] = [
        ["NIK", "Nama Peserta", "Segmen Peserta", "Status Peserta"],
        ["7302014507850001", "Siti Aminah", "PBI APBD", "AKTIF"],
        ["7302010101800002", "Ahmad", "PPU", "AKTIF"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *value).expect("cell");
        }
    }
    sheet.write_number(3, 0, 7302010101800004.0).expect("number cell");
    sheet.write_string(3, 2, "PBI APBN").expect("cell");
    sheet.write_number(4, 0, 9471010101800005.0).expect("number cell");
    sheet.write_string(4, 2, "PBI APBN").expect("cell");
    let bytes = book.save_to_buffer().expect("xlsx");
    let mut f = tempfile::tempfile().expect("file");
    f.write_all(&bytes).expect("written");
    f.rewind().expect("rewound");
    f
}

#[tokio::test]
async fn an_xlsx_export_of_e_dabu_and_the_provenance_of_recorded_facts() {
    for db in databases().await {
        let store = &db.store;
        let b = bulukumba(store).await;
        let now = Utc::now();
        let request = ImportRequest {
            source: RegistrySource::Edabu,
            as_of: date(2026, 11, 20),
            file_name: String::from("edabu.xlsx"),
            file: edabu_xlsx(),
        };
        let snapshot = store.import_registry(&b.scope, "admin", request, now).await.expect("imported");
        assert_eq!((snapshot.rows, snapshot.people, snapshot.rejected), (4, 3, 1), "{}", db.name);
        assert!(snapshot.rejections[0].reason.contains("angka terpotong"), "{:?}", snapshot.rejections);
        assert_eq!(snapshot.rejections[0].line, 5);

        // The applicant is PBI APBD per E-Dabu: the verifier confirms that, and enters DTKS by hand (no upload).
        let submitted = store.submit(&b.scope, &b.front, &bulukumba_request(None), now).await.expect("submitted");
        let id = submitted.record.id;
        let found = store
            .registry_lookup(&b.scope, "v", &id.to_string(), RegistrySource::Edabu, (Some("7302014507850001"), None))
            .await
            .expect("ok")
            .expect("answer")
            .findings();
        assert_eq!(found[&Fact::PbiApbd].value, FactValue::Bool(true));
        store.act(&b.scope, &b.front, id, act(1, "terima", ActionInput::default()), now).await.expect("received");
        store
            .act(&b.scope, &b.front, id, act(2, "lengkap", checked(&["ktp_kk", "sktm_desa", "sptjm"])), now)
            .await
            .expect("complete");
        let facts = [
            (Fact::DtksTerdaftar, FactValue::Bool(true)),
            (Fact::PbiApbn, FactValue::Bool(false)),
            (Fact::PbiApbd, FactValue::Bool(false)),
        ];
        let input = |notes: &[(Fact, &str)]| ActionInput {
            checklist: [("cek_siks_ng".to_string(), true), ("cek_e_dabu".to_string(), true)].into(),
            facts: facts.into(),
            fact_notes: notes.iter().map(|(f, n)| (*f, n.to_string())).collect(),
            note: Some(String::from("tidak memenuhi")),
            ..Default::default()
        };
        // Overriding E-Dabu's "PBI APBD: ya" needs the officer's reason for that fact.
        let refused =
            store.act_looked_up(&b.scope, &b.verifikator, id, act(3, "tidak_memenuhi", input(&[])), &found, now).await;
        match refused {
            Err(StoreError::Refused(simpul_engine::Refusal::InvalidFact { fact, problem })) => {
                assert_eq!(fact, "pbi_apbd");
                assert!(problem.contains("E-Dabu BPJS Kesehatan per 20 November 2026"), "{problem}");
            }
            other => panic!("{other:?}"),
        }
        let note = [(Fact::PbiApbd, "Kartu PBID dinonaktifkan Dinkes 1 Desember")];
        let acted = store
            .act_looked_up(&b.scope, &b.verifikator, id, act(3, "tidak_memenuhi", input(&note)), &found, now)
            .await
            .expect("acted");
        let sources = &acted.record.state.fact_sources;
        assert!(
            matches!(&sources[&Fact::PbiApbn], FactSource::Registry { basis } if basis.reference == snapshot.id.to_string())
        );
        assert!(
            matches!(&sources[&Fact::PbiApbd], FactSource::Officer { note: Some(n), overrode: Some(_) } if n.starts_with("Kartu PBID"))
        );
        assert!(matches!(&sources[&Fact::DtksTerdaftar], FactSource::Officer { overrode: None, .. }));
        assert!(sources[&Fact::PbiApbd].words(Fact::PbiApbd).starts_with("diisi petugas, berbeda dari E-Dabu"));

        // The dashboard counts one verification with registry facts, which used registry data.
        let dashboard =
            store.dashboard(std::slice::from_ref(&b.scope), now - Duration::days(1), now + Duration::days(1)).await;
        let figures =
            &dashboard.expect("dashboard").services[&("bulukumba".to_string(), "rekomendasi-sktm".to_string())];
        assert_eq!((figures.fact_checks, figures.registry_checks), (1, 1));
        db.finish().await;
    }
}
