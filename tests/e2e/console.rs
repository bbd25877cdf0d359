//! The officers' console, as officers use it: in Chromium for the flows (each step by the demo user of its
//! role), over plain HTTP for what a browser hides (cookies, CSRF, page weight).

use serde_json::json;

use crate::browser::{self, Browser};
use crate::server::{self, Backends, Server};

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn base(server: &Server) -> String {
    format!("http://{}", server.address)
}

/// A small PDF, as a scanned requirement.
fn scan() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("simpul-console-{}", server::uuid_like()));
    std::fs::create_dir_all(&dir).expect("folder");
    let path = dir.join("ktp-kk.pdf");
    std::fs::write(&path, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").expect("scan written");
    path
}

/// Submits Bulukumba's SKTM recommendation through the console's form as the front office; returns the
/// application's page path and the tracking code on the receipt.
async fn submit_bulukumba(browser: &Browser, nik: &str) -> (String, String) {
    browser.sign_in("petugas_layanan@bulukumba").await;
    browser.click("nav a[href='/permohonan/baru']").await;
    browser.click("a[href='/permohonan/baru/rekomendasi-sktm']").await;
    browser.fill("[name='data.nama']", "Siti Aminah").await;
    browser.fill("[name='data.nik']", nik).await;
    browser.fill("[name='data.no_kk']", "7302010101150003").await;
    browser.fill("[name='data.tempat_lahir']", "Bulukumba").await;
    // A date input takes the digits in the browser's locale order; set through the value the form posts.
    browser
        .client
        .execute("document.getElementById('data.tanggal_lahir').value = '1985-07-05'", vec![])
        .await
        .expect("date");
    browser.fill("[name='data.alamat']", "Jl. Sultan Hasanuddin No. 5, Kelurahan Caile").await;
    browser.fill("[name='data.tujuan']", "Keringanan biaya rumah sakit").await;
    let element = browser.client.find(fantoccini::Locator::Css("input[name='file.ktp_kk']")).await.expect("file input");
    element.send_keys(scan().to_str().expect("utf-8")).await.expect("file chosen");
    browser.click("input[name='documentsReceived'][value='sktm_desa']").await;
    browser.click("input[name='documentsReceived'][value='sptjm']").await;
    browser.screenshot("permohonan-baru").await;
    browser.submit_and_wait("form.formulir button[type='submit']:not([name])", false).await;
    browser.wait_for("article.tanda-terima").await;
    let code =
        browser.client.find(fantoccini::Locator::Css(".kode strong")).await.expect("code").text().await.expect("text");
    browser.screenshot("tanda-terima").await;
    browser.click_link("Buka permohonan").await;
    browser.wait_for("h1").await;
    (browser.path().await, code)
}

/// The whole of Bulukumba's SKTM recommendation in the browser: submitted by the front office, verified, the
/// paraf chain penyuluh sosial → Kabid → Sekretaris, signed by the Kepala Dinas after the preview, and the letter
/// downloadable with its verification link — each step by the demo user of its role.
#[test]
fn bulukumba_sktm_runs_from_the_counter_to_the_signed_letter_in_the_browser() {
    for server in server::servers() {
        bulukumba_in_the_browser(&server, true);
    }
}

/// The core flows as plain HTML, in a browser that runs no script: signing in by typing, the inbox, a form
/// whose conditional field appears after "Perbarui isian yang berlaku" (the server's form state instead of the
/// script's), submission with a scan, every action up to the signature (confirmed with the page's own "saya
/// yakin" box instead of a dialog), and the download of the signed letter.
#[test]
fn the_core_flows_work_without_javascript() {
    let server = server::start("sqlite", Backends::default());
    runtime().block_on(async {
        let Some(browser) = browser::open_without_javascript(&base(&server)).await else { return };
        browser.sign_in_with("operator_desa@luwu-timur", "demo").await;
        assert_eq!(browser.path().await, "/kotak-masuk", "typed sign-in leads to the inbox");
        assert!(browser.main_text().await.contains("0 permohonan"), "{}", browser.main_text().await);
        browser.go("/permohonan/baru/surat-keterangan-dtks").await;
        let whatsapp = "[data-isian='nomor_whatsapp']";
        assert!(
            !browser
                .client
                .find(fantoccini::Locator::Css(whatsapp))
                .await
                .expect("box")
                .is_displayed()
                .await
                .expect("shown?")
        );
        browser.fill("[name='data.nama']", "Andi Baso").await;
        browser
            .client
            .find(fantoccini::Locator::Css("select[name='data.pengiriman'] option[value='whatsapp']"))
            .await
            .expect("the WhatsApp choice")
            .click()
            .await
            .expect("chosen");
        browser.submit_and_wait("button[name='perbarui']", false).await;
        let shown = browser.client.find(fantoccini::Locator::Css(whatsapp)).await.expect("box");
        assert!(shown.is_displayed().await.expect("shown?"), "the WhatsApp number is asked once WhatsApp is chosen");
        let kept = browser.client.find(fantoccini::Locator::Css("[name='data.nama']")).await.expect("name");
        assert_eq!(kept.prop("value").await.expect("value").as_deref(), Some("Andi Baso"), "what was typed is kept");
        browser.screenshot("isian-bersyarat").await;
        browser.client.clone().close().await.expect("browser closes");
    });
    bulukumba_in_the_browser(&server, false);
}

