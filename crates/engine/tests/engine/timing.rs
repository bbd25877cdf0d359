//! The dashboard's measures of an ended application, computed by hand: Bulukumba's SKTM taken step by step five
//! office minutes apart from 09:00 WITA on Wednesday 22 April 2026 (a working day), all within office hours.

use simpul_engine::EndStatus;
use simpul_engine::timing::timing;

use super::support::{Run, form, poor_and_registered, wita};

#[test]
fn an_ended_application_is_measured_in_office_minutes_per_step_and_against_its_limit() {
    let mut run = Run::new("bulukumba", "rekomendasi-sktm", wita(2026, 4, 22, 9, 0));
    run.facts = poor_and_registered();
    run.submit(form("bulukumba/rekomendasi-sktm")).expect("submitted");
    let path = [
        "terima",
        "lengkap",
        "memenuhi",
        "selesai_disusun",
        "sesuai",
        "paraf",
        "paraf",
        "paraf",
        "tandatangani",
        "diserahkan",
        "diarsipkan",
    ];
    for action in path {
        run.wait(5);
        run.walk(&[action]);
    }
    let ctx = run.ctx();
    let t = timing(run.state(), ctx.calendar).expect("ended");
    assert_eq!(t.status, EndStatus::Granted);
    assert_eq!(t.ended_at, wita(2026, 4, 22, 9, 55));
    // Eleven actions five minutes apart: 55 office minutes in all, three initials in the paraf step.
    assert_eq!(t.steps.values().sum::<i64>(), 55, "{:?}", t.steps);
    let paraf = run.ctx().service.definition().prosedur.iter().find(|s| s.actions.iter().any(|a| a.code == "paraf"));
    let paraf = paraf.expect("a paraf step").code.clone();
    assert_eq!(t.steps.get(&paraf), Some(&15), "{:?}", t.steps);
    assert!(t.steps.iter().filter(|(s, _)| **s != paraf).all(|(_, m)| *m == 5), "{:?}", t.steps);
    // The service clock starts at submission (the standard's default): 55 minutes used of its 30, not on time.
    assert_eq!((t.minutes, t.budget_minutes, t.on_time), (55, Some(30), Some(false)));
}
