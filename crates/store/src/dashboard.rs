//! The figures of the Kepala Dinas's dashboard for a period, per service, for one office or a province's offices:
//! received, completed and open; how completed ones ended and how long they took; where the time went; the
//! complaints by status. Each figure is one indexed query over the columns and rows derived from the events as
//! they were written (`applications.ended_at`, `took_minutes`, `on_time`, `end_status`; `step_times`), so that
//! the dashboard reads no event and no state. Percentiles are taken in Rust from the completed rows' minutes
//! (SQLite has no percentile function), which the covering index hands over without reading the table.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use simpul_engine::EndStatus;
use simpul_engine::complaint::ComplaintStatus;

use crate::Store;
use crate::entities::{application, complaint, fact_check, step_time};
use crate::error::StoreResult;
use crate::scope::TenantScope;

/// The figures of one service in a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFigures {
    /// Applications submitted in the period.
    pub received: u64,
    /// Applications that ended in the period.
    pub completed: u64,
    /// Applications open at the period's end.
    pub open_at_end: u64,
    /// Completed ones by how they ended.
    pub ended: BTreeMap<EndStatus, u64>,
    /// Completed ones that had a deadline.
    pub timed: u64,
    /// … and kept it.
    pub on_time: u64,
    /// Office minutes each completed one took, sorted.
    pub minutes: Vec<i64>,
    /// Per step: how many completed ones passed through it and the office minutes they spent there in all.
    pub steps: BTreeMap<String, (u64, i64)>,
    /// Verifications in the period that recorded registry facts (actions and submissions with facts).
    pub fact_checks: u64,
    /// … of which at least one value was confirmed from a registry upload or source (Bangka's "tingkat
    /// pemanfaatan DTSEN dalam proses verifikasi").
    pub registry_checks: u64,
}

impl ServiceFigures {
    /// The `q` quantile (0–1) of the completion minutes, nearest rank; `None` without completed ones.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        if self.minutes.is_empty() {
            return None;
        }
        let rank = ((q * self.minutes.len() as f64).ceil() as usize).clamp(1, self.minutes.len());
        Some(self.minutes[rank - 1])
    }
}

/// The dashboard of a period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dashboard {
    /// Per office and service code.
    pub services: BTreeMap<(String, String), ServiceFigures>,
    /// Complaints received in the period, by where they stand now.
    pub complaints: BTreeMap<&'static str, u64>,
}

