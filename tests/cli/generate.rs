//! `simpul definitions generate`: the test offices for load tests.

use super::{simpul, stdout};

#[test]
fn every_kabupaten_and_kota_gets_an_office_with_the_twelve_services_and_they_validate() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("offices");
    let out_arg = out.to_str().expect("utf-8 path");
    let output = simpul(&["definitions", "generate", "--out", out_arg]);
    assert!(output.status.success(), "{}{}", stdout(&output), String::from_utf8_lossy(&output.stderr));
    assert!(stdout(&output).contains("514 offices with 12 services each"), "{}", stdout(&output));

    // Kabupaten and kota of one name stay apart; each office is in its province's time zone.
    let tenant = |code: &str| std::fs::read_to_string(out.join(code).join("tenant.yaml")).expect(code);
    assert!(tenant("bekasi").contains("kabupaten_kota: Kabupaten Bekasi"));
    assert!(tenant("kota-bekasi").contains("kabupaten_kota: Kota Bekasi"));
    assert!(tenant("bulukumba").contains("time_zone: Asia/Makassar"));
    assert!(tenant("kota-jayapura").contains("time_zone: Asia/Jayapura"));
    // The union of the five offices' roles; the colliding services renamed, each letter template with them.
    let office = tenant("aceh-selatan");
    for role in ["petugas_layanan", "operator_desa", "tksk", "petugas_mpp", "kasubbag"] {
        assert!(office.contains(&format!("code: {role}")), "{role} missing:\n{office}");
    }
    let services = out.join("aceh-selatan/services");
    let sktm = std::fs::read_to_string(services.join("rekomendasi-sktm-bangka.yaml")).expect("renamed service");
    assert!(sktm.contains("template: rekomendasi-sktm-bangka.hbs"), "{sktm}");
    assert!(sktm.contains("(alur Kabupaten Bangka)"), "{sktm}");
    assert!(out.join("aceh-selatan/templates/rekomendasi-sktm-bangka.hbs").exists());
    assert!(services.join("surat-keterangan-dtks-luwu-timur.yaml").exists());
    // The source office's name is nowhere left in its services' text.
    let bulukumba = std::fs::read_to_string(services.join("rekomendasi-sktm.yaml")).expect("service");
    assert!(!bulukumba.contains("Kabupaten Bulukumba") && bulukumba.contains("Kabupaten Aceh Selatan"), "{bulukumba}");

    // Every office imports: the store validates each definition as it would an admin's.
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("offices.db").display());
    let output = simpul(&["definitions", "sync", out_arg, "--database-url", &database]);
    let text = stdout(&output);
    assert!(
        output.status.success(),
        "{}",
        text.lines().filter(|l| !l.starts_with("template ")).take(40).collect::<Vec<_>>().join("\n")
    );
    assert!(
        text.contains("6168 added, 0 changed, 0 unchanged; 514 tenants"),
        "{}",
        text.lines().last().unwrap_or_default()
    );

    // Every letter template renders (checked on one office: the others differ from it only in names).
    let one = dir.path().join("one");
    let one_arg = one.to_str().expect("utf-8 path");
    assert!(simpul(&["definitions", "generate", "--offices", "1", "--out", one_arg]).status.success());
    let output = simpul(&["validate", one_arg]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("every letter, list and recap template renders"), "{text}");

    // A folder that holds something is refused rather than mixed into.
    let again = simpul(&["definitions", "generate", "--offices", "2", "--out", out_arg]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("is not empty"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
