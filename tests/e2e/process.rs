//! Helper servers a test starts and stops itself (s3s-fs, redis-server), to show what happens when they go away.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A port nobody listens on.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("addr").port()
}

/// A running helper server, stopped when dropped.
pub struct Listening(Child);

impl Listening {
    /// Starts `program` with `args` and waits until it listens on `port`. Returns None (the test is skipped) only
    /// when the program is not installed and the environment variable `required_by` is unset; CI sets it.
    pub fn start(program: &str, args: &[&str], port: u16, required_by: &str) -> Option<Self> {
        let spawned = Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
        let child = match spawned {
            Ok(child) => Listening(child),
            Err(error) => {
                assert!(std::env::var(required_by).is_err(), "{required_by} is set but {program} is missing: {error}");
                eprintln!("{program} not installed: test skipped");
                return None;
            }
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(child);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{program} did not start on port {port}");
    }

    /// Stops it (killed, as a crash would).
    pub fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop();
    }
}
