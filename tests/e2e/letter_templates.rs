//! The office's letter templates and emblem changed through the API: checked (syntax at its line, a sample letter
//! of each product that prints with it), saved as a version in force at once, compared and restored; the emblem
//! uploaded and drawn in the kop.

use base64::Engine;
use serde_json::{Value, json};

use super::server::{Server, field_paths, servers};

const ADMIN: &str = "admin_dinas@bulukumba";
const TEMPLATE: &str = "rekomendasi-sktm.hbs";
const LIST: &str = "{ letterTemplates(tenant: \"bulukumba\") { name kind emblem current { version createdBy }
    usedBy { service product } } }";
const READ: &str = "query($n: String!) { letterTemplate(tenant: \"bulukumba\", name: $n) { version source
    versions { version current createdBy } } }";
const CHECK: &str =
    "query($n: String!, $s: String!) { checkLetterTemplate(tenant: \"bulukumba\", name: $n, source: $s) {
    usable diagnostics { level check file line column message } } }";
const SAVE: &str =
    "mutation($n: String!, $s: String!) { saveLetterTemplate(tenant: \"bulukumba\", name: $n, source: $s) {
    version diagnostics { level check line message } } }";
const UPLOAD: &str =
    "mutation($n: String!, $file: Upload!) { uploadLetterImage(tenant: \"bulukumba\", name: $n, file: $file) {
    version diagnostics { level check message } } }";

/// A 1 × 1 PNG (a valid one: the letter decodes it).
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// The sample letter of Bulukumba's recommendation as a PDF, rendered with the templates in force.
pub fn sample_letter(server: &Server, user: &str) -> Vec<u8> {
    let yaml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("service-definitions/bulukumba/services/rekomendasi-sktm.yaml"),
    )
    .expect("shipped YAML");
    let preview = "query($y: String!) { previewDefinitionProduct(tenant: \"bulukumba\", code: \"rekomendasi-sktm\",
        yaml: $y, product: \"rekomendasi_sktm\", format: PDF) { base64 } }";
    let answer = server.as_user(user, preview, json!({ "y": yaml }));
    let encoded = answer["previewDefinitionProduct"]["base64"].as_str().expect("a PDF").to_string();
    base64::engine::general_purpose::STANDARD.decode(encoded).expect("base64")
}

/// The text of a PDF.
pub fn text_of(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf).expect("PDF text")
}

/// Whether a PDF embeds a raster image (the PNG emblem): an image XObject's dictionary, as typst-pdf writes it.
fn has_image(pdf: &[u8]) -> bool {
    pdf.windows(b"/Subtype/Image".len()).any(|w| w == b"/Subtype/Image")
}

fn diagnostics(answer: &Value) -> Vec<Value> {
    answer["diagnostics"].as_array().cloned().unwrap_or_default()
}

