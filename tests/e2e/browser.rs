//! A real Chromium, driven over WebDriver (Debian's `chromium` and `chromium-driver`), for the console's tests.
//!
//! Locally a machine without chromedriver skips the browser tests with a message; CI (`SIMPUL_CI`,
//! set by `.ci/run`) always runs them, and fails when the browser is missing.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// A chromedriver process and a headless Chromium session on it, at an office PC's screen size.
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// Whether pages run their script; without it, the console's forms must work as plain HTML.
    pub javascript: bool,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// The chromedriver to use: `CHROMEDRIVER`, else Debian's.
fn chromedriver() -> Option<PathBuf> {
    let path =
        std::env::var_os("CHROMEDRIVER").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    path.exists().then_some(path)
}

/// A browser for the console at `base`; `None` (with a message) when this machine has no chromedriver and the
/// run does not require one.
pub async fn open(base: &str) -> Option<Browser> {
    open_with(base, true).await
}

/// A browser that runs no page script (Chromium's content setting, as an officer who switched JavaScript off
/// or whose browser failed to load the script), for the core flows that must work as plain HTML. WebDriver's
/// own scripts still run, so the tests can look at the page.
pub async fn open_without_javascript(base: &str) -> Option<Browser> {
    open_with(base, false).await
}

async fn open_with(base: &str, javascript: bool) -> Option<Browser> {
    let Some(driver_path) = chromedriver() else {
        assert!(
            std::env::var_os("SIMPUL_CI").is_none(),
            "SIMPUL_CI is set but no chromedriver was found (install chromium and chromium-driver)"
        );
        eprintln!(
            "SKIPPED: the console's browser tests need chromedriver (apt-get install chromium chromium-driver); \
             none at /usr/bin/chromedriver or $CHROMEDRIVER"
        );
        return None;
    };
    let port = free_port();
    let driver = Command::new(driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while ureq::get(&format!("{url}/status")).call().is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut capabilities = serde_json::Map::new();
    // Chromium's own traffic (updates, sync, QUIC probes) off: on a machine without internet its refused
    // connections otherwise crowd out the page's own, which then fail as refused too.
    let mut args = vec![
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1366,768",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];
    args.push("--lang=id");
    let mut options = json!({ "args": args });
    if !javascript {
        options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    capabilities.insert(String::from("goog:chromeOptions"), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client =
        ClientBuilder::new(connector).capabilities(capabilities).connect(&url).await.expect("a browser session");
    Some(Browser { client, base: base.to_string(), javascript, driver })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Browser {
    /// Opens a page of the console.
    pub async fn go(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.expect("page opens");
    }

    /// The visible text of the page's main part.
    pub async fn main_text(&self) -> String {
        self.client.find(Locator::Css("main")).await.expect("main").text().await.expect("text")
    }

    /// The path of the page shown.
    pub async fn path(&self) -> String {
        self.client.current_url().await.expect("url").path().to_string()
    }

    /// Signs in as a demo user by the login page's button for them.
    pub async fn sign_in(&self, username: &str) {
        self.go("/masuk").await;
        self.submit_and_wait(&format!("button[data-user='{username}']"), false).await;
    }

    /// Signs in with a username and password typed into the login form.
    pub async fn sign_in_with(&self, username: &str, password: &str) {
        self.go("/masuk").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.submit_and_wait("form.kartu button[type='submit']", false).await;
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) {
        self.submit_and_wait("form.keluar button", false).await;
    }

    /// Clicks what `css` finds.
    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// Clicks the link whose text is `text`.
    pub async fn click_link(&self, text: &str) {
        self.client
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("link {text}: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// Types into the input `css` finds.
    pub async fn fill(&self, css: &str, text: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
        element.clear().await.expect("clear");
        element.send_keys(text).await.expect("typing");
    }

    /// Whether `css` finds anything.
    pub async fn has(&self, css: &str) -> bool {
        !self.client.find_all(Locator::Css(css)).await.expect("query").is_empty()
    }

    /// Waits (up to 10 s) until `css` finds something.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"));
    }

    /// Writes a screenshot of the page to `target/console-screenshots/<name>.png` (`tanpa-js-<name>.png` from a
    /// browser without script), for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        let name = if self.javascript { name.to_string() } else { format!("tanpa-js-{name}") };
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }

    /// Takes the action `code` of the application page shown: ticks `checks`, sets `facts` (radio or input),
    /// writes `note`, confirms when asked (the script's dialog, or without script the page's own "saya yakin"
    /// box), and submits.
    pub async fn act(&self, code: &str, checks: &[&str], facts: &[(&str, &str)], note: Option<&str>) {
        let form = format!("form#tindakan-{code}");
        for item in checks {
            self.click(&format!("{form} input[name='checklist'][value='{item}']")).await;
        }
        for (fact, value) in facts {
            let radio = format!("{form} input[name='facts.{fact}'][value='{value}']");
            if self.has(&radio).await {
                self.click(&radio).await;
            } else {
                self.fill(&format!("{form} input[name='facts.{fact}']"), value).await;
            }
        }
        if let Some(note) = note {
            self.fill(&format!("{form} textarea[name='note']"), note).await;
        }
        let confirms = self.has(&format!("{form}[data-konfirmasi]")).await;
        if confirms && !self.javascript {
            self.click(&format!("{form} input[name='yakin']")).await;
        }
        self.submit_and_wait(&format!("{form} button[type='submit']"), confirms && self.javascript).await;
    }

    /// Clicks the submit button `css` finds (accepting the confirmation when one is asked) and waits until the
    /// next page has replaced this one.
    pub async fn submit_and_wait(&self, css: &str, confirms: bool) {
        // The page's script attaches its handlers (the confirmation among them) once the page has loaded.
        self.loaded().await;
        let old = self.client.find(Locator::Css("html")).await.expect("the page");
        self.click(css).await;
        if confirms {
            self.client.accept_alert().await.expect("the confirmation is asked");
        }
        let started = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(started.elapsed() < Duration::from_secs(15), "the form's answer did not come");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.wait_for("main").await;
        self.loaded().await;
    }

    /// Presses Tab until the element `css` finds has the focus (at most 80 times), as a keyboard user reaches it.
    pub async fn tab_to(&self, css: &str) {
        let tab = char::from(fantoccini::key::Key::Tab).to_string();
        for _ in 0..80 {
            let focused = self
                .client
                .execute("return document.activeElement.matches(arguments[0])", vec![json!(css)])
                .await
                .expect("focus");
            if focused == json!(true) {
                return;
            }
            self.client.active_element().await.expect("the focused element").send_keys(&tab).await.expect("Tab");
        }
        panic!("{css} cannot be reached with the Tab key");
    }

    /// Types `text` (keys included) into whatever has the focus.
    pub async fn type_keys(&self, text: &str) {
        self.client.active_element().await.expect("the focused element").send_keys(text).await.expect("typing");
    }

    /// Presses Enter on what has the focus and waits until the next page has replaced this one.
    pub async fn enter_and_wait(&self) {
        self.loaded().await;
        let old = self.client.find(Locator::Css("html")).await.expect("the page");
        self.type_keys(&char::from(fantoccini::key::Key::Enter).to_string()).await;
        let started = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(started.elapsed() < Duration::from_secs(15), "Enter led nowhere");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.wait_for("main").await;
        self.loaded().await;
    }

    /// What keeps the page shown from being read or used by everyone (WCAG 2.1 AA, as far as a script can tell):
    /// an input, select or textarea without a label; a button without a name; an image without alt text; text
    /// whose contrast with its background is under 4.5:1 (3:1 for large text); a page wider than the window.
    pub async fn barriers(&self) -> Vec<String> {
        let found = self.client.execute(AUDIT, vec![]).await.expect("the audit runs");
        serde_json::from_value(found).expect("a list")
    }

    /// Waits (up to 10 s) until the page and its script have loaded.
    pub async fn loaded(&self) {
        let started = Instant::now();
        loop {
            let state = self.client.execute("return document.readyState", vec![]).await.unwrap_or_default();
            if state == "complete" {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "the page did not finish loading");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The page audit of [`Browser::barriers`], run in the page.
const AUDIT: &str = r#"
const problems = [];
const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '');
const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden'
  && !el.closest('.tersembunyi, .lewati');
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (['hidden', 'submit', 'button'].includes(el.type) || !shown(el)) continue;
  if (el.labels.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    problems.push('no label: ' + describe(el));
}
for (const el of document.querySelectorAll('button')) {
  if (shown(el) && !el.textContent.trim() && !el.getAttribute('aria-label')) problems.push('button without a name: ' + describe(el));
}
for (const el of document.querySelectorAll('img')) {
  if (!el.hasAttribute('alt')) problems.push('image without alt: ' + el.src);
}
const rgba = (s) => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map(parseFloat); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const background = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let out = [255, 255, 255];
  for (let i = layers.length - 1; i >= 0; i--) {
    const [r, g, b, a] = layers[i];
    out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
  }
  return out;
};
const luminance = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255;
  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
for (const el of document.querySelectorAll('body *')) {
  if (['SCRIPT', 'STYLE', 'OPTION'].includes(el.tagName) || !shown(el)) continue;
  const text = Array.from(el.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
  if (!text) continue;
  const style = getComputedStyle(el);
  const back = background(el);
  const fore = rgba(style.color);
  const a = fore[3];
  const blended = [fore[0] * a + back[0] * (1 - a), fore[1] * a + back[1] * (1 - a), fore[2] * a + back[2] * (1 - a)];
  const [l1, l2] = [luminance(blended), luminance(back)].sort((x, y) => y - x);
  const ratio = (l1 + 0.05) / (l2 + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
  if (ratio < (large ? 3 : 4.5))
    problems.push('contrast ' + ratio.toFixed(2) + ':1 of "' + text.slice(0, 40) + '" (' + describe(el) + ')');
}
if (document.documentElement.scrollWidth > window.innerWidth + 1)
  problems.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a window of ' + window.innerWidth);
return problems;
"#;
