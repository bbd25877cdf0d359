//! Deadlines from office hours, working days and the 2026 calendar, with concrete dates.

use pretty_assertions::assert_eq;
use simpul_definitions::model::{Duration as Limit, DurationUnit};
use simpul_engine::{Deadline, DeadlineState};

use super::support::{Run, form, office, poor_and_registered, wib, wita};

#[test]
fn oku_selatan_sktm_confirmed_on_17_march_is_due_at_close_of_office_on_26_march() {
    // Requirements confirmed complete on Tuesday 17 March 2026 at 10:00 WIB. The 18th, 20th, 23rd and 24th are
    // cuti bersama, the 19th is Nyepi, the 21st–22nd Idul Fitri on a weekend: the 2 working days are the 25th
    // and the 26th.
    let mut run = Run::new("oku-selatan", "sktm", wib(2026, 3, 17, 9, 30));
    run.submit(form("oku-selatan/sktm")).expect("submitted");
    assert_eq!(run.state().clocks.service, None, "the clock starts only once the requirements are complete");
    run.now = wib(2026, 3, 17, 10, 0);
    run.walk(&["lengkap"]);
    let service = run.state().clocks.service.expect("clock started");
    assert_eq!(service.started_at, wib(2026, 3, 17, 10, 0));
    assert_eq!(service.due_at, wib(2026, 3, 26, 16, 0));
}

#[test]
fn n_working_days_end_at_close_of_office_on_the_nth_working_day_after_the_start() {
    let cal = &office("oku-selatan").calendar;
    // Friday 16:30 (after closing) + 1 working day → Monday close.
    assert_eq!(cal.add_working_days(wib(2026, 4, 10, 16, 30), 1), wib(2026, 4, 13, 16, 0));
    // Wednesday + 2 → Friday, but 1 May is Hari Buruh: Thursday 30 April + 2 → Monday 4 May.
    assert_eq!(cal.add_working_days(wib(2026, 4, 30, 9, 0), 2), wib(2026, 5, 5, 16, 0));
    // 5 working days from Tuesday 12 May: 13, (14 Kenaikan, 15 cuti bersama), 18, 19, 20, 21.
    assert_eq!(cal.add_working_days(wib(2026, 5, 12, 11, 0), 5), wib(2026, 5, 21, 16, 0));
}

#[test]
fn bulukumba_sktm_started_at_1550_is_due_twenty_office_minutes_into_the_next_working_day() {
    let cal = &office("bulukumba").calendar;
    // Wednesday 22 April 2026, 15:50 WITA; the office closes at 16:00: 10 minutes today, 20 tomorrow.
    let deadline = Deadline::start(cal, wita(2026, 4, 22, 15, 50), Limit { value: 30, unit: DurationUnit::Menit });
    assert_eq!(deadline.due_at, wita(2026, 4, 23, 8, 20));
    // On a Friday the rest falls on Monday.
    assert_eq!(cal.add_office_minutes(wita(2026, 4, 24, 15, 50), 30), wita(2026, 4, 27, 8, 20));
    // Before opening, the clock waits for the office.
    assert_eq!(cal.add_office_minutes(wita(2026, 4, 22, 6, 0), 30), wita(2026, 4, 22, 8, 30));
    // Hours count office hours too: 10 hours from 14:00 → 8 hours of the next day's 8… 2 + 8 = 10 → 16:00.
    assert_eq!(cal.due(wita(2026, 4, 22, 14, 0), 10, DurationUnit::Jam), wita(2026, 4, 23, 16, 0));
}

#[test]
fn a_bulukumba_application_submitted_late_carries_its_service_deadline_to_the_next_morning() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 15, 50));
    run.submit(form("bulukumba/rekomendasi-sktm")).expect("submitted");
    let state = run.state();
    assert_eq!(state.clocks.service.map(|d| d.due_at), Some(wita(2026, 4, 23, 8, 20)));
    // The first step has 3 minutes.
    assert_eq!(state.clocks.step.map(|d| d.due_at), Some(wita(2026, 4, 22, 15, 53)));
}

#[test]
fn deadlines_are_on_time_then_nearing_at_80_percent_then_overdue() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    run.submit(form("bulukumba/rekomendasi-sktm")).expect("submitted");
    let cal = &run.office.calendar;
    let at = |h, m| run.state().deadlines(cal, wita(2026, 4, 22, h, m)).service.expect("service clock");
    assert_eq!((at(9, 10).state, at(9, 10).used_minutes), (DeadlineState::OnTime, 10));
    assert_eq!((at(9, 23).state, at(9, 23).used_minutes), (DeadlineState::OnTime, 23));
    assert_eq!((at(9, 24).state, at(9, 24).used_minutes), (DeadlineState::Nearing, 24));
    assert_eq!(at(9, 31).state, DeadlineState::Overdue);
    assert_eq!(at(9, 31).budget_minutes, 30);
}

