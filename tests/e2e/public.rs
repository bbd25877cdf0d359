//! The public page of each office: all 14 components of every published service, in Bahasa Indonesia.

use super::server::servers;

#[test]
fn each_office_publishes_its_standards_with_all_fourteen_components() {
    let server = servers().into_iter().next().expect("a server");
    for (tenant, expected) in [
        ("bulukumba", "Rekomendasi Surat Keterangan Tidak Mampu (SKTM)"),
        ("luwu-timur", "Penerbitan Surat Keterangan DTKS"),
        ("bangka", "Terdaftar dalam DTSEN atau hasil verifikasi lapangan apabila belum terdata"),
        ("oku-selatan", "Bantuan Stimulan (KUBE, RUTILAHU, SARLING, dan UEP)"),
        ("tebing-tinggi", "Penerbitan Rekomendasi BPJS Kesehatan"),
    ] {
        let mut response = ureq::get(&format!("http://{}/t/{tenant}", server.address)).call().expect("page");
        let html = response.body_mut().read_to_string().expect("html");
        assert!(html.contains(expected), "{tenant}");
        for component in [
            "1. Persyaratan",
            "2. Sistem, Mekanisme dan Prosedur",
            "3. Jangka Waktu Penyelesaian",
            "4. Biaya/Tarif",
            "5. Produk Pelayanan",
            "6. Penanganan Pengaduan, Saran dan Masukan",
            "7. Dasar Hukum",
            "8. Sarana, Prasarana dan/atau Fasilitas",
            "9. Kompetensi Pelaksana",
            "10. Pengawasan Internal",
            "11. Jumlah Pelaksana",
            "12. Jaminan Pelayanan",
            "13. Jaminan Keamanan dan Keselamatan Pelayanan",
            "14. Evaluasi Kinerja Pelaksana",
        ] {
            assert!(html.contains(component), "{tenant} lacks {component}");
        }
    }
    let mut bulukumba = ureq::get(&format!("http://{}/t/bulukumba", server.address)).call().expect("page");
    let html = bulukumba.body_mut().read_to_string().expect("html");
    assert!(html.contains("(3 menit)") && html.contains("30 Menit"), "step durations and the time limit");
    assert!(html.contains("Tidak dinyatakan dalam standar pelayanan."), "empty components say so");
    let missing = ureq::get(&format!("http://{}/t/atlantis", server.address)).call();
    assert!(matches!(missing, Err(ureq::Error::StatusCode(404))));
}

#[test]
fn metrics_count_requests_and_actions_by_tenant_and_outcome() {
    use serde_json::json;
    let server = servers().into_iter().next().expect("a server");
    let flow =
        super::flows::Flow::submit(&server, "oku-selatan", "sktm", super::flows::form("oku-selatan/sktm"), json!([]));
    let input = json!({ "applicationId": flow.app["id"], "action": "lengkap", "expectedVersion": 9 });
    let (code, _) = server.error_as(
        "front_office@oku-selatan",
        "mutation($i: ActInput!) { act(input: $i) { id } }",
        json!({ "i": input }),
    );
    assert_eq!(code, "CONFLICT");
    let mut response = ureq::get(&format!("http://{}/metrics", server.address)).call().expect("metrics");
    let text = response.body_mut().read_to_string().expect("text");
    assert!(text.contains(r#"simpul_actions_total{outcome="ok",tenant="oku-selatan"} 1"#), "{text}");
    assert!(text.contains(r#"simpul_actions_total{outcome="conflict",tenant="oku-selatan"} 1"#), "{text}");
    assert!(text.contains(r#"simpul_http_requests_total{route="/graphql",status="200"}"#), "{text}");
    assert!(text.contains("simpul_http_request_duration_seconds_bucket"), "{text}");
}
