//! Checks of the procedure as a graph, and of its durations against the time limit.

use std::collections::{BTreeSet, HashMap};

use crate::diagnostics::Reporter;
use crate::model::{ClockStart, ServiceDefinition, Step, StepKind, Target, WITHDRAWN_OUTCOME};

/// Checks reachability, exits, outcomes and durations.
pub fn check(service: &ServiceDefinition, minutes_per_day: u32, r: &mut Reporter<'_>) {
    let steps = &service.prosedur;
    let Some(start) = steps.first() else { return };
    let index: HashMap<&str, usize> = steps.iter().enumerate().map(|(i, s)| (s.code.as_str(), i)).collect();
    let next = |step: &Step| -> Vec<usize> {
        step.actions
            .iter()
            .filter_map(|a| match &a.to {
                Target::Step(code) => index.get(code.as_str()).copied(),
                _ => None,
            })
            .collect()
    };

    // Every step reachable from the first.
    let mut reached = BTreeSet::from([0usize]);
    let mut queue = vec![0usize];
    while let Some(i) = queue.pop() {
        for j in next(&steps[i]) {
            if reached.insert(j) {
                queue.push(j);
            }
        }
    }
    for (i, step) in steps.iter().enumerate() {
        if !reached.contains(&i) {
            r.error(
                "unreachable-step",
                &format!("prosedur[{i}].code"),
                format!("langkah `{}` tidak dapat dicapai dari langkah pertama `{}`", step.code, start.code),
                "arahkan tindakan langkah sebelumnya ke sana, atau hapus langkah ini",
            );
        }
    }

    // Every step has a way out, and every way out can end in an outcome.
    let ends: BTreeSet<usize> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.actions.iter().any(|a| matches!(a.to, Target::Outcome(_))))
        .map(|(i, _)| i)
        .collect();
    let mut can_end = ends.clone();
    loop {
        let before = can_end.len();
        for (i, step) in steps.iter().enumerate() {
            if next(step).iter().any(|j| can_end.contains(j)) {
                can_end.insert(i);
            }
        }
        if can_end.len() == before {
            break;
        }
    }
    for (i, step) in steps.iter().enumerate() {
        let exits = step.actions.iter().any(|a| match &a.to {
            Target::Step(code) => code != &step.code,
            Target::Outcome(_) => true,
            Target::Applicant => false,
        });
        if !exits {
            r.error(
                "dead-end-step",
                &format!("prosedur[{i}].actions"),
                format!("langkah `{}` tidak punya jalan keluar", step.code),
                "beri tindakan yang menuju langkah lain atau ke suatu hasil",
            );
        } else if !can_end.contains(&i) {
            r.error(
                "no-outcome",
                &format!("prosedur[{i}].actions"),
                format!("tidak ada jalur dari langkah `{}` yang berakhir pada suatu hasil", step.code),
                "akhiri langkah terakhir setiap jalur dengan `to: {outcome: <kode>}`",
            );
        }
    }
    for (i, outcome) in service.outcomes.iter().enumerate() {
        if outcome.code == WITHDRAWN_OUTCOME {
            r.error(
                "reserved-outcome",
                &format!("outcomes[{i}].code"),
                format!("hasil `{WITHDRAWN_OUTCOME}` adalah pencabutan permohonan di setiap layanan dan tidak boleh dideklarasikan"),
                "beri hasil ini kode lain",
            );
        }
        let used = steps.iter().flat_map(|s| &s.actions).any(|a| a.to == Target::Outcome(outcome.code.clone()));
        if !used {
            r.warning(
                "unused-outcome",
                &format!("outcomes[{i}].code"),
                format!("tidak ada tindakan yang berakhir dengan hasil `{}`", outcome.code),
                "arahkan suatu tindakan ke sana, atau hapus hasil ini",
            );
        }
    }

    check_time_limit(service, minutes_per_day, &next, r);
}

fn check_time_limit(
    service: &ServiceDefinition,
    minutes_per_day: u32,
    next: &dyn Fn(&Step) -> Vec<usize>,
    r: &mut Reporter<'_>,
) {
    let limit = &service.jangka_waktu;
    if limit.clock_starts == ClockStart::OnRequirementsComplete
        && !service.prosedur.iter().any(|s| s.kind == StepKind::CompletenessCheck)
    {
        r.error(
            "clock-start",
            "jangka_waktu.clock_starts",
            "waktu mulai dihitung saat persyaratan dinyatakan lengkap, tetapi tidak ada langkah yang memeriksa kelengkapan",
            "tambahkan langkah dengan `kind: completeness_check`, atau mulai hitung `on_submission`",
        );
    }
    let Some(max) = limit.limit else {
        r.warning(
            "no-time-limit",
            "jangka_waktu",
            "standar tidak menyebut jangka waktu, jadi tidak ada tenggat yang dapat dijaga",
            "tambahkan `limit: { value: …, unit: … }` setelah dinas menetapkannya",
        );
        return;
    };
    if max.value == 0 {
        r.error("duration", "jangka_waktu.limit.value", "jangka waktu nol", "tulis jangka waktu sesuai standar");
    }
    if let Some(lower) = limit.lower
        && lower.office_minutes(minutes_per_day) > max.office_minutes(minutes_per_day)
    {
        r.error(
            "duration",
            "jangka_waktu.lower",
            format!("batas bawah {lower} lebih lama daripada batas atas {max}"),
            "`lower` adalah batas tersingkat, `limit` batas terlama",
        );
    }
    let (longest, path) = longest_path(service, 0, &mut vec![false; service.prosedur.len()], minutes_per_day, next);
    let budget = max.office_minutes(minutes_per_day);
    if longest > budget {
        let names: Vec<&str> = path.iter().map(|&i| service.prosedur[i].code.as_str()).collect();
        r.warning(
            "durations-exceed-limit",
            "jangka_waktu.limit",
            format!(
                "langkah-langkah pada jalur {} memakan {longest} menit kerja, melebihi jangka waktu {max} ({budget} menit kerja)",
                names.join(" → ")
            ),
            "persingkat waktu langkah atau perbaiki jangka waktunya",
        );
    }
}

/// The longest sum of stated step durations along a path without repeated steps, and that path.
fn longest_path(
    service: &ServiceDefinition,
    at: usize,
    on_path: &mut Vec<bool>,
    minutes_per_day: u32,
    next: &dyn Fn(&Step) -> Vec<usize>,
) -> (u64, Vec<usize>) {
    on_path[at] = true;
    let step = &service.prosedur[at];
    let own = step.duration.map_or(0, |d| d.office_minutes(minutes_per_day));
    let mut best = (0, Vec::new());
    for j in next(step) {
        if !on_path[j] {
            let candidate = longest_path(service, j, on_path, minutes_per_day, next);
            if candidate.0 > best.0 || best.1.is_empty() {
                best = candidate;
            }
        }
    }
    on_path[at] = false;
    let mut path = vec![at];
    path.extend(best.1);
    (own + best.0, path)
}
