//! A tenant's working time: time zone, office hours and days off, and the arithmetic of office minutes and
//! working days on it.
//!
//! Rules (DOMAIN.md): a limit in minutes or hours counts *office* minutes — the clock runs only while the office
//! is open; a limit in working days ends at the close of office on the Nth working day after the day the clock
//! starts. Working days are the days with office hours that are not national holidays, cuti bersama or the
//! tenant's own days off.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use simpul_definitions::model::{Calendar, DurationUnit, Tenant};

/// How far ahead the arithmetic looks for a working day before giving up (a calendar with no working days).
const MAX_DAYS_AHEAD: i64 = 3660;

/// Month names in Bahasa Indonesia.
const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// A date as Indonesians write it: "23 November 2026".
pub fn date_words(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

/// Why a calendar could not be built from a tenant's files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The tenant's time zone is not an IANA name.
    #[error("unknown time zone `{0}`")]
    TimeZone(String),
    /// No day of the week has office hours.
    #[error("the office has no opening hours")]
    NoOfficeHours,
}

/// The working time of one tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkCalendar {
    zone: Tz,
    /// Opening and closing time per weekday, Monday first.
    hours: [Option<(NaiveTime, NaiveTime)>; 7],
    days_off: BTreeSet<NaiveDate>,
    /// Share of a deadline's time after which it is "nearing", in percent.
    pub nearing_percent: u8,
}

impl WorkCalendar {
    /// The calendar of `tenant`: its zone and hours, the shared calendar's days off and its own.
    pub fn for_tenant(tenant: &Tenant, shared: Option<&Calendar>) -> Result<Self, CalendarError> {
        let zone: Tz = tenant.time_zone.parse().map_err(|_| CalendarError::TimeZone(tenant.time_zone.clone()))?;
        let mut hours = [None; 7];
        for block in &tenant.office_hours {
            for day in &block.days {
                hours[day.to_chrono().num_days_from_monday() as usize] = Some((block.open, block.close));
            }
        }
        let days_off = shared.into_iter().flat_map(|c| &c.days_off).chain(&tenant.days_off).map(|d| d.date).collect();
        let mut calendar = Self::new(zone, hours, days_off)?;
        calendar.nearing_percent = tenant.nearing_percent;
        Ok(calendar)
    }

    /// A calendar from its parts; `hours` is Monday first.
    pub fn new(
        zone: Tz,
        hours: [Option<(NaiveTime, NaiveTime)>; 7],
        days_off: BTreeSet<NaiveDate>,
    ) -> Result<Self, CalendarError> {
        if hours.iter().all(|h| h.is_none_or(|(open, close)| close <= open)) {
            return Err(CalendarError::NoOfficeHours);
        }
        Ok(WorkCalendar { zone, hours, days_off, nearing_percent: 80 })
    }

    /// The tenant's time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.zone).date_naive()
    }

    /// The instant a local date begins (midnight in the tenant's zone), for periods given as dates.
    pub fn start_of_day(&self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        self.zone
            .from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
    }

    /// Opening and closing time on `date`, if it is a working day.
    pub fn office_hours(&self, date: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
        if self.days_off.contains(&date) {
            return None;
        }
        self.hours[date.weekday().num_days_from_monday() as usize].filter(|(open, close)| close > open)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.office_hours(date).is_some()
    }

    fn instant(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = NaiveDateTime::new(date, time);
        // Indonesia has no daylight saving time, so a local time is never ambiguous or skipped; `earliest`
        // still gives a sane answer for any zone.
        self.zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| Utc.from_utc_datetime(&local), |t| t.with_timezone(&Utc))
    }

    /// The office interval of `date` as instants, if it is a working day.
    fn interval(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.office_hours(date).map(|(open, close)| (self.instant(date, open), self.instant(date, close)))
    }

    /// The instant `minutes` office minutes after `start`. Time outside office hours does not count; zero
    /// minutes is `start` itself.
    pub fn add_office_minutes(&self, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        if minutes <= 0 {
            return start;
        }
        let mut left = Duration::minutes(minutes);
        let mut date = self.local_date(start);
        for _ in 0..MAX_DAYS_AHEAD {
            if let Some((open, close)) = self.interval(date) {
                let from = start.max(open);
                if from < close {
                    let available = close - from;
                    if left <= available {
                        return from + left;
                    }
                    left -= available;
                }
            }
            date = date.succ_opt().unwrap_or(date);
        }
        start + left
    }

    /// Office minutes between two instants (zero if `to` is not after `from`).
    pub fn office_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = Duration::zero();
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        while date <= last {
            if let Some((open, close)) = self.interval(date) {
                let a = from.max(open);
                let b = to.min(close);
                if b > a {
                    total += b - a;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total.num_minutes()
    }

    /// The close of office on the `days`-th working day after the local day of `start`.
    pub fn add_working_days(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let mut date = self.local_date(start);
        let mut counted = 0;
        for _ in 0..MAX_DAYS_AHEAD {
            if counted == days {
                break;
            }
            date = date.succ_opt().unwrap_or(date);
            if self.is_working_day(date) {
                counted += 1;
            }
        }
        match self.interval(date) {
            Some((_, close)) => close,
            // Zero days from a day off: the end of the next working day.
            None => self.add_working_days(start + Duration::days(1), 0),
        }
    }

    /// When a span of `value` units that starts at `start` ends.
    pub fn due(&self, start: DateTime<Utc>, value: u32, unit: DurationUnit) -> DateTime<Utc> {
        match unit {
            DurationUnit::Menit => self.add_office_minutes(start, i64::from(value)),
            DurationUnit::Jam => self.add_office_minutes(start, i64::from(value) * 60),
            DurationUnit::HariKerja => self.add_working_days(start, value),
        }
    }
}