#[test]
fn the_office_admin_changes_a_letter_template_and_the_next_letter_prints_with_it() {
    for server in servers() {
        let listed = server.as_user(ADMIN, LIST, json!({}))["letterTemplates"].clone();
        let shipped = listed.as_array().and_then(|l| l.iter().find(|t| t["name"] == TEMPLATE)).expect("listed");
        assert_eq!(shipped["kind"], "TEMPLATE");
        assert_eq!(shipped["current"], json!({ "version": 1, "createdBy": "system" }));
        assert_eq!(shipped["usedBy"], json!([{ "service": "rekomendasi-sktm", "product": "rekomendasi_sktm" }]));
        let source = server.as_user(ADMIN, READ, json!({ "n": TEMPLATE }))["letterTemplate"]["source"]
            .as_str()
            .expect("source")
            .to_string();

        // A block left open: refused at its line; nothing saved.
        let lines = source.lines().count();
        let unclosed = format!("{source}{{{{#if data.nama}}}}\nBelum ditutup\n");
        let checked =
            server.as_user(ADMIN, CHECK, json!({ "n": TEMPLATE, "s": unclosed }))["checkLetterTemplate"].clone();
        assert_eq!(checked["usable"], false, "{checked}");
        let syntax = diagnostics(&checked).into_iter().find(|d| d["check"] == "template-syntax").expect("syntax");
        assert!(syntax["line"].as_u64().is_some_and(|l| l as usize > lines), "{syntax}");
        assert!(syntax["message"].as_str().is_some_and(|m| m.starts_with("templat tidak dapat dibaca")), "{syntax}");
        assert_eq!(syntax["file"], "bulukumba/templates/rekomendasi-sktm.hbs");

        // A loop (which could keep the server busy for as long as it counts) is refused before it runs, in the
        // check and in the preview alike.
        let looping = format!("{source}\n#for i in range(1000000000) [x]\n");
        let checked =
            server.as_user(ADMIN, CHECK, json!({ "n": TEMPLATE, "s": looping }))["checkLetterTemplate"].clone();
        assert_eq!(checked["usable"], false, "{checked}");
        assert!(checked.to_string().contains("tidak boleh memakai perulangan"), "{checked}");
        let preview =
            "query($s: String!) { previewLetterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\",
            source: $s, service: \"rekomendasi-sktm\", product: \"rekomendasi_sktm\") { base64 } }";
        let (code, error) = server.error_as(ADMIN, preview, json!({ "s": looping }));
        assert_eq!((code.as_str(), field_paths(&error)), ("VALIDATION", vec![String::from("source")]), "{error}");

        // Markup the layout refuses: the sample letter of the product that prints with it fails, by name.
        let broken = format!("{source}\n#tidak_ada()\n");
        let refused = server.as_user(ADMIN, SAVE, json!({ "n": TEMPLATE, "s": broken }))["saveLetterTemplate"].clone();
        assert!(refused["version"].is_null(), "{refused}");
        let render = diagnostics(&refused).into_iter().find(|d| d["check"] == "template-render").expect("render");
        assert!(render["message"].as_str().is_some_and(|m| m.contains("rekomendasi_sktm") && m.contains("tidak_ada")));

        // A line added: version 2, in force on the next letter without a restart.
        let before = text_of(&sample_letter(&server, ADMIN));
        assert!(!before.contains("Dicetak dengan templat versi kedua"));
        let changed = source.replacen("{{> tanda_tangan", "Dicetak dengan templat versi kedua.\n\n{{> tanda_tangan", 1);
        assert_ne!(changed, source, "the template has a signature block");
        let saved = server.as_user(ADMIN, SAVE, json!({ "n": TEMPLATE, "s": changed }))["saveLetterTemplate"].clone();
        assert_eq!(saved["version"], 2, "{saved}");
        let after = text_of(&sample_letter(&server, ADMIN));
        assert!(after.contains("Dicetak dengan templat versi kedua"), "{after}");
        let versions = server.as_user(ADMIN, READ, json!({ "n": TEMPLATE }))["letterTemplate"]["versions"].clone();
        assert_eq!(
            versions,
            json!([{ "version": 2, "current": true, "createdBy": server.login(ADMIN).1 },
                { "version": 1, "current": false, "createdBy": "system" }])
        );
        let diff =
            "{ letterTemplateDiff(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\", from: 1, to: 2) { text } }";
        let text = server.as_user(ADMIN, diff, json!({}))["letterTemplateDiff"]["text"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(text.lines().any(|l| l.starts_with('+') && l.contains("versi kedua")), "{text}");

        // Restored: version 3 with the first's text, and the letter as it was.
        let restore = "mutation { restoreLetterTemplate(tenant: \"bulukumba\", name: \"rekomendasi-sktm.hbs\", version: 1) { version } }";
        assert_eq!(server.as_user("admin@73", restore, json!({}))["restoreLetterTemplate"]["version"], 3);
        assert!(!text_of(&sample_letter(&server, ADMIN)).contains("Dicetak dengan templat versi kedua"));

        // Only the office's admins and the province's.
        assert_eq!(server.error_as("verifikator@bulukumba", LIST, json!({})).0, "FORBIDDEN");
        let (code, _) = server.error_as("admin@19", SAVE, json!({ "n": TEMPLATE, "s": changed }));
        assert_eq!(code, "FORBIDDEN");
        let (code, error) = server.error_as(ADMIN, SAVE, json!({ "n": "../tenant.yaml", "s": "x" }));
        assert_eq!((code.as_str(), field_paths(&error)), ("VALIDATION", vec![String::from("name")]));
    }
}

#[test]
fn the_office_admin_uploads_an_emblem_and_every_letter_draws_it_in_the_kop() {
    for server in servers() {
        let png = base64::engine::general_purpose::STANDARD.decode(PNG).expect("png");
        // Not a PNG although named one: refused, nothing saved.
        let fake = server.upload(ADMIN, UPLOAD, json!({ "n": "lambang.png", "file": null }), "lambang.png", b"GIF89a");
        let first = fake["data"]["uploadLetterImage"].clone();
        assert!(first["version"].is_null(), "{fake}");
        assert!(diagnostics(&first).iter().any(|d| d["message"].as_str().is_some_and(|m| m.contains("bukan gambar"))));

        assert!(!has_image(&sample_letter(&server, ADMIN)));
        let uploaded = server.upload(ADMIN, UPLOAD, json!({ "n": "lambang.png", "file": null }), "lambang.png", &png);
        let saved = uploaded["data"]["uploadLetterImage"].clone();
        assert_eq!(saved["version"], 1, "{uploaded}");
        // Saved, but no letter shows it until the office file names it.
        assert!(diagnostics(&saved).iter().any(|d| d["check"] == "template-unused"), "{saved}");

        let read = "{ officeFile(tenant: \"bulukumba\") { yaml } }";
        let yaml = server.as_user(ADMIN, read, json!({}))["officeFile"]["yaml"].as_str().expect("yaml").to_string();
        let named = yaml.replacen("kop_surat:\n", "kop_surat:\n  emblem: lambang.png\n", 1);
        assert_ne!(named, yaml);
        let save = "mutation($y: String!) { saveOfficeFile(tenant: \"bulukumba\", yaml: $y) { version diagnostics { message } } }";
        let office = server.as_user(ADMIN, save, json!({ "y": named }))["saveOfficeFile"].clone();
        assert_eq!(office["version"], 2, "{office}");
        assert!(has_image(&sample_letter(&server, ADMIN)), "the kop draws the emblem");
        let listed = server.as_user(ADMIN, LIST, json!({}))["letterTemplates"].clone();
        let emblem = listed.as_array().and_then(|l| l.iter().find(|t| t["name"] == "lambang.png")).expect("listed");
        assert_eq!((&emblem["kind"], &emblem["emblem"]), (&json!("IMAGE"), &json!(true)));
    }
}

/// In a browser without JavaScript: the office admin opens *Templat surat*, is shown a block left open at its
/// line, adds a sentence and saves it (in force on the next letter), compares it with the shipped version, and
/// uploads an emblem.
#[test]
fn the_office_admin_edits_a_template_and_uploads_an_emblem_in_a_browser_without_javascript() {
    let server = super::server::start("sqlite", super::server::Backends::default());
    super::console::runtime().block_on(async {
        let base = format!("http://{}", server.address);
        let Some(browser) = super::browser::open_without_javascript(&base).await else { return };
        browser.sign_in(ADMIN).await;
        browser.click_link("Standar layanan").await;
        browser.click_link("Templat surat").await;
        browser.click_link(TEMPLATE).await;
        browser.wait_for("#penyunting-templat").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        let editor = browser.client.find(fantoccini::Locator::Css("#yaml")).await.expect("editor");
        let source = editor.prop("value").await.expect("value").unwrap_or_default();

        browser.fill("#yaml", &format!("{source}{{{{#if data.nama}}}}\nBelum ditutup\n")).await;
        browser.submit_and_wait("#penyunting-templat button[value='periksa']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("templat tidak dapat dibaca"), "{page}\n{}", server.log());
        assert!(browser.has("ol.nomor-baris li.galat").await, "the line is marked");
        browser.screenshot("templat-surat-diagnostik").await;

        let changed = source.replacen("{{> tanda_tangan", "Dicetak dari konsol.\n\n{{> tanda_tangan", 1);
        browser.fill("#yaml", &changed).await;
        browser.submit_and_wait("#penyunting-templat button[value='simpan']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("rekomendasi-sktm.hbs versi 2 tersimpan dan berlaku"), "{page}");
        assert!(text_of(&sample_letter(&server, ADMIN)).contains("Dicetak dari konsol."));
        browser.click_link("Bandingkan dengan versi 1").await;
        browser.wait_for("pre.beda").await;
        let added = browser.client.find(fantoccini::Locator::Css("pre.beda .tambah")).await.expect("an added line");
        assert!(added.text().await.expect("text").contains("Dicetak dari konsol."));

        // An emblem uploaded from the list.
        browser.go("/dinas/bulukumba/surat").await;
        let dir = tempfile::tempdir().expect("folder");
        let path = dir.path().join("lambang.png");
        let png = base64::engine::general_purpose::STANDARD.decode(PNG).expect("png");
        std::fs::write(&path, png).expect("written");
        browser.fill("#nama-gambar", "lambang.png").await;
        let input = browser.client.find(fantoccini::Locator::Css("#berkas-gambar")).await.expect("file input");
        input.send_keys(path.to_str().expect("utf-8")).await.expect("file chosen");
        browser.submit_and_wait("form[enctype] button[type='submit']", false).await;
        let page = browser.main_text().await;
        assert!(page.contains("Gambar lambang.png versi 1 tersimpan"), "{page}\n{}", server.log());
        assert!(page.contains("lambang.png"));
        browser.screenshot("templat-surat-daftar").await;
        browser.client.clone().close().await.expect("browser closes");
    });
}