#[test]
fn time_used_on_a_working_day_deadline_is_counted_in_office_minutes() {
    let mut run = Run::new("oku-selatan", "sktm", wib(2026, 4, 6, 9, 0));
    run.facts = poor_and_registered();
    run.submit(form("oku-selatan/sktm")).expect("submitted");
    run.walk(&["lengkap"]);
    let started = run.state().clocks.service.expect("clock");
    assert_eq!(started.due_at, wib(2026, 4, 8, 16, 0), "Monday 6 April + 2 working days");
    assert_eq!(started.budget_minutes, 7 * 60 + 2 * 8 * 60, "Mon 09:00–16:00, Tue and Wed whole days");
    let cal = &run.office.calendar;
    let status = run.state().deadlines(cal, wib(2026, 4, 7, 12, 0)).service.expect("status");
    assert_eq!(status.used_minutes, 7 * 60 + 4 * 60, "Mon 09:00–16:00 and Tue 08:00–12:00");
    assert_eq!(status.state, DeadlineState::OnTime);
    let late = run.state().deadlines(cal, wib(2026, 4, 8, 15, 0)).service.expect("status");
    assert_eq!(late.state, DeadlineState::Nearing);
    let over = run.state().deadlines(cal, wib(2026, 4, 9, 8, 1)).service.expect("status");
    assert_eq!(over.state, DeadlineState::Overdue);
}

#[test]
fn returning_to_the_applicant_stops_the_clock_and_resubmission_extends_the_deadlines() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    run.submit(form("bulukumba/rekomendasi-sktm")).expect("submitted");
    run.wait(3);
    run.walk(&["terima"]);
    run.wait(2);
    run.walk(&["belum_lengkap"]);
    let state = run.state().clone();
    assert_eq!(state.clocks.suspended_at, Some(wita(2026, 4, 22, 9, 5)));
    assert_eq!(state.missing, vec!["ktp_kk"]);
    let cal = &run.office.calendar;
    // While waiting, time stands still: five minutes used however long the applicant takes.
    let waiting = state.deadlines(cal, wita(2026, 4, 23, 11, 0)).service.expect("service");
    assert_eq!((waiting.used_minutes, waiting.state), (5, DeadlineState::OnTime));
    // The applicant comes back the next day at 10:00: 6h55 + 2h of office time waited.
    run.now = wita(2026, 4, 23, 10, 0);
    let petugas = super::support::user("petugas_layanan");
    run.run(
        &petugas,
        simpul_engine::Command::Resubmit {
            expected_version: state.version,
            data: Default::default(),
            documents_received: ["ktp_kk".to_string()].into_iter().collect(),
        },
    )
    .expect("resubmitted");
    let after = run.state();
    assert_eq!(after.stage, simpul_engine::Stage::AtStep { step: "pemeriksaan_kelengkapan".into() });
    let service = after.clocks.service.expect("service");
    assert_eq!(service.suspended_minutes, 415 + 120);
    assert_eq!(service.due_at, wita(2026, 4, 23, 10, 25), "25 minutes were left");
    let status = after.deadlines(cal, wita(2026, 4, 23, 10, 10)).service.expect("status");
    assert_eq!(status.used_minutes, 15);
    run.assert_fold();
}

#[test]
fn local_days_off_of_a_tenant_are_not_working_days() {
    let tenant = office("oku-selatan").tenant.clone();
    let mut with_local = tenant.clone();
    with_local.days_off.push(simpul_definitions::model::DayOff {
        date: super::support::date(2026, 4, 7),
        kind: simpul_definitions::model::DayOffKind::LiburDaerah,
        name: "Hari jadi kabupaten".into(),
    });
    let shipped = simpul_definitions::load_dir(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions"),
    )
    .expect("load")
    .catalog;
    let national = shipped.calendar("nasional");
    let plain = simpul_engine::WorkCalendar::for_tenant(&tenant, national).expect("calendar");
    let local = simpul_engine::WorkCalendar::for_tenant(&with_local, national).expect("calendar");
    assert_eq!(plain.add_working_days(wib(2026, 4, 6, 9, 0), 1), wib(2026, 4, 7, 16, 0));
    assert_eq!(local.add_working_days(wib(2026, 4, 6, 9, 0), 1), wib(2026, 4, 8, 16, 0));
}

#[test]
fn the_nearing_share_is_the_tenants_to_set() {
    let shipped = simpul_definitions::load_dir(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions"),
    )
    .expect("load")
    .catalog;
    let mut tenant = office("bulukumba").tenant.clone();
    tenant.nearing_percent = 50;
    let cal = simpul_engine::WorkCalendar::for_tenant(&tenant, shipped.calendar("nasional")).expect("calendar");
    let deadline = Deadline::start(&cal, wita(2026, 4, 22, 9, 0), Limit { value: 30, unit: DurationUnit::Menit });
    assert_eq!(deadline.status(&cal, wita(2026, 4, 22, 9, 14), None).state, DeadlineState::OnTime);
    assert_eq!(deadline.status(&cal, wita(2026, 4, 22, 9, 15), None).state, DeadlineState::Nearing);
}
