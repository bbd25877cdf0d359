//! `simpul validate`.

use super::{simpul, stdout, workspace};

#[test]
fn the_shipped_definitions_validate_and_print_a_summary() {
    let output = simpul(&["validate"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("bulukumba      rekomendasi-sktm                        9      30 menit"), "{text}");
    assert!(text.contains("luwu-timur     surat-keterangan-dtks                   4      10–15 menit"), "{text}");
    assert!(text.contains("oku-selatan    bantuan-stimulan                        3      5 hari kerja"), "{text}");
    assert!(text.contains("5 tenants, 12 services, 1 calendars"), "{text}");
    assert!(text.contains("ok: 0 errors"), "{text}");
}

#[test]
fn a_broken_folder_fails_with_every_problem_listed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let fixture = workspace().join("crates/definitions/tests/fixtures/base");
    copy(&fixture, dir.path());
    let service = dir.path().join("contoh/services/layanan-contoh.yaml");
    let text = std::fs::read_to_string(&service).expect("read").replace("roles: [kabid]", "roles: [kasi]");
    std::fs::write(&service, text.replace("when: usia >= 17", "when: umur >= 17")).expect("write");

    let output = simpul(&["validate", dir.path().to_str().expect("utf-8 path")]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("error[unknown-reference]: peran `kasi`"), "{text}");
    assert!(text.contains("error[unknown-name]: `umur`"), "{text}");
    assert!(text.contains("2 errors, 0 warnings"), "{text}");
}

#[test]
fn json_output_is_for_machines() {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy(&workspace().join("crates/definitions/tests/fixtures/base"), dir.path());
    let tenant = dir.path().join("contoh/tenant.yaml");
    let text = std::fs::read_to_string(&tenant).expect("read").replace("time_zone: Asia/Makassar", "time_zone: WITA");
    std::fs::write(&tenant, text).expect("write");

    let output = simpul(&["validate", dir.path().to_str().expect("utf-8 path"), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["ok"], false);
    let first = &json["diagnostics"][0];
    assert_eq!(first["check"], "time-zone");
    assert_eq!(first["level"], "error");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 12);
    assert_eq!(first["path"], "time_zone");
    assert!(first["file"].as_str().unwrap_or_default().ends_with("contoh/tenant.yaml"));
    assert!(first["hint"].as_str().unwrap_or_default().contains("Asia/Makassar (WITA)"));
}

#[test]
fn a_folder_that_does_not_exist_is_a_clear_error() {
    let output = simpul(&["validate", "/nonexistent/definitions"]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("reading /nonexistent/definitions"), "{err}");
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn a_template_that_would_fail_at_signing_fails_validation() {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy(&workspace().join("service-definitions"), dir.path());
    let template = dir.path().join("bangka/templates/rekomendasi-sktm.hbs");
    let text = std::fs::read_to_string(&template).expect("read").replace("{{> tanda_tangan}}", "#tanda_tangan_lama()");
    std::fs::write(&template, text).expect("write");

    let output = simpul(&["validate", dir.path().to_str().expect("utf-8 path")]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("error[template]: bangka/templates/rekomendasi-sktm.hbs (rekomendasi-sktm/"), "{text}");
    assert!(text.contains("tanda_tangan_lama"), "{text}");
    assert!(text.contains("1 templates do not render"), "{text}");
}
