//! The letter archiver: the instance holding the `letter-archiver` lease renders and stores every signed letter
//! whose PDF is not archived yet — normally at once after the signing's commit (the request wakes it), and again
//! after a failure (the file store was down) with a wait that doubles from 2 s up to 30 s, so that every letter
//! signed during an outage is archived within a minute of the store's return, without anyone downloading it.
//! The work is driven from the database (`letters.sha256` still empty), so a crash or a restart loses nothing.

use std::time::Duration;

use chrono::Utc;

use crate::Shared;
use crate::lease::Lease;

/// Letters archived per round.
const BATCH: u64 = 16;
/// The wait after the first failure; it doubles with each failure.
const FIRST_RETRY: Duration = Duration::from_secs(2);
/// The longest wait between attempts: short enough that a letter is archived within a minute of the store's
/// return (a wait in progress, plus one round).
const LONGEST_RETRY: Duration = Duration::from_secs(30);

/// The wait before attempt `failures + 1`.
fn retry_after(failures: i32) -> Duration {
    let doubled = FIRST_RETRY.saturating_mul(1 << failures.clamp(0, 8));
    doubled.min(LONGEST_RETRY)
}

/// Archives until the process ends: a round when a signing on this instance committed, and every `every`.
pub async fn run(shared: Shared, every: Duration) {
    let mut lease = Lease::new("letter-archiver", every);
    loop {
        tokio::select! {
            _ = shared.archive_nudge.notified() => {}
            _ = tokio::time::sleep(every) => {}
        }
        if !lease.hold(&shared.store, Utc::now()).await {
            continue;
        }
        let system = shared.store.system_access();
        let due = match shared.store.due_unarchived_letters(&system, Utc::now(), BATCH).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "letters to archive not read; retried next round");
                continue;
            }
        };
        for letter in due {
            let (id, tenant, failures) = (letter.id, letter.tenant_id.clone(), letter.archive_attempts);
            let archived = async {
                let scope = shared.store.system_scope(&tenant).await?;
                crate::letters::archive(&shared, &scope, letter).await
            }
            .await;
            match archived {
                Ok(_) => tracing::info!(%tenant, letter = %id, "letter archived"),
                Err(error) => {
                    let wait = retry_after(failures);
                    let retry_at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                    tracing::warn!(%tenant, letter = %id, ?error, ?wait, "letter not archived yet; trying again");
                    if let Err(error) = shared.store.letter_archive_failed(&system, id, retry_at).await {
                        tracing::warn!(%error, letter = %id, "failed archiving attempt not recorded");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_thirty_seconds() {
        let waits: Vec<u64> = (0..7).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, vec![2, 4, 8, 16, 30, 30, 30]);
    }
}
