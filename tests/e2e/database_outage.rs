//! PostgreSQL goes away while the office works, behind a TCP proxy the test controls: first it refuses (every
//! connection closed at once), then it silently drops everything (connections stay open, no byte arrives). In
//! both cases a signed-in request answers within 5 s with UNAVAILABLE and a plain message — never
//! UNAUTHENTICATED —, the public page answers 503 saying so, `/readyz` answers within 2 s, the outage is logged
//! as an ERROR once, and everything works again when the database is back. PostgreSQL only
//! (`TEST_DATABASE_URL`); SQLite is a file of the server's own.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::hardening::send;
use super::server::{Server, fresh_database, start_on_postgres};

/// What the proxy does with traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Mode {
    Forward = 0,
    /// Closes every connection and each new one at once, as a stopped server's host does.
    Refuse = 1,
    /// Keeps connections open and forwards nothing, as a network that drops packets does (what was sent arrives
    /// once it forwards again, as TCP would retransmit it).
    Drop = 2,
}

/// A TCP proxy in front of PostgreSQL.
struct Proxy {
    port: u16,
    mode: Arc<AtomicU8>,
    connections: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(upstream: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let mode = Arc::new(AtomicU8::new(Mode::Forward as u8));
        let connections: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (accept_mode, accepted) = (mode.clone(), connections.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                match accept_mode.load(Ordering::SeqCst) {
                    m if m == Mode::Refuse as u8 => drop(client),
                    _ => {
                        let Ok(server) = TcpStream::connect(&upstream) else { continue };
                        if let Ok(mut list) = accepted.lock() {
                            list.extend(client.try_clone().ok());
                            list.extend(server.try_clone().ok());
                        }
                        pump(
                            client.try_clone().expect("clone"),
                            server.try_clone().expect("clone"),
                            accept_mode.clone(),
                        );
                        pump(server, client, accept_mode.clone());
                    }
                }
            }
        });
        Proxy { port, mode, connections }
    }

    fn set(&self, mode: Mode) {
        self.mode.store(mode as u8, Ordering::SeqCst);
        if mode == Mode::Refuse
            && let Ok(mut list) = self.connections.lock()
        {
            for stream in list.drain(..) {
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        }
    }
}

/// Copies `from` to `to` while forwarding; holds everything back while dropping.
fn pump(mut from: TcpStream, mut to: TcpStream, mode: Arc<AtomicU8>) {
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            if mode.load(Ordering::SeqCst) == Mode::Drop as u8 {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            let _ = from.set_read_timeout(Some(Duration::from_millis(50)));
            let n = match from.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => continue,
                Err(_) => break,
            };
            if to.write_all(&buffer[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(std::net::Shutdown::Both);
    });
}

const INBOX: &str = "{ inbox(first: 5) { edges { node { id } } } }";

/// A signed-in request during the outage: UNAVAILABLE with the plain message, within 5 s.
fn assert_unavailable(server: &Server, token: &str, what: &str) {
    let started = Instant::now();
    let response = server.raw(Some(token), INBOX, json!({}));
    let took = started.elapsed();
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], "UNAVAILABLE", "{what}: {response}");
    assert_eq!(error["message"], "Basis data tidak dapat dihubungi; coba beberapa saat lagi", "{what}");
    assert!(took < Duration::from_secs(5), "{what}: answered after {took:?}");
}

fn assert_public_page_says_so(server: &Server, what: &str) {
    let page = send("GET", &format!("http://{}/t/bulukumba", server.address), &[], None);
    assert_eq!(page.status, 503, "{what}");
    assert!(String::from_utf8_lossy(&page.body).contains("Basis data tidak dapat dihubungi"), "{what}");
}

fn assert_not_ready_within_two_seconds(server: &Server, what: &str) {
    let started = Instant::now();
    let (status, ready) = server.readyz();
    assert!(started.elapsed() < Duration::from_secs(2), "{what}: /readyz took {:?}", started.elapsed());
    assert_eq!((status, &ready["database"]), (503, &json!("unreachable")), "{what}: {ready}");
}

fn wait_until_working(server: &Server, token: &str, what: &str) {
    let started = Instant::now();
    loop {
        let response = server.raw(Some(token), INBOX, json!({}));
        if response.get("errors").is_none() {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{what}: still failing: {response}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn outage_errors(server: &Server) -> Vec<String> {
    server.log().lines().filter(|l| l.contains(" ERROR ")).map(String::from).collect()
}

#[test]
fn a_database_that_refuses_or_goes_silent_is_reported_plainly_and_quickly() {
    let Some((admin, name, url)) = fresh_database() else {
        eprintln!("TEST_DATABASE_URL not set: the database outage test needs PostgreSQL; skipped");
        return;
    };
    let (prefix, rest) = url.split_once("://").expect("url");
    let (authority, path) = rest.split_once('/').expect("path");
    let (user, host) = authority.rsplit_once('@').map_or(("", authority), |(u, h)| (u, h));
    let upstream = if host.contains(':') { host.to_string() } else { format!("{host}:5432") };
    let proxy = Proxy::start(upstream);
    let at = if user.is_empty() { String::new() } else { format!("{user}@") };
    let proxied = format!("{prefix}://{at}127.0.0.1:{}/{path}", proxy.port);
    let server = start_on_postgres("postgres+proxy", admin, name, proxied);
    let (token, _) = server.login("petugas_layanan@bulukumba");
    wait_until_working(&server, &token, "before");

    for (mode, what) in [(Mode::Refuse, "refused"), (Mode::Drop, "silently dropped")] {
        let errors_before = outage_errors(&server).len();
        proxy.set(mode);
        assert_unavailable(&server, &token, what);
        assert_unavailable(&server, &token, what);
        assert_public_page_says_so(&server, what);
        assert_not_ready_within_two_seconds(&server, what);
        // The outage is logged once, as an ERROR, however many requests met it.
        std::thread::sleep(Duration::from_secs(2));
        let errors = outage_errors(&server);
        let new: Vec<&String> = errors[errors_before..].iter().collect();
        assert_eq!(new.len(), 1, "{what}: {new:#?}");
        assert!(new[0].contains("database unreachable"), "{what}: {new:#?}");

        proxy.set(Mode::Forward);
        wait_until_working(&server, &token, what);
        assert_eq!(send("GET", &format!("http://{}/t/bulukumba", server.address), &[], None).status, 200);
    }
}
