//! The worked examples of `docs/api.md` (`examples/*.py`), run as an integrator runs them against a real server:
//! a village system submitting and tracking with its API key, a hospital checking a letter's QR code, and a
//! webhook receiver verifying signatures.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use super::flows::{Flow, form};
use super::server::{Server, servers};

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(server: &Server, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let output = Command::new("python3")
        .arg(example(script))
        .args(args)
        .env("SIMPUL_URL", format!("http://{}", server.address))
        .envs(env.iter().copied())
        .output()
        .expect("python3 runs (the examples need only its standard library)");
    assert!(
        output.status.success(),
        "{script}: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn the_integrator_examples_run_against_the_server() {
    for server in servers() {
        // A village system with a key of its own.
        let key = server.as_user(
            "admin_dinas@luwu-timur",
            "mutation { createApiKey(input: { name: \"SIKS desa Malili\", scopes: [WRITE], roles: [\"operator_desa\"],
                area: \"73.24.04\" }) { secret } }",
            json!({}),
        )["createApiKey"]["secret"]
            .as_str()
            .expect("secret")
            .to_string();
        let out = run(&server, "village_system.py", &[], &[("SIMPUL_API_KEY", &key)]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("submitted: ") && text.contains("(Kelurahan Malili, Kecamatan Malili)"), "{text}");
        assert!(text.contains("tracked: IN_PROGRESS at Pemeriksaan"), "{text}");

        // A hospital checks a signed letter by its QR.
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        let id = flow.app["id"].as_str().expect("id").to_string();
        flow.walk(super::flows::BULUKUMBA_TO_SIGNING);
        flow.walk(&["tandatangani"]);
        let letters = super::letters::archived(&server, &id);
        let url = letters[0]["verificationUrl"].as_str().expect("verification url");
        let number = letters[0]["number"].as_str().expect("number");
        let out = run(&server, "hospital_letter.py", &[url], &[]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("valid: ") && text.contains(number), "{text}");
        // A code the office never issued is told as such (exit status 1).
        let forged = Command::new("python3")
            .arg(example("hospital_letter.py"))
            .arg("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .env("SIMPUL_URL", format!("http://{}", server.address))
            .output()
            .expect("python3");
        assert!(!forged.status.success() && String::from_utf8_lossy(&forged.stdout).contains("NOT VALID"));

        // A webhook receiver that checks signatures hears a submission and an action, once each.
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port();
        let secret = "rahasia-webhook-desa-0123456789";
        let mut receiver = Command::new("python3")
            .arg(example("webhook_receiver.py"))
            .args(["--port", &port.to_string(), "--count", "2"])
            .env("SIMPUL_WEBHOOK_SECRET", secret)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3");
        let mut lines = BufReader::new(receiver.stdout.take().expect("stdout")).lines();
        assert_eq!(lines.next().and_then(Result::ok), Some(format!("listening on {port}")));
        let register = "mutation($i: RegisterWebhookInput!) { registerWebhook(input: $i) { id } }";
        let input =
            json!({ "tenant": "bulukumba", "url": format!("http://127.0.0.1:{port}/simpul"), "secret": secret });
        server.as_user("admin_dinas@bulukumba", register, json!({ "i": input }));
        let mut flow =
            Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
        flow.walk(&["terima"]);
        let id = flow.app["id"].as_str().expect("id").to_string();
        let started = Instant::now();
        while receiver.try_wait().expect("wait").is_none() {
            assert!(started.elapsed() < Duration::from_secs(30), "{}: the receiver heard too little", server.backend);
            std::thread::sleep(Duration::from_millis(100));
        }
        let heard: Vec<String> = lines.map_while(Result::ok).collect();
        assert_eq!(heard, [format!("submitted {id} #1"), format!("action_taken {id} #2")], "{}", server.backend);
    }
}