/// A completed application as the dashboard reads it: office, service, end status, minutes taken, on time.
type CompletedRow = (String, String, Option<String>, Option<i64>, Option<bool>);

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// The figures of `offices` for the period `[from, to)`.
    pub async fn dashboard(
        &self,
        offices: &[TenantScope],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<Dashboard> {
        use application::Column as A;
        let tenants: Vec<&str> = offices.iter().map(|s| s.tenant_id()).collect();
        let mut out = Dashboard::default();
        type Key = (String, String);
        let grouped = |rows: Vec<(String, String, i64)>| -> BTreeMap<Key, u64> {
            rows.into_iter().map(|(tenant, service, n)| ((tenant, service), count(n))).collect()
        };
        // COUNT(*), not COUNT(id): the indexes hold what the counts filter and group by, so that PostgreSQL
        // answers from them alone (id is not in them).
        let counted = |filter: sea_orm::Condition| {
            application::Entity::find()
                .select_only()
                .columns([A::TenantId, A::ServiceCode])
                .column_as(Expr::cust("COUNT(*)"), "n")
                .filter(A::TenantId.is_in(tenants.clone()))
                .filter(filter)
                .group_by(A::TenantId)
                .group_by(A::ServiceCode)
                .into_tuple::<(String, String, i64)>()
        };
        let received = grouped(
            counted(sea_orm::Condition::all().add(A::SubmittedAt.gte(from)).add(A::SubmittedAt.lt(to)))
                .all(self.lagging())
                .await?,
        );
        // Open at the period's end, without counting the whole history: open now (the partial index of open
        // applications; its condition must be written literally), plus those ended since `to`, minus those
        // received since (an application received after `to` that ended did so after it too).
        let open_now =
            grouped(counted(sea_orm::Condition::all().add(Expr::cust("stage <> 'ended'"))).all(self.lagging()).await?);
        let ended_since =
            grouped(counted(sea_orm::Condition::all().add(A::EndedAt.gte(to))).all(self.lagging()).await?);
        let received_since =
            grouped(counted(sea_orm::Condition::all().add(A::SubmittedAt.gte(to))).all(self.lagging()).await?);
        for (key, n) in received {
            out.services.entry(key).or_default().received = n;
        }
        let keys: std::collections::BTreeSet<&Key> = open_now.keys().chain(ended_since.keys()).collect();
        for key in keys {
            let get = |m: &BTreeMap<Key, u64>| m.get(key).copied().unwrap_or(0);
            let open = (get(&open_now) + get(&ended_since)).saturating_sub(get(&received_since));
            out.services.entry(key.clone()).or_default().open_at_end = open;
        }
        let completed: Vec<CompletedRow> = application::Entity::find()
            .select_only()
            .columns([A::TenantId, A::ServiceCode, A::EndStatus, A::TookMinutes, A::OnTime])
            .filter(A::TenantId.is_in(tenants.clone()))
            .filter(A::EndedAt.gte(from))
            .filter(A::EndedAt.lt(to))
            .into_tuple()
            .all(self.lagging())
            .await?;
        for (tenant, service, status, minutes, on_time) in completed {
            let figures = out.services.entry((tenant, service)).or_default();
            figures.completed += 1;
            if let Some(status) = status.as_deref().and_then(EndStatus::parse) {
                *figures.ended.entry(status).or_default() += 1;
            }
            if let Some(minutes) = minutes {
                figures.minutes.push(minutes);
            }
            if let Some(kept) = on_time {
                figures.timed += 1;
                figures.on_time += u64::from(kept);
            }
        }
        for figures in out.services.values_mut() {
            figures.minutes.sort_unstable();
        }
        use step_time::Column as S;
        let steps: Vec<(String, String, String, i64, i64)> = step_time::Entity::find()
            .select_only()
            .columns([S::TenantId, S::ServiceCode, S::Step])
            .column_as(Expr::cust("COUNT(*)"), "n")
            // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back, so that both databases answer an integer.
            .column_as(Expr::expr(Func::cast_as(Func::sum(Expr::col(S::Minutes)), Alias::new("BIGINT"))), "minutes")
            .filter(S::TenantId.is_in(tenants.clone()))
            .filter(S::EndedAt.gte(from))
            .filter(S::EndedAt.lt(to))
            .group_by(S::TenantId)
            .group_by(S::ServiceCode)
            .group_by(S::Step)
            .into_tuple()
            .all(self.lagging())
            .await?;
        for (tenant, service, step, n, minutes) in steps {
            out.services.entry((tenant, service)).or_default().steps.insert(step, (count(n), minutes));
        }
        use fact_check::Column as F;
        let checks: Vec<(String, String, i64, i64)> = fact_check::Entity::find()
            .select_only()
            .columns([F::TenantId, F::ServiceCode])
            .column_as(Expr::cust("COUNT(*)"), "n")
            .column_as(Expr::cust("SUM(CASE WHEN from_registry > 0 THEN 1 ELSE 0 END)"), "registry")
            .filter(F::TenantId.is_in(tenants.clone()))
            .filter(F::At.gte(from))
            .filter(F::At.lt(to))
            .group_by(F::TenantId)
            .group_by(F::ServiceCode)
            .into_tuple()
            .all(self.lagging())
            .await?;
        for (tenant, service, n, registry) in checks {
            let figures = out.services.entry((tenant, service)).or_default();
            figures.fact_checks = count(n);
            figures.registry_checks = count(registry);
        }
        use complaint::Column as C;
        let complaints: Vec<(String, i64)> = complaint::Entity::find()
            .select_only()
            .column(C::Status)
            .column_as(Expr::cust("COUNT(*)"), "n")
            .filter(C::TenantId.is_in(tenants))
            .filter(C::ReceivedAt.gte(from))
            .filter(C::ReceivedAt.lt(to))
            .group_by(C::Status)
            .into_tuple()
            .all(self.lagging())
            .await?;
        for (status, n) in complaints {
            if let Some(status) = ComplaintStatus::parse(&status) {
                out.complaints.insert(status.code(), count(n));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let f = ServiceFigures { minutes: (1..=10).collect(), ..ServiceFigures::default() };
        assert_eq!((f.quantile(0.5), f.quantile(0.9), f.quantile(1.0)), (Some(5), Some(9), Some(10)));
        assert_eq!(ServiceFigures::default().quantile(0.5), None);
    }
}
