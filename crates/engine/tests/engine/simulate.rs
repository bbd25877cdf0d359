//! The studio's path simulation of a definition.

use simpul_definitions::model::OutcomeStatus;
use simpul_engine::simulate::simulate;

use super::support::{office, wita};

#[test]
fn bulukumba_sktm_has_three_ways_to_end_and_the_full_one_takes_its_thirty_minutes() {
    let bulukumba = office("bulukumba");
    let service = &bulukumba.services["rekomendasi-sktm"];
    let per_day = simpul_definitions::validate::minutes_per_working_day(&bulukumba.tenant);
    // Monday 7 December 2026, 08.00 WITA, when the office opens.
    let start = wita(2026, 12, 7, 8, 0);
    let sim = simulate(service.definition(), &bulukumba.calendar, per_day, start);
    assert!(!sim.truncated);
    assert!(sim.unreached_steps.is_empty() && sim.unreached_outcomes.is_empty(), "{sim:?}");

    // The shortest: refused at the completeness check, 3 + 2 minutes.
    let first = &sim.paths[0];
    assert_eq!(first.steps, ["penerimaan_berkas", "pemeriksaan_kelengkapan"]);
    assert_eq!((first.outcome.as_str(), first.status, first.office_minutes), ("ditolak", OutcomeStatus::Rejected, 5));
    assert!(first.products.is_empty());

    // The full path: nine steps, thirty minutes, the recommendation letter, within the standard's 30 minutes.
    let full = sim.paths.iter().find(|p| p.outcome == "selesai").expect("the full path");
    assert_eq!(full.steps.len(), 9);
    assert_eq!((full.office_minutes, full.within_limit), (30, Some(true)));
    assert_eq!(full.products, ["rekomendasi_sktm"]);
    assert_eq!(full.finishes_at, wita(2026, 12, 7, 8, 30));
    // Corrections loop back and are not entered twice: every path is a simple one.
    for path in &sim.paths {
        let mut seen = std::collections::BTreeSet::new();
        assert!(path.steps.iter().all(|s| seen.insert(s)), "{path:?}");
    }
}
