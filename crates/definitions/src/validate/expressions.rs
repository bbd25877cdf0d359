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
                    format!("`{expr}` is not a valid expression: {e}"),
                    "write a CEL expression, e.g. `usia >= 17` or `tujuan == \"lainnya\"`",
                );
                return Vec::new();
            }
        };
        for name in &names {
            if Some(name.as_str()) == own {
                r.error(
                    "unknown-name",
                    &path,
                    format!("field `{name}` depends on itself"),
                    "a field's condition must use other fields",
                );
            } else if !known.contains(name.as_str()) {
                let hint = if facts.contains(name.as_str()) {
                    String::from("registry facts are known only in rules checked by actions, not in form conditions")
                } else {
                    format!("known names: {}", codes(known.iter().copied()))
                };
                r.error(
                    "unknown-name",
                    &path,
                    format!("`{name}` in `{expr}` is not a field, fact or derived value"),
                    hint,
                );
            } else if derived.contains(name.as_str()) && !has_subject {
                r.error(
                    "missing-subject",
                    &path,
                    format!(
                        "`{name}` is derived from the subject's NIK or birth date, but no field is marked `subject`"
                    ),
                    "add `subject: true` to the NIK (or birth-date) field of the person the service is for",
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
                    format!("rule `{}` reads `{name}`, but no action records it", rule.code),
                    format!("add `facts: [{name}]` to the action (or the submission) that checks this rule"),
                );
            }
        }
        let used = service.submission.rules.contains(&rule.code)
            || service.prosedur.iter().flat_map(|s| &s.actions).any(|a| a.rules.contains(&rule.code));
        if !used {
            r.warning(
                "unused-rule",
                &format!("rules[{i}].code"),
                format!("rule `{}` is never checked", rule.code),
                "name it in the `rules` of the action (or the submission) that must check it",
            );
        }
    }
}
