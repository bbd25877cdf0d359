//! Integrators with API keys: read-only by default; a write key acts with the roles it was given.

use std::process::Command;

use serde_json::json;

use super::flows::form;
use super::server::servers;

fn key(server: &super::server::Server, extra: &[&str]) -> String {
    let url = format!("sqlite://{}?mode=rwc", server.dir().join("data/simpul.db").display());
    let mut args =
        vec!["apikey", "create", "--tenant", "luwu-timur", "--name", "SIKS desa Malili", "--database-url", &url];
    args.extend_from_slice(extra);
    let out = Command::new(env!("CARGO_BIN_EXE_simpul")).args(&args).output().expect("apikey create");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split_whitespace().find(|w| w.starts_with("spl_")).unwrap_or_else(|| panic!("{text}")).to_string()
}

#[test]
fn a_village_system_submits_with_a_write_key_and_a_dashboard_only_reads() {
    let server = servers().into_iter().next().expect("a server");
    let village = key(&server, &["--write", "--role", "operator_desa"]);
    let dashboard = key(&server, &[]);
    let submit = "mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id status channel: serviceCode } }";
    let input = json!({
        "tenant": "luwu-timur", "service": "surat-keterangan-dtks", "channel": "DARING",
        "data": form("luwu-timur/surat-keterangan-dtks"),
        "facts": [{ "fact": "dtks_terdaftar", "value": true }],
    });
    let submitted = server.raw(Some(&village), submit, json!({ "input": input.clone() }));
    assert_eq!(submitted["data"]["submitApplication"]["status"], "IN_PROGRESS", "{submitted}");
    let refused = server.raw(Some(&dashboard), submit, json!({ "input": input }));
    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    let listed = server.raw(Some(&dashboard), "{ applications { edges { node { serviceCode data } } } }", json!({}));
    let node = &listed["data"]["applications"]["edges"][0]["node"];
    assert_eq!(node["serviceCode"], "surat-keterangan-dtks", "{listed}");
    assert_eq!(node["data"]["nik"], "73240112********", "an integrator without a role sees masked NIKs");
    let other = server.raw(
        Some(&dashboard),
        "{ applications(filter: { tenant: \"bulukumba\" }) { edges { cursor } } }",
        json!({}),
    );
    assert_eq!(other["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[test]
fn demo_mode_refuses_an_address_other_than_loopback() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = Command::new(env!("CARGO_BIN_EXE_simpul"))
        .args(["serve", "--demo", "--bind", "0.0.0.0:0"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    assert!(!dir.path().join("data/simpul.db").exists(), "nothing was created");
}
