//! Background tasks, supervised: each runs in a task of its own; one that panics (or returns, which none should)
//! is logged and started again after a pause that doubles up to 30 s, and `/readyz` names every task that is not
//! running. So one bad round of the outbox dispatcher cannot silently end the delivery of events.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// What a task is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Running.
    Running,
    /// Ended (a panic) and waiting to be started again.
    Restarting,
}

impl TaskState {
    /// As `/readyz` shows it.
    pub fn label(self) -> &'static str {
        match self {
            TaskState::Running => "running",
            TaskState::Restarting => "restarting",
        }
    }
}

/// A task's state and how often it was restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskStatus {
    /// What it is doing.
    pub state: TaskState,
    /// Restarts since the process started.
    pub restarts: u32,
}

/// The background tasks of this instance.
#[derive(Default)]
pub struct Supervisor {
    tasks: Mutex<BTreeMap<&'static str, TaskStatus>>,
}

/// The first pause before a restart; it doubles with each restart in a row.
const FIRST_PAUSE: Duration = Duration::from_secs(1);
/// The longest pause: a task that keeps failing is tried twice a minute.
const LONGEST_PAUSE: Duration = Duration::from_secs(30);
/// A task that ran this long before it failed starts again after the first pause.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

impl Supervisor {
    /// Runs the future `make` returns as task `name`, and again whenever it panics or returns.
    pub fn spawn<F, Fut>(self: &Arc<Self>, name: &'static str, make: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let supervisor = self.clone();
        supervisor.set(name, TaskState::Running, false);
        tokio::spawn(async move {
            let mut pause = FIRST_PAUSE;
            loop {
                let started = Instant::now();
                match tokio::spawn(make()).await {
                    Ok(()) => tracing::error!(task = name, "background task ended; starting it again"),
                    Err(error) if error.is_panic() => {
                        let panic = error.into_panic();
                        let message = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_default();
                        tracing::error!(task = name, panic = %message, "background task panicked; starting it again");
                    }
                    // Cancelled: the runtime is shutting down.
                    Err(_) => return,
                }
                if started.elapsed() >= HEALTHY_RUN {
                    pause = FIRST_PAUSE;
                }
                supervisor.set(name, TaskState::Restarting, false);
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(LONGEST_PAUSE);
                supervisor.set(name, TaskState::Running, true);
            }
        });
    }

    fn set(&self, name: &'static str, state: TaskState, restarted: bool) {
        if let Ok(mut tasks) = self.tasks.lock() {
            let status = tasks.entry(name).or_insert(TaskStatus { state, restarts: 0 });
            status.state = state;
            if restarted {
                status.restarts += 1;
            }
        }
    }

    /// Every task and its status.
    pub fn statuses(&self) -> BTreeMap<&'static str, TaskStatus> {
        self.tasks.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_reported_and_started_again() {
        let supervisor = Arc::new(Supervisor::default());
        let runs = Arc::new(AtomicU32::new(0));
        let counted = runs.clone();
        supervisor.spawn("flaky", move || {
            let runs = counted.clone();
            async move {
                if runs.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("first round fails");
                }
                std::future::pending::<()>().await;
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(supervisor.statuses()["flaky"], TaskStatus { state: TaskState::Restarting, restarts: 0 });
        tokio::time::sleep(FIRST_PAUSE + Duration::from_millis(10)).await;
        assert_eq!(supervisor.statuses()["flaky"], TaskStatus { state: TaskState::Running, restarts: 1 });
        assert_eq!(runs.load(Ordering::SeqCst), 2, "started again after the pause");
    }
}