fn bulukumba_in_the_browser(server: &Server, javascript: bool) {
    runtime().block_on(async {
        let browser = if javascript {
            browser::open(&base(server)).await
        } else {
            browser::open_without_javascript(&base(server)).await
        };
        let Some(browser) = browser else { return };
        let (page, code) = submit_bulukumba(&browser, "7302014507850001").await;
        assert!(code.contains('-'), "a tracking code on the receipt: {code}");
        let text = browser.main_text().await;
        assert!(text.contains("Penerimaan berkas persyaratan"), "{text}");
        assert!(text.contains("Fotokopi KTP dan KK"), "the scan is listed: {text}");
        browser.act("terima", &[], &[], None).await;
        assert!(browser.main_text().await.contains("Tindakan «Berkas diterima» tercatat"));
        browser.act("lengkap", &["ktp_kk", "sktm_desa", "sptjm"], &[], None).await;
        browser.screenshot("detail-front-office").await;
        browser.sign_out().await;

        browser.sign_in("verifikator@bulukumba").await;
        let inbox = browser.main_text().await;
        assert!(inbox.contains(&code) && inbox.contains("Verifikasi data"), "the verifier's inbox: {inbox}");
        assert!(inbox.contains("tepat waktu"), "the deadline in words: {inbox}");
        browser.screenshot("kotak-masuk").await;
        browser.go(&page).await;
        browser
            .act(
                "memenuhi",
                &["cek_siks_ng", "cek_e_dabu"],
                &[("dtks_terdaftar", "true"), ("pbi_apbn", "false"), ("pbi_apbd", "false")],
                None,
            )
            .await;
        browser.act("selesai_disusun", &[], &[], None).await;
        browser.act("sesuai", &["data_sesuai", "tujuan_sesuai"], &[], None).await;
        browser.sign_out().await;

        for (user, done) in [("penyuluh_sosial@bulukumba", 0), ("kabid@bulukumba", 1), ("sekretaris@bulukumba", 2)] {
            browser.sign_in(user).await;
            browser.go(&page).await;
            let text = browser.main_text().await;
            assert!(text.contains("Paraf hierarki"), "{user}: {text}");
            assert_eq!(text.matches("sudah diparaf oleh").count(), done, "{user}: {text}");
            assert!(text.contains("giliran berikutnya"), "{user}: {text}");
            if done == 1 {
                browser.screenshot("paraf-hierarki").await;
            }
            browser.act("paraf", &[], &[], None).await;
            browser.sign_out().await;
        }

        browser.sign_in("kepala_dinas@bulukumba").await;
        browser.go(&page).await;
        // The draft is shown in the page as an image (any browser, phones too), its PDF a link away.
        browser.wait_for("img.pratinjau").await;
        let shown = browser
            .client
            .execute(
                "const i = document.querySelector('img.pratinjau'); \
                 return i.decode().then(() => [i.naturalWidth, i.naturalHeight]).catch(() => [0, 0]);",
                vec![],
            )
            .await
            .expect("the preview's size");
        let (width, height) = (shown[0].as_u64().unwrap_or(0), shown[1].as_u64().unwrap_or(0));
        assert!(width > 800 && height > width, "an A4 page is shown before signing: {width}×{height}");
        // The heaviest page, with its image, style and script, as the browser got them.
        let weight = browser
            .client
            .execute(
                "return performance.getEntriesByType('navigation')[0].encodedBodySize + performance \
                 .getEntriesByType('resource').reduce((sum, r) => sum + r.encodedBodySize, 0);",
                vec![],
            )
            .await
            .expect("the page's weight")
            .as_u64()
            .expect("bytes");
        eprintln!("the signing page with its preview weighs {weight} bytes");
        assert!(weight <= 150 * 1024, "the signing page weighs {weight} bytes with its preview, style and script");
        browser
            .client
            .execute("document.querySelector('img.pratinjau').scrollIntoView()", vec![])
            .await
            .expect("scroll");
        browser.screenshot("pratinjau-surat").await;
        if !javascript {
            let asks = browser.client.find(fantoccini::Locator::Css("form#tindakan-tandatangani input[name='yakin']"));
            assert!(asks.await.expect("the box").is_displayed().await.expect("shown?"), "without script the page asks");
        }
        browser.act("tandatangani", &[], &[], None).await;
        let text = browser.main_text().await;
        assert!(text.contains("Tindakan «Tandatangani» tercatat"), "{text}");
        assert!(text.contains("Surat Rekomendasi Penerbitan"), "the letter is listed: {text}");
        // The letter's verification link comes once the archiver has stored the signed PDF (moments later).
        for _ in 0..30 {
            if browser.has("a[href*='/v/']").await {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            browser.go(&page).await;
        }
        let verify = browser
            .client
            .find(fantoccini::Locator::LinkText("Halaman verifikasi"))
            .await
            .expect("the verification link")
            .attr("href")
            .await
            .expect("href")
            .expect("an address");
        let download = browser
            .client
            .find(fantoccini::Locator::LinkText("Unduh / cetak PDF"))
            .await
            .expect("the letter's download link")
            .attr("href")
            .await
            .expect("href")
            .expect("an address");
        browser.screenshot("surat-ditandatangani").await;
        let pdf = ureq::get(&download).call().expect("the letter downloads").body_mut().read_to_vec().expect("bytes");
        assert!(pdf.starts_with(b"%PDF"), "the signed letter is a PDF");
        let page = ureq::get(&verify).call().expect("verification page").body_mut().read_to_string().expect("html");
        assert!(page.contains("Siti") || page.contains("S***"), "the verification page names the letter");
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// A form error comes back beside its field, the values typed are kept, and nothing is submitted.
#[test]
fn a_wrong_nik_is_shown_beside_its_field_and_nothing_is_submitted() {
    let server = server::start("sqlite", Backends::default());
    runtime().block_on(async {
        let Some(browser) = browser::open(&base(&server)).await else { return };
        browser.sign_in("petugas_layanan@bulukumba").await;
        browser.go("/permohonan/baru/rekomendasi-sktm").await;
        browser.fill("[name='data.nama']", "Siti Aminah").await;
        browser.fill("[name='data.nik']", "1234").await;
        browser.submit_and_wait("form.formulir button[type='submit']:not([name])", false).await;
        browser.wait_for(".isian.salah").await;
        let problem = browser
            .client
            .find(fantoccini::Locator::Css("#galat-nik"))
            .await
            .expect("nik error")
            .text()
            .await
            .expect("text");
        assert!(!problem.is_empty(), "the NIK's problem is beside it");
        let kept = browser
            .client
            .find(fantoccini::Locator::Css("[name='data.nama']"))
            .await
            .expect("name")
            .prop("value")
            .await
            .expect("value");
        assert_eq!(kept.as_deref(), Some("Siti Aminah"));
        browser.screenshot("galat-isian").await;
        browser.go("/kotak-masuk").await;
        assert!(browser.main_text().await.contains("0 permohonan"), "nothing was submitted");
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// Every main page reads clearly (labels, names, alt text, contrast of every text against its background) and
/// fits the window, on an office PC's 1366×768 screen and on a 390-pixel phone; and an officer who uses no mouse
/// signs in, opens an application from the inbox and takes its action with the keyboard alone.
#[test]
fn the_console_reads_clearly_and_works_by_keyboard_on_a_pc_and_a_phone() {
    let server = server::start("sqlite", Backends::default());
    let app = server.as_user(
        "petugas_layanan@bulukumba",
        "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id } }",
        json!({ "i": { "service": "rekomendasi-sktm", "documentsReceived": ["ktp_kk", "sktm_desa", "sptjm"], "data": {
            "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003", "tempat_lahir": "Bulukumba",
            "tanggal_lahir": "1985-07-05", "alamat": "Jl. Sultan Hasanuddin No. 5", "tujuan": "Keringanan biaya rumah sakit" } } }),
    );
    let id = app["submitApplication"]["id"].as_str().expect("id").to_string();
    runtime().block_on(async {
        let Some(browser) = browser::open(&base(&server)).await else { return };
        browser.go("/masuk").await;
        let problems = browser.barriers().await;
        assert!(problems.is_empty(), "the login page: {problems:#?}");
        let tab = char::from(fantoccini::key::Key::Tab).to_string();
        browser.tab_to("#username").await;
        browser.type_keys("petugas_layanan@bulukumba").await;
        browser.type_keys(&tab).await;
        browser.type_keys("demo").await;
        browser.enter_and_wait().await;
        assert_eq!(browser.path().await, "/kotak-masuk", "signed in by keyboard");
        browser.tab_to(&format!("main a[href='/permohonan/{id}']")).await;
        browser.enter_and_wait().await;
        assert_eq!(browser.path().await, format!("/permohonan/{id}"), "opened from the inbox by keyboard");
        browser.tab_to("form#tindakan-terima button[type='submit']").await;
        browser.enter_and_wait().await;
        assert!(browser.main_text().await.contains("Tindakan «Berkas diterima» tercatat"), "acted by keyboard");

        let pages = [
            ("kotak-masuk", "/kotak-masuk".to_string()),
            ("permohonan-baru", "/permohonan/baru".to_string()),
            ("formulir", "/permohonan/baru/rekomendasi-sktm".to_string()),
            ("detail", format!("/permohonan/{id}")),
            ("tanda-terima", format!("/permohonan/{id}/tanda-terima")),
            ("cari", "/cari?q=Siti".to_string()),
            ("daftar-rekap", "/surat".to_string()),
        ];
        for (screen, width, height) in [("pc", 1366, 768), ("ponsel", 390, 844)] {
            browser.client.set_window_size(width, height).await.expect("window size");
            for (name, path) in &pages {
                browser.go(path).await;
                browser.loaded().await;
                let problems = browser.barriers().await;
                assert!(problems.is_empty(), "{path} at {width}×{height}: {problems:#?}");
                if screen == "ponsel" {
                    browser.screenshot(&format!("ponsel-{name}")).await;
                }
            }
        }
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// A recap of a period, as the office sends it on: Tebing Tinggi's monthly recap of BPJS recommendations on
/// screen, and the same rows as PDF, CSV and XLSX downloads.
#[test]
fn a_recap_of_a_period_is_shown_and_downloaded_as_pdf_csv_and_xlsx() {
    let server = server::start("sqlite", Backends::default());
    let mut data = crate::flows::form("tebing-tinggi/rekomendasi-bpjs-kesehatan");
    data["nama"] = json!("Butet Siregar");
    let mut flow = crate::flows::Flow::submit(&server, "tebing-tinggi", "rekomendasi-bpjs-kesehatan", data, json!([]));
    flow.walk(&["teruskan", "disposisi", "tugaskan", "layak", "ajukan", "tandatangani", "disampaikan"]);
    assert_eq!(flow.outcome(), ("ENDED", "terbit"));
    let (agent, cookie) = console_session(&server, "kepala_dinas@tebing-tinggi");
    let today = chrono::Utc::now().date_naive();
    let page = |format: &str| {
        let path = format!(
            "/surat?produk=rekomendasi-bpjs-kesehatan%2Frekapitulasi_usul_bpjs&dari={}&sampai={}&bentuk={format}",
            today - chrono::Days::new(1),
            today + chrono::Days::new(1)
        );
        let mut response =
            agent.get(&format!("{}{path}", base(&server))).header("Cookie", &cookie).call().expect("page");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let (kind, disposition) = (header("content-type"), header("content-disposition"));
        (kind, disposition, response.body_mut().read_to_vec().expect("body"))
    };
    let (_, _, html) = page("layar");
    let html = String::from_utf8(html).expect("html");
    assert!(html.contains("<table") && html.contains("Butet Siregar"), "the recap on screen: {html}");
    assert!(html.contains("1 permohonan"), "{html}");
    let (kind, disposition, pdf) = page("pdf");
    assert!(kind == "application/pdf" && disposition.starts_with("attachment") && pdf.starts_with(b"%PDF"));
    let (kind, disposition, csv) = page("csv");
    assert!(kind.starts_with("text/csv") && disposition.contains(".csv"), "{kind} {disposition}");
    assert!(String::from_utf8_lossy(&csv).contains("Butet Siregar"));
    let (kind, disposition, xlsx) = page("xlsx");
    assert!(kind.contains("spreadsheetml") && disposition.contains(".xlsx"), "{kind} {disposition}");
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
}

/// What an officer may not do is not offered, another office's application is "tidak ditemukan", and a session
/// that ends sends the officer to the login and back to where they were.
#[test]
fn the_console_offers_only_what_the_officer_may_do_in_their_own_office() {
    let server = server::start("sqlite", Backends::default());
    runtime().block_on(async {
        let Some(browser) = browser::open(&base(&server)).await else { return };
        let (page, _) = submit_bulukumba(&browser, "7302014507850001").await;
        browser.sign_out().await;
        browser.sign_in("verifikator@bulukumba").await;
        browser.go(&page).await;
        assert!(!browser.has("form#tindakan-terima").await, "the verifier is not offered the front office's action");
        assert!(browser.main_text().await.contains("Tidak ada tindakan untuk Anda"));
        browser.sign_out().await;
        browser.sign_in("petugas_mpp@bangka").await;
        browser.go(&page).await;
        let text = browser.main_text().await;
        assert!(text.contains("tidak ditemukan"), "another office's application: {text}");
        browser.screenshot("tidak-ditemukan").await;
        // The session ends (the cookie is lost); the next page asks to sign in and returns here.
        browser.client.delete_cookie("simpul_sesi").await.expect("cookie deleted");
        browser.go("/kotak-masuk?tenggat=terlambat").await;
        assert_eq!(browser.path().await, "/masuk");
        browser.submit_and_wait("button[data-user='petugas_mpp@bangka']", false).await;
        let url = browser.client.current_url().await.expect("url");
        assert_eq!(url.path(), "/kotak-masuk");
        assert_eq!(url.query(), Some("tenggat=terlambat"));
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// The session cookie is HttpOnly and SameSite=Lax, a form without its CSRF token changes nothing, and every
/// main page weighs at most 150 KB with its style and script.
#[test]
fn console_sessions_are_protected_and_pages_are_light() {
    let server = server::start("sqlite", Backends::default());
    let base = base(&server);
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let login = agent.get(&format!("{base}/masuk")).call().expect("login page");
    let seed = login.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("login cookie").to_string();
    let seed = seed.split(';').next().expect("cookie").to_string();
    let html = login.into_body().read_to_string().expect("html");
    assert!(
        html.contains("Pengguna demo") && html.contains("petugas_layanan@bulukumba"),
        "demo mode lists the demo users"
    );
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf").to_string();
    // Without the token: refused, no session.
    let forged = agent
        .post(&format!("{base}/masuk"))
        .header("Cookie", &seed)
        .content_type("application/x-www-form-urlencoded")
        .send("username=petugas_layanan%40bulukumba&password=demo")
        .expect("answer");
    assert_eq!(forged.status().as_u16(), 422);
    assert!(
        forged
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|c| !c.to_str().unwrap_or_default().starts_with("simpul_sesi"))
    );
    let signed = agent
        .post(&format!("{base}/masuk"))
        .header("Cookie", &seed)
        .content_type("application/x-www-form-urlencoded")
        .send(format!("csrf={csrf}&username=petugas_layanan%40bulukumba&password=demo&kembali=%2Fkotak-masuk"))
        .expect("answer");
    assert_eq!(signed.status().as_u16(), 303);
    let session = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("simpul_sesi="))
        .expect("a session cookie")
        .to_string();
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    let cookie = session.split(';').next().expect("cookie").to_string();
    // An action posted without the session's token changes nothing.
    let app = server.as_user(
        "petugas_layanan@bulukumba",
        "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id version } }",
        json!({ "i": { "service": "rekomendasi-sktm", "data": {
            "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003", "tempat_lahir": "Bulukumba",
            "tanggal_lahir": "1985-07-05", "alamat": "Jl. Sultan Hasanuddin No. 5", "tujuan": "Keringanan biaya rumah sakit" } } }),
    );
    let id = app["submitApplication"]["id"].as_str().expect("id").to_string();
    let forged = agent
        .post(&format!("{base}/permohonan/{id}/tindakan"))
        .header("Cookie", &cookie)
        .content_type("application/x-www-form-urlencoded")
        .send("action=terima&version=1")
        .expect("answer");
    assert_eq!(forged.status().as_u16(), 403);
    let after = server.as_user(
        "petugas_layanan@bulukumba",
        "query($id: ID!) { application(id: $id) { step } }",
        json!({ "id": id }),
    );
    assert_eq!(after["application"]["step"], "penerimaan_berkas", "nothing changed");
    // Page weight: each main page with its style and script.
    let asset = |path: &str| {
        agent.get(&format!("{base}{path}")).call().expect("asset").into_body().read_to_vec().expect("bytes").len()
    };
    let assets = asset("/aset/konsol.css") + asset("/aset/konsol.js");
    for path in [
        "/kotak-masuk".to_string(),
        "/permohonan/baru/rekomendasi-sktm".to_string(),
        format!("/permohonan/{id}"),
        "/cari?q=siti".to_string(),
        "/surat".to_string(),
    ] {
        let response = agent.get(&format!("{base}{path}")).header("Cookie", &cookie).call().expect("page");
        assert_eq!(response.status().as_u16(), 200, "{path}");
        let csp = response
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(csp.contains("script-src 'self'") && !csp.contains("http"), "{path}: nothing from another host: {csp}");
        let html = response.into_body().read_to_string().expect("html");
        assert!(
            !html.contains("src=\"http") && !html.contains("stylesheet\" href=\"http"),
            "{path}: loads nothing from another host"
        );
        let weight = html.len() + assets;
        assert!(weight <= 150 * 1024, "{path} weighs {weight} bytes with its style and script");
    }
}

/// What the console's inbox stands on, in the API: the inbox narrowed by service, step, deadline state and text,
/// its counts per service, the applicant's name masked for a role without personal-data rights, and the desa of
/// an office for a form's picker.
#[test]
fn the_inbox_filters_counts_and_masks_through_the_api() {
    for server in server::servers() {
        let data = json!({
            "nama": "Siti Aminah", "nik": "7302014507850001", "no_kk": "7302010101150003", "tempat_lahir": "Bulukumba",
            "tanggal_lahir": "1985-07-05", "alamat": "Jl. Sultan Hasanuddin No. 5", "tujuan": "Keringanan biaya rumah sakit"
        });
        let submit = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id trackingCode } }";
        let input = json!({ "i": { "service": "rekomendasi-sktm", "data": data } });
        let first = server.as_user("petugas_layanan@bulukumba", submit, input.clone());
        let mut other = input;
        other["i"]["data"]["nama"] = json!("Andi Rahman");
        server.as_user("petugas_layanan@bulukumba", submit, other);
        let inbox = "query($f: InboxFilterInput) { inbox(filter: $f) { totalCount edges { node { applicantName } } }
                     inboxCounts { service serviceName count } }";
        let all = server.as_user("petugas_layanan@bulukumba", inbox, json!({ "f": null }));
        assert_eq!(all["inbox"]["totalCount"], 2, "{}: {all}", server.backend);
        assert_eq!(
            all["inboxCounts"],
            json!([{ "service": "rekomendasi-sktm", "serviceName": "Rekomendasi Surat Keterangan Tidak Mampu (SKTM)", "count": 2 }])
        );
        let siti = server.as_user("petugas_layanan@bulukumba", inbox, json!({ "f": { "text": "siti" } }));
        assert_eq!(siti["inbox"]["totalCount"], 1, "{}", server.backend);
        assert_eq!(siti["inbox"]["edges"][0]["node"]["applicantName"], "Siti Aminah");
        let code = first["submitApplication"]["trackingCode"].as_str().expect("code");
        let by_code = server.as_user("petugas_layanan@bulukumba", inbox, json!({ "f": { "text": code } }));
        assert_eq!(by_code["inbox"]["totalCount"], 1);
        let other_step = server.as_user("petugas_layanan@bulukumba", inbox, json!({ "f": { "step": "verifikasi" } }));
        assert_eq!(other_step["inbox"]["totalCount"], 0);
        let late = server.as_user("petugas_layanan@bulukumba", inbox, json!({ "f": { "deadline": "OVERDUE" } }));
        assert_eq!(late["inbox"]["totalCount"], 0);
        let verifier = server.as_user("verifikator@bulukumba", inbox, json!({ "f": null }));
        assert_eq!(verifier["inbox"]["totalCount"], 0, "nothing waits for the verifier yet");
        assert_eq!(verifier["inboxCounts"], json!([]));
        let id = first["submitApplication"]["id"].as_str().expect("id");
        let admin = server.as_user(
            "admin_dinas@bulukumba",
            "query($id: ID!) { application(id: $id) { applicantName } }",
            json!({ "id": id }),
        );
        assert_eq!(
            admin["application"]["applicantName"], "S*** A*****",
            "masked for a role without personal-data rights"
        );
        let villages = server.raw(None, "{ tenant(code: \"luwu-timur\") { villages { code name } } }", json!({}));
        let villages = villages["data"]["tenant"]["villages"].as_array().expect("villages").clone();
        assert!(villages.len() > 100, "every desa/kelurahan of Luwu Timur: {}", villages.len());
        assert!(villages.iter().all(|v| v["code"].as_str().is_some_and(|c| c.starts_with("73.24."))));
        assert!(villages.iter().any(|v| v["name"] == "Kelurahan Malili, Kecamatan Malili"), "named in words");
    }
}

/// Bulukumba's front office returns an application for a missing SPTJM, finds it in its own inbox, and
/// resubmits it with the paper received and the purpose corrected; it goes back to the completeness check.
#[test]
fn a_returned_application_is_resubmitted_with_what_was_missing_in_the_browser() {
    let server = server::start("sqlite", Backends::default());
    runtime().block_on(async {
        let Some(browser) = browser::open(&base(&server)).await else { return };
        let (page, code) = submit_bulukumba(&browser, "7302014507850001").await;
        browser.act("terima", &[], &[], None).await;
        browser.click("form#tindakan-belum_lengkap input[name='missing'][value='sptjm']").await;
        browser.act("belum_lengkap", &[], &[], Some("SPTJM belum bermaterai")).await;
        let text = browser.main_text().await;
        assert!(text.contains("Dikembalikan kepada pemohon"), "{text}");
        assert!(text.contains("Belum lengkap: Surat Pertanggungjawaban Mutlak"), "{text}");
        browser.go("/kotak-masuk").await;
        assert!(browser.main_text().await.contains(&code), "the returned application waits for the front office");
        browser.go(&page).await;
        browser.click("form#tindakan-resubmit input[name='documentsReceived'][value='sptjm']").await;
        browser.click("form#tindakan-resubmit details summary").await;
        browser.fill("#koreksi-tujuan", "Keringanan biaya sekolah").await;
        browser.screenshot("ajukan-kembali").await;
        browser.act("resubmit", &[], &[], None).await;
        let text = browser.main_text().await;
        assert!(text.contains("tercatat"), "{text}");
        assert!(text.contains("Pemeriksaan kelengkapan berkas"), "back at the completeness check: {text}");
        assert!(text.contains("Diajukan kembali") && text.contains("Keringanan biaya sekolah"), "{text}");
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// OKU Selatan's SKTM: the front office submits and checks it, the TKSK's field survey finds it tidak layak (a
/// note, and a confirmation since it ends the application), and it ends not eligible.
#[test]
fn an_oku_selatan_survey_that_says_tidak_layak_ends_the_application_in_the_browser() {
    let server = server::start("sqlite", Backends::default());
    runtime().block_on(async {
        let Some(browser) = browser::open(&base(&server)).await else { return };
        browser.sign_in("front_office@oku-selatan").await;
        browser.go("/permohonan/baru/sktm").await;
        let form = crate::flows::form("oku-selatan/sktm");
        for (field, value) in form.as_object().expect("form") {
            let value = value.as_str().expect("text");
            if field == "tanggal_lahir" {
                let script = format!("document.getElementById('data.tanggal_lahir').value = '{value}'");
                browser.client.execute(&script, vec![]).await.expect("date");
            } else {
                browser.fill(&format!("[name='data.{field}']"), value).await;
            }
        }
        // Every paper requirement is received at the counter.
        for received in
            browser.client.find_all(fantoccini::Locator::Css("input[name='documentsReceived']")).await.expect("boxes")
        {
            received.click().await.expect("ticked");
        }
        browser.submit_and_wait("form.formulir button[type='submit']:not([name])", false).await;
        browser.wait_for("article.tanda-terima").await;
        browser.click_link("Buka permohonan").await;
        browser.wait_for("h1").await;
        let page = browser.path().await;
        browser.act("lengkap", &[], &[], None).await;
        browser.sign_out().await;
        browser.sign_in("tksk@oku-selatan").await;
        browser.go(&page).await;
        let text = browser.main_text().await;
        assert!(text.contains("Survei lokasi oleh TKSK"), "{text}");
        assert!(browser.has("form#tindakan-tidak_layak[data-konfirmasi]").await, "ending asks to be confirmed");
        browser.act("tidak_layak", &[], &[], Some("Rumah layak huni, penghasilan tetap")).await;
        let text = browser.main_text().await;
        assert!(text.contains("Tidak memenuhi syarat"), "{text}");
        assert!(text.contains("Rumah layak huni, penghasilan tetap"), "the note is in the history: {text}");
        assert!(!browser.has("form.tindakan").await, "nothing more to do");
        browser.screenshot("tidak-layak").await;
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// Tebing Tinggi's Kepala Dinas names the Kepala Bidang by name in a disposisi; that officer, signing in, finds
/// the application in their inbox with the next disposisi to give.
#[test]
fn a_disposisi_names_an_officer_by_name_in_the_browser() {
    let server = server::start("sqlite", Backends::default());
    server.as_user(
        "admin_dinas@tebing-tinggi",
        "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
        json!({ "i": { "username": "rahmat", "displayName": "Rahmat Hidayat", "password": "rahasia-rahmat",
                       "roles": ["kepala_bidang"] } }),
    );
    let mut flow = crate::flows::Flow::submit(
        &server,
        "tebing-tinggi",
        "rekomendasi-bpjs-kesehatan",
        crate::flows::form("tebing-tinggi/rekomendasi-bpjs-kesehatan"),
        json!([]),
    );
    flow.take("teruskan");
    let id = flow.app["id"].as_str().expect("id").to_string();
    runtime().block_on(async {
        let Some(browser) = browser::open(&base(&server)).await else { return };
        browser.sign_in("kepala_dinas@tebing-tinggi").await;
        browser.go(&format!("/permohonan/{id}")).await;
        let option = browser
            .client
            .find(fantoccini::Locator::XPath(
                "//select[@name='assignee']/option[starts-with(normalize-space(.), 'Rahmat Hidayat')]",
            ))
            .await
            .expect("the officer is offered by name");
        option.click().await.expect("chosen");
        browser.screenshot("disposisi").await;
        browser.act("disposisi", &[], &[], None).await;
        assert!(browser.main_text().await.contains("Disposisi Kepala Bidang"));
        browser.sign_out().await;
        browser.sign_in_with("rahmat", "rahasia-rahmat").await;
        let inbox = browser.main_text().await;
        assert!(inbox.contains("Disposisi Kepala Bidang"), "the named officer's inbox: {inbox}");
        browser.go(&format!("/permohonan/{id}")).await;
        assert!(browser.has("form#tindakan-tugaskan").await, "the named officer gives the next disposisi");
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// Finding by NIK — any NIK field of the form, the head of household's as well as the subject's — is for roles
/// with personal-data rights, each application found is written to its audit log, and the console's Cari takes
/// 16 digits as a NIK.
#[test]
fn a_nik_search_is_for_roles_with_personal_data_rights_and_is_audited() {
    for server in server::servers() {
        let submit = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { id } }";
        let input = json!({ "i": { "service": "sktm", "data": crate::flows::form("oku-selatan/sktm") } });
        let id = server.as_user("front_office@oku-selatan", submit, input)["submitApplication"]["id"]
            .as_str()
            .expect("id")
            .to_string();
        let search = "query($n: String!) { applications(filter: { nik: $n }) { totalCount edges { node { id } } } }";
        for nik in ["1609016001100002", "1609012003700001"] {
            let found = server.as_user("front_office@oku-selatan", search, json!({ "n": nik }));
            assert_eq!(found["applications"]["totalCount"], 1, "{}: {nik}", server.backend);
            assert_eq!(found["applications"]["edges"][0]["node"]["id"], id.as_str());
        }
        let none = server.as_user("front_office@oku-selatan", search, json!({ "n": "1609016001100003" }));
        assert_eq!(none["applications"]["totalCount"], 0);
        let (code, _) = server.error_as("admin_dinas@oku-selatan", search, json!({ "n": "1609016001100002" }));
        assert_eq!(code, "FORBIDDEN", "a role without personal-data rights may not search by NIK");
        let (code, error) = server.error_as("front_office@oku-selatan", search, json!({ "n": "16090160" }));
        assert_eq!(code, "VALIDATION");
        assert_eq!(server::field_paths(&error), ["filter.nik"]);
        let log = server.as_user(
            "front_office@oku-selatan",
            "query($id: ID!) { application(id: $id) { auditLog { action detail by { name } } } }",
            json!({ "id": id }),
        );
        let searches = log["application"]["auditLog"]
            .as_array()
            .expect("log")
            .iter()
            .filter(|e| e["detail"] == "pencarian dengan NIK")
            .count();
        assert_eq!(searches, 2, "{}: each search that found it is logged: {log}", server.backend);
    }
    // The console's Cari: 16 digits are a NIK.
    let server = server::start("sqlite", Backends::default());
    let submit = "mutation($i: SubmitApplicationInput!) { submitApplication(input: $i) { trackingCode } }";
    let input = json!({ "i": { "service": "sktm", "data": crate::flows::form("oku-selatan/sktm") } });
    let code = server.as_user("front_office@oku-selatan", submit, input)["submitApplication"]["trackingCode"]
        .as_str()
        .expect("code")
        .to_string();
    let page = console_page(&server, "front_office@oku-selatan", "/cari?q=1609016001100002");
    assert!(page.contains(&code), "found by NIK on the Cari page");
    let page = console_page(&server, "admin_dinas@oku-selatan", "/cari?q=1609016001100002");
    assert!(page.contains("tidak diizinkan mencari permohonan dengan NIK"), "said on the page");
}

/// A console page as a signed-in demo user sees it, over plain HTTP.
/// A console session of a demo user over plain HTTP, signed in through the login form: an agent that follows no
/// redirect, and the session cookie.
pub(crate) fn console_session(server: &Server, username: &str) -> (ureq::Agent, String) {
    let base = base(server);
    let agent: ureq::Agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
    let login = agent.get(&format!("{base}/masuk")).call().expect("login page");
    let seed = login.headers().get("set-cookie").and_then(|v| v.to_str().ok()).expect("cookie").to_string();
    let seed = seed.split(';').next().expect("cookie").to_string();
    let html = login.into_body().read_to_string().expect("html");
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).expect("csrf").to_string();
    let user = username.replace('@', "%40");
    let signed = agent
        .post(&format!("{base}/masuk"))
        .header("Cookie", &seed)
        .content_type("application/x-www-form-urlencoded")
        .send(format!("csrf={csrf}&username={user}&password=demo"))
        .expect("signed in");
    let cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|c| c.to_str().ok())
        .find(|c| c.starts_with("simpul_sesi="))
        .and_then(|c| c.split(';').next())
        .expect("session")
        .to_string();
    (agent, cookie)
}

/// The HTML of a console page as `username` sees it.
pub(crate) fn console_page(server: &Server, username: &str, path: &str) -> String {
    let (agent, cookie) = console_session(server, username);
    agent
        .get(&format!("{}{path}", base(server)))
        .header("Cookie", &cookie)
        .call()
        .expect("page")
        .into_body()
        .read_to_string()
        .expect("html")
}

/// The applicant's tracking: by the code with their NIK or their date of birth (never with neither or both), the
/// service, the step, the history in words, the deadline and, once signed, the letter's verification link — and
/// nothing of the officers (no account, no id, no note); at `/lacak` in the browser, without JavaScript, and
/// from the login page's link.
#[test]
fn an_applicant_tracks_their_application_by_code_and_nik_or_birth_date() {
    const TRACK: &str = "query($c: String!, $n: String, $b: NaiveDate) {
        trackApplication(trackingCode: $c, nik: $n, birthDate: $b) {
          office serviceName maskedName status stepName outcomeLabel serviceDeadline { dueAt }
          history { at text } letters { name number verificationUrl revoked } } }";
    let server = server::start("sqlite", Backends::default());
    let mut flow = crate::flows::Flow::submit(
        &server,
        "bulukumba",
        "rekomendasi-sktm",
        crate::flows::form("bulukumba/rekomendasi-sktm"),
        json!([]),
    );
    let code = flow.app["trackingCode"].as_str().expect("a tracking code").to_string();
    flow.walk(crate::flows::BULUKUMBA_TO_SIGNING);
    flow.walk(&["tandatangani"]);
    let id = flow.app["id"].as_str().expect("id").to_string();
    crate::letters::archived(&server, &id);

    // The receipt handed over at submission: its code, and a QR to the tracking page with the code in it.
    let receipt = "query($id: ID!) { applicationReceipt(applicationId: $id) { filename contentType base64 } }";
    let pdf = server.as_user("petugas_layanan@bulukumba", receipt, json!({ "id": id }))["applicationReceipt"].clone();
    assert_eq!(pdf["contentType"], "application/pdf");
    let text = pdf_extract::extract_text_from_mem(&crate::letters::decode(&pdf)).expect("text");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("TANDA TERIMA PERMOHONAN") && text.contains(&code) && text.contains("/lacak"), "{text}");
    let (denied, _) = server.error_as("admin_dinas@bulukumba", receipt, json!({ "id": id }));
    assert_eq!(denied, "FORBIDDEN", "the receipt names the applicant");
    let (agent, cookie) = console_session(&server, "petugas_layanan@bulukumba");
    let mut from_console = agent
        .get(&format!("{}/permohonan/{id}/tanda-terima/pdf", base(&server)))
        .header("Cookie", &cookie)
        .call()
        .expect("the console's receipt");
    let bytes = from_console.body_mut().read_to_vec().expect("bytes");
    assert!(bytes.starts_with(b"%PDF"), "the console serves the receipt's PDF");

    let by_birth = server.raw(None, TRACK, json!({ "c": code.to_lowercase(), "b": "1985-07-05" }));
    let tracked = by_birth["data"]["trackApplication"].clone();
    assert_eq!(tracked["maskedName"], "S*** A*****", "{by_birth}");
    assert_eq!(tracked["office"], "Dinas Sosial Kabupaten Bulukumba");
    assert_eq!(tracked["stepName"], "Penyerahan kepada pemohon");
    let history: Vec<&str> =
        tracked["history"].as_array().expect("history").iter().filter_map(|h| h["text"].as_str()).collect();
    assert_eq!(history.first().copied(), Some("Permohonan diajukan"), "{history:?}");
    assert!(history.contains(&"Pemeriksaan kelengkapan berkas: Berkas lengkap"), "{history:?}");
    assert!(history.contains(&"Penandatanganan oleh Kepala Dinas: Tandatangani"), "{history:?}");
    let letter = &tracked["letters"][0];
    assert!(letter["verificationUrl"].as_str().is_some_and(|u| u.contains("/v/")), "{letter}");
    // Nothing of the officers: no account name, and no id of anyone (an officer's user id is a UUID).
    let answer = by_birth.to_string();
    assert!(!answer.contains("@bulukumba") && !answer.contains(&id), "{answer}");
    let uuid_like = answer
        .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .any(|w| w.len() == 36 && w.matches('-').count() == 4);
    assert!(!uuid_like, "no id in the public answer: {answer}");

    let by_nik = server.raw(None, TRACK, json!({ "c": code, "n": "7302014507850001" }));
    assert_eq!(by_nik["data"]["trackApplication"]["serviceName"], tracked["serviceName"], "{by_nik}");
    for (variables, why) in
        [(json!({ "c": code }), "neither"), (json!({ "c": code, "n": "7302014507850001", "b": "1985-07-05" }), "both")]
    {
        let answer = server.raw(None, TRACK, variables);
        assert_eq!(answer["errors"][0]["extensions"]["code"], "VALIDATION", "{why}: {answer}");
    }
    let wrong = server.raw(None, TRACK, json!({ "c": code, "b": "1985-07-06" }));
    assert_eq!(wrong["errors"][0]["extensions"]["code"], "NOT_FOUND", "another birth date: {wrong}");

    runtime().block_on(async {
        let Some(browser) = browser::open_without_javascript(&base(&server)).await else { return };
        // From the receipt's QR: the code is filled in.
        browser.go(&format!("/lacak?kode={code}")).await;
        let filled = browser.client.find(fantoccini::Locator::Css("#kode")).await.expect("code");
        assert_eq!(filled.prop("value").await.expect("value").as_deref(), Some(code.as_str()));
        browser.go("/masuk").await;
        browser.click("a[href='/lacak']").await;
        browser.fill("#kode", &code).await;
        browser.fill("#nik", "7302014507850001").await;
        browser.submit_and_wait("form.kartu button[type='submit']", false).await;
        let text = browser.main_text().await;
        assert!(text.contains("Rekomendasi Surat Keterangan Tidak Mampu") && text.contains("S*** A*****"), "{text}");
        assert!(text.contains("Riwayat") && text.contains("Permohonan diajukan"), "{text}");
        assert!(browser.has("a[href*='/v/']").await, "the letter's verification link");
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("lacak").await;
        browser.fill("#kode", &code).await;
        browser.fill("#nik", "7302014507859999").await;
        browser.submit_and_wait("form.kartu button[type='submit']", false).await;
        let text = browser.main_text().await;
        assert!(text.contains("tidak ditemukan") && !text.contains("Riwayat"), "{text}");
        browser.client.clone().close().await.expect("browser closes");
    });
}

/// The satisfaction survey: offered once the application has ended (by the token tracking gives), answered in
/// the browser without JavaScript (nine questions, 1 to 4, a suggestion), once only; invalid answers refused with
/// the field named; the office's index for the period computed from it (PermenPAN-RB 14/2017).
#[test]
fn an_ended_application_offers_the_survey_once_and_the_office_reads_its_index() {
    const TRACK: &str =
        "query($c: String!, $n: String) { trackApplication(trackingCode: $c, nik: $n) { status surveyToken } }";
    const SUBMIT: &str =
        "mutation($t: String!, $a: [Int!]!, $s: String) { submitSurvey(token: $t, answers: $a, suggestion: $s) }";
    const INDEX: &str =
        "query($f: NaiveDate!, $t: NaiveDate!) { satisfactionIndex(service: \"rekomendasi-sktm\", from: $f, to: $t) {
        responses ikm grade gradeLabel elements { code mean } suggestions } }";
    let server = server::start("sqlite", Backends::default());
    let mut flow = crate::flows::Flow::submit(
        &server,
        "bulukumba",
        "rekomendasi-sktm",
        crate::flows::form("bulukumba/rekomendasi-sktm"),
        json!([]),
    );
    let code = flow.app["trackingCode"].as_str().expect("code").to_string();
    let nik = "7302014507850001";
    let open = server.raw(None, TRACK, json!({ "c": code, "n": nik }));
    assert!(open["data"]["trackApplication"]["surveyToken"].is_null(), "no survey before the end: {open}");
    flow.walk(crate::flows::BULUKUMBA_TO_SIGNING);
    flow.walk(&["tandatangani", "diserahkan", "diarsipkan"]);
    let ended = server.raw(None, TRACK, json!({ "c": code, "n": nik }));
    let token = ended["data"]["trackApplication"]["surveyToken"].as_str().expect("a survey token").to_string();
    let bad = server.raw(None, SUBMIT, json!({ "t": token, "a": [4, 4, 5, 4, 3, 4, 4, 3, 4] }));
    assert_eq!(bad["errors"][0]["extensions"]["code"], "VALIDATION", "{bad}");
    assert_eq!(server::field_paths(&bad["errors"][0]), ["answers"], "{bad}");
    let answers = [4, 4, 3, 4, 3, 4, 4, 3, 4];
    let in_browser = runtime().block_on(async {
        let Some(browser) = browser::open_without_javascript(&base(&server)).await else { return false };
        browser.go("/lacak").await;
        browser.fill("#kode", &code).await;
        browser.fill("#nik", nik).await;
        browser.submit_and_wait("form.kartu button[type='submit']", false).await;
        assert!(browser.main_text().await.contains("Survei kepuasan masyarakat"), "{}", browser.main_text().await);
        for (i, answer) in answers.iter().enumerate() {
            browser.click(&format!("input[name='u{}'][value='{answer}']", i + 1)).await;
        }
        browser.fill("#saran", "Ruang tunggu perlu kipas angin").await;
        assert!(browser.barriers().await.is_empty(), "{:?}", browser.barriers().await);
        browser.screenshot("survei").await;
        browser.submit_and_wait("form[action='/lacak/survei'] button[type='submit']", false).await;
        assert!(browser.main_text().await.contains("Terima kasih"), "{}", browser.main_text().await);
        browser.client.clone().close().await.expect("browser closes");
        true
    });
    if !in_browser {
        let done = server.raw(None, SUBMIT, json!({ "t": token, "a": answers, "s": "Ruang tunggu perlu kipas angin" }));
        assert_eq!(done["data"]["submitSurvey"], true, "{done}");
    }
    let again = server.raw(None, SUBMIT, json!({ "t": token, "a": answers }));
    assert_eq!(again["errors"][0]["extensions"]["code"], "REFUSED", "once per application: {again}");
    let after = server.raw(None, TRACK, json!({ "c": code, "n": nik }));
    assert!(after["data"]["trackApplication"]["surveyToken"].is_null(), "answered: {after}");

    let today = chrono::Utc::now().date_naive();
    let period = json!({ "f": today.pred_opt().expect("date"), "t": today.succ_opt().expect("date") });
    let index = server.as_user("kepala_dinas@bulukumba", INDEX, period)["satisfactionIndex"].clone();
    assert_eq!(index["responses"], 1, "{index}");
    // (4+4+3+4+3+4+4+3+4) / 9 × 25 = 33 / 9 × 25 = 91.67: A, Sangat Baik.
    let ikm = index["ikm"].as_f64().expect("ikm");
    assert!((ikm - 91.666_666).abs() < 1e-3, "{index}");
    assert_eq!((index["grade"].clone(), index["gradeLabel"].clone()), (json!("A"), json!("Sangat Baik")));
    assert_eq!(index["elements"][2]["mean"], 3.0);
    assert_eq!(index["suggestions"][0], "Ruang tunggu perlu kipas angin");
    // The report: PDF under the office's kop, XLSX with the same rows.
    let report =
        "query($f: NaiveDate!, $t: NaiveDate!, $x: ExportFormat!) { satisfactionReport(service: \"rekomendasi-sktm\",
        from: $f, to: $t, format: $x) { filename contentType base64 } }";
    let vars = |x: &str| json!({ "f": today.pred_opt().expect("date"), "t": today.succ_opt().expect("date"), "x": x });
    let pdf = server.as_user("kepala_dinas@bulukumba", report, vars("PDF"))["satisfactionReport"].clone();
    let text = pdf_extract::extract_text_from_mem(&crate::letters::decode(&pdf)).expect("text");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in
        ["Indeks Kepuasan Masyarakat", "PEMERINTAH KABUPATEN BULUKUMBA", "Waktu penyelesaian", "91,67", "Sangat Baik"]
    {
        assert!(text.contains(expected), "`{expected}` missing: {text}");
    }
    let xlsx = server.as_user("kepala_dinas@bulukumba", report, vars("XLSX"))["satisfactionReport"].clone();
    assert_eq!(&crate::letters::decode(&xlsx)[..4], b"PK\x03\x04");
    // Another office's staff cannot read Bulukumba's index.
    let other =
        "query($f: NaiveDate!, $t: NaiveDate!) { satisfactionIndex(service: \"rekomendasi-sktm\", from: $f, to: $t,
        tenant: \"bulukumba\") { responses } }";
    let (denied, _) = server.error_as("kepala_dinas@luwu-timur", other, json!({ "f": today, "t": today }));
    assert_eq!(denied, "FORBIDDEN");
}
