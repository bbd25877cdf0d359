//! The dashboard end to end: applications taken to each kind of end, one left open and a complaint, then the
//! office's figures through GraphQL (counts, outcomes, times, on-time share, time per step, complaints), the
//! province's across its offices, who may see which, the spreadsheet, and the console's page with its charts.

use serde_json::{Value, json};

use super::flows::{BULUKUMBA_TO_END, Flow, form};
use super::server::servers;

const DASHBOARD: &str = "query($t: String, $p: String, $f: NaiveDate!, $to: NaiveDate!) {
  dashboard(tenant: $t, province: $p, from: $f, to: $to) { title
    services { tenant service serviceName timeLimit timeLimitMinutes received completed openAtEnd granted notEligible
      rejected withdrawn medianMinutes p90Minutes onTimeShare steps { step stepName applications meanMinutes share } }
    complaints { status count } } }";
const REPORT: &str = "query($f: NaiveDate!, $to: NaiveDate!, $k: ExportFormat!) {
  dashboardReport(from: $f, to: $to, format: $k) { filename base64 } }";

fn sktm(services: &Value) -> Value {
    services.as_array().expect("services").iter().find(|s| s["tenant"] == "bulukumba").cloned().expect("Bulukumba")
}

#[test]
fn the_dashboard_counts_each_service_from_its_history_for_the_office_and_the_province() {
    for server in servers() {
        let data = || form("bulukumba/rekomendasi-sktm");
        let submit = || Flow::submit(&server, "bulukumba", "rekomendasi-sktm", data(), json!([]));
        let mut granted = submit();
        granted.walk(BULUKUMBA_TO_END);
        let mut not_eligible = submit();
        not_eligible.walk(&["terima", "lengkap", "tidak_memenuhi"]);
        let mut rejected = submit();
        rejected.walk(&["terima", "tolak"]);
        let mut open = submit();
        open.walk(&["terima"]);
        server.as_user(
            "petugas_layanan@bulukumba",
            "mutation { recordComplaint(input: { channel: TELEPON, text: \"Antrean terlalu lama di loket.\" }) { id } }",
            json!({}),
        );

        let today = chrono::Utc::now().date_naive();
        let period = json!({ "t": "bulukumba", "f": today - chrono::Duration::days(1), "to": today + chrono::Duration::days(1) });
        let office = server.as_user("kepala_dinas@bulukumba", DASHBOARD, period.clone())["dashboard"].clone();
        assert_eq!(office["title"], "Dinas Sosial Kabupaten Bulukumba");
        let s = sktm(&office["services"]);
        let counts: Vec<u64> =
            ["received", "completed", "openAtEnd", "granted", "notEligible", "rejected", "withdrawn"]
                .iter()
                .map(|k| s[k].as_u64().unwrap_or(99))
                .collect();
        assert_eq!(counts, vec![4, 3, 1, 1, 1, 1, 0], "{}: {s}", server.backend);
        assert_eq!((s["timeLimit"].as_str(), s["timeLimitMinutes"].as_i64()), (Some("30 Menit"), Some(30)));
        let (median, p90) = (s["medianMinutes"].as_i64().expect("median"), s["p90Minutes"].as_i64().expect("p90"));
        assert!(median <= p90 && p90 <= 30, "taken within seconds: {s}");
        assert_eq!(s["onTimeShare"].as_f64(), Some(1.0), "{s}");
        // Every ended one passed through the first step; the ended ones only reach the later steps on their path.
        let steps = s["steps"].as_array().expect("steps");
        let through = |step: &str| steps.iter().find(|t| t["step"] == step).and_then(|t| t["applications"].as_u64());
        assert_eq!(
            (through("penerimaan_berkas"), through("verifikasi"), through("penandatanganan")),
            (Some(3), Some(2), Some(1)),
            "{s}"
        );
        // The actions came seconds apart: whole office minutes are 0, or the shares add up to the whole.
        let share: f64 = steps.iter().map(|t| t["share"].as_f64().unwrap_or(0.0)).sum();
        assert!(share == 0.0 || (share - 1.0).abs() < 1e-6, "{s}");
        let complaints: u64 =
            office["complaints"].as_array().expect("complaints").iter().map(|c| c["count"].as_u64().unwrap_or(0)).sum();
        assert_eq!(complaints, 1);

        // A period before any of it: nothing received or completed, nothing open.
        let before = json!({ "t": "bulukumba", "f": today - chrono::Duration::days(40), "to": today - chrono::Duration::days(30) });
        let old = sktm(&server.as_user("kepala_dinas@bulukumba", DASHBOARD, before)["dashboard"]["services"]);
        assert_eq!(
            (old["received"].as_u64(), old["completed"].as_u64(), old["openAtEnd"].as_u64()),
            (Some(0), Some(0), Some(0))
        );

        // The province sees its offices; an office's officer sees only its own; a year at most.
        let province =
            json!({ "p": "73", "f": today - chrono::Duration::days(1), "to": today + chrono::Duration::days(1) });
        let whole = server.as_user("admin@73", DASHBOARD, province.clone())["dashboard"].clone();
        assert_eq!(whole["title"], "Provinsi Sulawesi Selatan");
        let tenants: std::collections::BTreeSet<&str> =
            whole["services"].as_array().expect("services").iter().filter_map(|s| s["tenant"].as_str()).collect();
        assert_eq!(tenants.into_iter().collect::<Vec<_>>(), vec!["bulukumba", "luwu-timur"], "{}", server.backend);
        assert_eq!(sktm(&whole["services"])["received"], 4);
        let (code, _) = server.error_as("kepala_dinas@bulukumba", DASHBOARD, province);
        assert_eq!(code, "FORBIDDEN");
        let (code, _) = server.error_as("petugas_linjamsos@luwu-timur", DASHBOARD, period.clone());
        assert_eq!(code, "FORBIDDEN");
        let long = json!({ "t": "bulukumba", "f": today - chrono::Duration::days(400), "to": today });
        let (code, _) = server.error_as("kepala_dinas@bulukumba", DASHBOARD, long);
        assert_eq!(code, "VALIDATION");

        // The spreadsheet, and the console's page with its charts drawn on the server.
        let report = server.as_user(
            "kepala_dinas@bulukumba",
            REPORT,
            json!({ "f": today - chrono::Duration::days(1), "to": today + chrono::Duration::days(1), "k": "CSV" }),
        );
        let bytes = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            report["dashboardReport"]["base64"].as_str().expect("file"),
        )
        .expect("base64");
        let csv = String::from_utf8(bytes).expect("utf-8");
        assert!(csv.contains("Rekomendasi Surat Keterangan Tidak Mampu (SKTM)") && csv.contains("30 Menit"), "{csv}");
        let page = super::console::console_page(&server, "kepala_dinas@bulukumba", "/dasbor");
        assert!(page.contains("<svg") && page.contains("Per layanan") && page.contains("Waktu per langkah"), "{page}");
        assert!(!page.contains("<script src=\"http"), "nothing from another host");
        // The provincial admin's console is the province's dashboard, each service named with its office.
        let province_page = super::console::console_page(&server, "admin@73", "/dasbor");
        assert!(
            province_page.contains("Provinsi Sulawesi Selatan")
                && province_page.contains("Dinas Sosial Kabupaten Bulukumba — Rekomendasi")
                && !province_page.contains("href=\"/kotak-masuk\""),
            "{province_page}"
        );
        if server.backend == "sqlite" {
            super::console::runtime().block_on(async {
                let base = format!("http://{}", server.address);
                let Some(browser) = super::browser::open(&base).await else { return };
                browser.sign_in("kepala_dinas@bulukumba").await;
                browser.click_link("Dasbor").await;
                browser.wait_for("figure.grafik svg").await;
                assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
                browser.screenshot("dasbor").await;
                browser.client.clone().close().await.expect("browser closes");
            });
        }
    }
}
