//! Limits on attempts that guess a secret: passwords, and the NIK that goes with a tracking code. Each attempt is
//! counted *before* the secret is checked, so that no number of concurrent requests gets more checks than the
//! limit allows; an attempt that succeeds is taken back where only failures should count. The counts live in the
//! shared state (Redis, so that every instance sees them) with [`LocalCounters`] as this process's fallback.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A limit: at most `max` attempts of one kind per key within `window`, counted from the first attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Part of the counter's key, e.g. `login-user`.
    pub name: &'static str,
    /// Attempts allowed in a window.
    pub max: u32,
    /// How long a count lasts after its first attempt.
    pub window: Duration,
    /// What the refused caller is told.
    pub message: &'static str,
}

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);

/// Wrong passwords checked per username: five in fifteen minutes (OWASP's authentication advice) — enough for
/// an officer who mistypes, far too few to guess a password. A success resets the count.
pub const LOGIN_PER_USER: Limit = Limit {
    name: "login-user",
    max: 5,
    window: FIFTEEN_MINUTES,
    message: "Terlalu banyak percobaan masuk yang gagal; coba lagi 15 menit lagi",
};

/// Failed logins checked per client address, whatever the usernames: slows password spraying (one password tried
/// against many accounts). Thirty leaves room for an office whose officers share one address behind a NAT; a
/// success is not counted.
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    name: "login-address",
    max: 30,
    window: FIFTEEN_MINUTES,
    message: "Terlalu banyak percobaan masuk yang gagal dari alamat ini; coba lagi 15 menit lagi",
};

/// Wrong NIKs checked per tracking code: five in fifteen minutes, so that a code found on a lost receipt cannot
/// be used to learn the applicant's NIK digit by digit. A success is not counted.
pub const TRACK_PER_CODE: Limit = Limit {
    name: "track-code",
    max: 5,
    window: FIFTEEN_MINUTES,
    message: "Terlalu banyak percobaan untuk kode pelacakan ini; coba lagi 15 menit lagi",
};

/// Tracking requests per client address, found or not: sixty in fifteen minutes is more than a person checking
/// their applications needs, and far too few to search the space of tracking codes.
pub const TRACK_PER_ADDRESS: Limit = Limit {
    name: "track-address",
    max: 60,
    window: FIFTEEN_MINUTES,
    message: "Terlalu banyak permintaan pelacakan dari alamat ini; coba lagi 15 menit lagi",
};

/// What a success does to a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forgive {
    /// Forget the count (a user who got in is not a guesser).
    Reset,
    /// Take back this attempt only (the count is of failures).
    One,
}

/// How many keys this process keeps before it forgets expired ones: bounds the memory a flood of made-up
/// usernames can take.
const SWEEP_AT: usize = 10_000;

/// One count: attempts, when the first was made, and how long it lasts.
type Count = (u32, Instant, Duration);

/// Attempt counts held by this process, when Redis is off or down.
#[derive(Default)]
pub struct LocalCounters {
    /// By limit name and key.
    counts: Mutex<HashMap<(&'static str, String), Count>>,
}

impl LocalCounters {
    /// Counts an attempt; false when the limit is reached (the attempt must not be made).
    pub fn attempt(&self, limit: &Limit, key: &str) -> bool {
        let Ok(mut counts) = self.counts.lock() else { return false };
        let now = Instant::now();
        if counts.len() >= SWEEP_AT {
            counts.retain(|_, (_, since, window)| now.duration_since(*since) < *window);
        }
        let entry = counts.entry((limit.name, key.to_string())).or_insert((0, now, limit.window));
        if now.duration_since(entry.1) >= limit.window {
            *entry = (0, now, limit.window);
        }
        entry.0 = entry.0.saturating_add(1);
        entry.0 <= limit.max
    }

    /// Takes back a successful attempt.
    pub fn forgive(&self, limit: &Limit, key: &str, how: Forgive) {
        let Ok(mut counts) = self.counts.lock() else { return };
        let id = (limit.name, key.to_string());
        match how {
            Forgive::Reset => {
                counts.remove(&id);
            }
            Forgive::One => {
                if let Some(entry) = counts.get_mut(&id) {
                    entry.0 = entry.0.saturating_sub(1);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_counted_before_the_check_and_successes_taken_back() {
        let counters = LocalCounters::default();
        for _ in 0..5 {
            assert!(counters.attempt(&LOGIN_PER_USER, "a"));
        }
        assert!(!counters.attempt(&LOGIN_PER_USER, "a"), "the sixth attempt is never checked");
        assert!(counters.attempt(&LOGIN_PER_USER, "b"), "another username has its own count");
        counters.forgive(&LOGIN_PER_USER, "a", Forgive::Reset);
        assert!(counters.attempt(&LOGIN_PER_USER, "a"));

        for _ in 0..5 {
            assert!(counters.attempt(&TRACK_PER_CODE, "X"));
            counters.forgive(&TRACK_PER_CODE, "X", Forgive::One);
        }
        assert!(counters.attempt(&TRACK_PER_CODE, "X"), "successes do not use up the limit");
    }
}
