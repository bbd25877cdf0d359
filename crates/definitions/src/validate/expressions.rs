//! Checks of the CEL expressions in a service: they parse and name only what exists.

use std::collections::BTreeSet;

use super::service::codes;
use crate::diagnostics::Reporter;
use crate::expr::Expression;
use crate::model::{DERIVED, Fact, ServiceDefinition};

/// Whether `name` belongs to a registry fact or a derived value, so a field may not use it.
pub fn reserved(name: &str) -> bool {
    Fact::ALL.iter().any(|f| f.name() == name) || DERIVED.iter().any(|(d, _)| *d == name)
}

/// Checks every expression of the service.
pub fn check(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    let fields: BTreeSet<&str> = service.fields.iter().map(|f| f.code.as_str()).collect();
    let derived: BTreeSet<&str> = DERIVED.iter().map(|(d, _)| *d).collect();
    let facts: BTreeSet<&str> = Fact::ALL.iter().map(|f| f.name()).collect();
    let has_subject = service.fields.iter().any(|f| f.subject);

    let form_names: BTreeSet<&str> = fields.union(&derived).copied().collect();
    let rule_names: BTreeSet<&str> = form_names.union(&facts).copied().collect();

    let check_one = |r: &mut Reporter<'_>,
                     path: String,
                     expr: &Expression,
                     known: &BTreeSet<&str>,
                     own: Option<&str>| {
        let names = match expr.variables() {
            Ok(names) => names,
            // Too large to parse safely: said without quoting the expression, which may be megabytes.
            Err(e) if e.too_large => {
                r.error(
                        "expression",
                        &path,
                        format!("ekspresi tidak diperiksa: {e}"),
                        "tulis syarat yang pendek, misalnya `usia >= 17 && dtks_terdaftar`; syarat yang rumit dipecah menjadi beberapa aturan",
                    );
                return Vec::new();
            }
            Err(e) => {
                r.error(
                    "expression",
                    &path,
                    format!("`{expr}` bukan ekspresi yang sah: {e}"),
                    "tulis ekspresi CEL, misalnya `usia >= 17` atau `tujuan == \"lainnya\"`",
                );
                return Vec::new();
            }
        };
        for name in &names {
            if Some(name.as_str()) == own {
                r.error(
                    "unknown-name",
                    &path,
                    format!("isian `{name}` bergantung pada dirinya sendiri"),
                    "syarat suatu isian harus memakai isian lain",
                );
            } else if !known.contains(name.as_str()) {
                let hint = if facts.contains(name.as_str()) {
                    String::from(
                        "fakta registri hanya dikenal dalam aturan yang diperiksa tindakan, bukan dalam syarat formulir",
                    )
                } else {
                    format!("nama yang dikenal: {}", codes(known.iter().copied()))
                };
                r.error(
                    "unknown-name",
                    &path,
                    format!("`{name}` dalam `{expr}` bukan isian, fakta, atau nilai turunan"),
                    hint,
                );
            } else if derived.contains(name.as_str()) && !has_subject {
                r.error(
                    "missing-subject",
                    &path,
                    format!(
                        "`{name}` diturunkan dari NIK atau tanggal lahir orang yang dilayani, tetapi tidak ada isian bertanda `subject`"
                    ),
                    "tambahkan `subject: true` pada isian NIK (atau tanggal lahir) orang yang dilayani",
                );
            }
        }
        names
    };

    for (i, field) in service.fields.iter().enumerate() {
        if let Some(when) = &field.when {
            check_one(r, format!("fields[{i}].when"), when, &form_names, Some(&field.code));
        }
    }
    for (i, req) in service.persyaratan.iter().enumerate() {
        if let Some(when) = &req.when {
            check_one(r, format!("persyaratan[{i}].when"), when, &form_names, None);
        }
    }
    let collected: BTreeSet<Fact> = service
        .submission
        .facts
        .iter()
        .chain(service.prosedur.iter().flat_map(|s| s.actions.iter().flat_map(|a| &a.facts)))
        .copied()
        .collect();
    for (i, rule) in service.rules.iter().enumerate() {
        let path = format!("rules[{i}].check");
        for name in check_one(r, path.clone(), &rule.check, &rule_names, None) {
            if let Some(fact) = Fact::ALL.iter().find(|f| f.name() == name)
                && !collected.contains(fact)
            {
                r.warning(
                    "fact-not-collected",
                    &path,
                    format!("aturan `{}` membaca `{name}`, tetapi tidak ada tindakan yang mencatatnya", rule.code),
                    format!("tambahkan `facts: [{name}]` pada tindakan (atau pengajuan) yang memeriksa aturan ini"),
                );
            }
        }
        let used = service.submission.rules.contains(&rule.code)
            || service.prosedur.iter().flat_map(|s| &s.actions).any(|a| a.rules.contains(&rule.code));
        if !used {
            r.warning(
                "unused-rule",
                &format!("rules[{i}].code"),
                format!("aturan `{}` tidak pernah diperiksa", rule.code),
                "sebutkan di `rules` tindakan (atau pengajuan) yang harus memeriksanya",
            );
        }
    }
}
