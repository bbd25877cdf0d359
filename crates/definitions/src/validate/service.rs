//! Checks of one service file: codes, references and components.

use super::TenantContext;
use super::codes::{check_list, is_kebab};
use super::{expressions, flow};
use crate::diagnostics::Reporter;
use crate::model::{FieldType, OutcomeStatus, ProductKind, RequirementKind, ServiceDefinition, StepKind, Target};

/// Runs every check of a service.
pub fn check(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    check_identity(service, r);
    check_codes(service, r);
    check_fields(service, r);
    check_requirements(service, r);
    check_roles(service, context, r);
    check_steps(service, r);
    check_products(service, context, r);
    check_consent(service, context, r);
    check_components(service, r);
    expressions::check(service, r);
    flow::check(service, super::minutes_per_working_day(context.tenant), r);
}

fn check_identity(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    if !is_kebab(&service.code) {
        r.error(
            "code-format",
            "code",
            format!("service code `{}` is not lower kebab case", service.code),
            "use lower-case letters, digits and `-`, e.g. `rekomendasi-sktm`",
        );
    }
    // A definition is a reading of an office's standard: without its source nobody can check it against it.
    if service.source.document.trim().is_empty() {
        r.error(
            "source",
            "source.document",
            "the definition does not name the standard it is read from",
            "write the title of the office's Standar Pelayanan (and its decree under `reference`)",
        );
    }
    let stem = r.file().path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if service.code != stem {
        r.error(
            "file-name",
            "code",
            format!("service code `{}` differs from its file name `{stem}`", service.code),
            format!("rename the file to `{}.yaml` or change the code", service.code),
        );
    }
}

fn check_codes(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    check_list(r, "fields", "field", service.fields.iter().map(|x| x.code.as_str()));
    check_list(r, "persyaratan", "requirement", service.persyaratan.iter().map(|x| x.code.as_str()));
    check_list(r, "rules", "rule", service.rules.iter().map(|x| x.code.as_str()));
    check_list(r, "prosedur", "step", service.prosedur.iter().map(|x| x.code.as_str()));
    check_list(r, "outcomes", "outcome", service.outcomes.iter().map(|x| x.code.as_str()));
    check_list(r, "produk", "product", service.produk.iter().map(|x| x.code.as_str()));
    for (i, step) in service.prosedur.iter().enumerate() {
        check_list(r, &format!("prosedur[{i}].actions"), "action", step.actions.iter().map(|x| x.code.as_str()));
        check_list(
            r,
            &format!("prosedur[{i}].checklist"),
            "checklist item",
            step.checklist.iter().map(|x| x.code.as_str()),
        );
    }
}

fn check_fields(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    if service.fields.is_empty() {
        r.error("empty", "fields", "the service has no form fields", "add at least the applicant's name and NIK");
    }
    let mut subjects = Vec::new();
    for (i, field) in service.fields.iter().enumerate() {
        let path = format!("fields[{i}]");
        if expressions::reserved(&field.code) {
            r.error(
                "reserved-name",
                &format!("{path}.code"),
                format!("field code `{}` is the name of a registry fact or derived value", field.code),
                "choose another code; expressions would not know which one is meant",
            );
        }
        match (field.field_type == FieldType::Choice, field.choices.is_empty()) {
            (true, true) => r.error(
                "choices",
                &format!("{path}.choices"),
                format!("choice field `{}` has no choices", field.code),
                "list the allowed values under `choices`",
            ),
            (false, false) => r.error(
                "choices",
                &format!("{path}.choices"),
                format!("field `{}` has choices but its type is not `choice`", field.code),
                "set `type: choice` or remove `choices`",
            ),
            _ => {}
        }
        check_list(r, &format!("{path}.choices"), "choice", field.choices.iter().map(|c| c.value.as_str()));
        if field.subject {
            let sex_choices = {
                let mut values: Vec<&str> = field.choices.iter().map(|c| c.value.as_str()).collect();
                values.sort_unstable();
                values == ["laki_laki", "perempuan"]
            };
            match field.field_type {
                FieldType::Nik | FieldType::Date => subjects.push((i, field.field_type)),
                FieldType::Choice if sex_choices => subjects.push((i, field.field_type)),
                FieldType::Choice => r.error(
                    "subject",
                    &format!("{path}.subject"),
                    format!(
                        "choice field `{}` is marked `subject` but its values are not laki_laki and perempuan",
                        field.code
                    ),
                    "a subject choice field is the subject's sex: give it exactly the values laki_laki and perempuan",
                ),
                _ => r.error(
                    "subject",
                    &format!("{path}.subject"),
                    format!("field `{}` is marked `subject` but is not a NIK, a date or a sex", field.code),
                    "mark the NIK, birth-date or sex field of the person the service is for",
                ),
            }
        }
    }
    for kind in [FieldType::Nik, FieldType::Date, FieldType::Choice] {
        let marked: Vec<usize> = subjects.iter().filter(|(_, t)| *t == kind).map(|(i, _)| *i).collect();
        if let [_, second, ..] = marked.as_slice() {
            r.error(
                "subject",
                &format!("fields[{second}].subject"),
                "more than one field of this type is marked `subject`",
                "only the person the service is for is the subject; unmark the others",
            );
        }
    }
}

fn check_requirements(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    for (i, req) in service.persyaratan.iter().enumerate() {
        let path = format!("persyaratan[{i}]");
        if req.copies == 0 {
            r.error(
                "copies",
                &format!("{path}.copies"),
                "copies must be at least 1",
                "write how many copies are handed in",
            );
        }
        if let Some(step) = &req.needed_at
            && !service.prosedur.iter().any(|s| &s.code == step)
        {
            r.error(
                "unknown-reference",
                &format!("{path}.needed_at"),
                format!("step `{step}` does not exist"),
                format!("use one of: {}", codes(service.prosedur.iter().map(|s| s.code.as_str()))),
            );
        }
        match req.kind {
            RequirementKind::Document => {
                if req.accept.is_empty() {
                    r.error(
                        "file-types",
                        &format!("{path}.accept"),
                        format!("document `{}` accepts no file type", req.code),
                        "add e.g. `accept: [pdf, jpg, png]`",
                    );
                }
                if req.max_size_kb.is_none_or(|kb| kb == 0) {
                    r.error(
                        "file-types",
                        &format!("{path}.max_size_kb"),
                        format!("document `{}` has no maximum file size", req.code),
                        "add e.g. `max_size_kb: 2048`",
                    );
                }
                if req.rule.is_some() {
                    r.error(
                        "requirement-kind",
                        &format!("{path}.rule"),
                        "a document is not checked by a rule",
                        "set `kind: condition` or remove `rule`",
                    );
                }
            }
            RequirementKind::Condition => match &req.rule {
                None => r.error(
                    "requirement-kind",
                    &path,
                    format!("condition `{}` names no rule that checks it", req.code),
                    "add `rule: <rule code>`",
                ),
                Some(rule) if !service.rules.iter().any(|x| &x.code == rule) => r.error(
                    "unknown-reference",
                    &format!("{path}.rule"),
                    format!("rule `{rule}` does not exist"),
                    format!("use one of: {}", codes(service.rules.iter().map(|x| x.code.as_str()))),
                ),
                Some(_) => {}
            },
        }
    }
}

fn check_roles(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    let roles = &context.tenant.roles;
    let known = || codes(roles.iter().map(|x| x.code.as_str()));
    let check = |r: &mut Reporter<'_>, path: String, role: &str| {
        if !roles.iter().any(|x| x.code == role) {
            r.error(
                "unknown-reference",
                &path,
                format!("role `{role}` is not a role of {}", context.tenant.name),
                format!("use one of: {}", known()),
            );
        }
    };
    if service.submission.roles.is_empty() {
        r.error("empty", "submission.roles", "nobody may submit", "name the roles that submit applications");
    }
    for (i, role) in service.submission.roles.iter().enumerate() {
        check(r, format!("submission.roles[{i}]"), role);
    }
    for (i, step) in service.prosedur.iter().enumerate() {
        if step.roles.is_empty() {
            r.error(
                "empty",
                &format!("prosedur[{i}].roles"),
                format!("nobody may act in step `{}`", step.code),
                "name the roles that act",
            );
        }
        for (j, role) in step.roles.iter().enumerate() {
            check(r, format!("prosedur[{i}].roles[{j}]"), role);
            // Whoever of these roles signs, the letter needs their name, pangkat and NIP from the office file.
            if let Some(product) = &step.issues
                && roles.iter().any(|x| &x.code == role)
                && !context.tenant.signatories.iter().any(|s| &s.role == role && s.signs(product))
            {
                r.error(
                    "signatory",
                    &format!("prosedur[{i}].roles[{j}]"),
                    format!(
                        "role `{role}` signs letter `{product}` in step `{}`, but {} has no signatory for it",
                        step.code, context.tenant.name
                    ),
                    format!("add a signatory with `role: {role}` to tenant.yaml, or remove the role from the step"),
                );
            }
        }
        for (j, action) in step.actions.iter().enumerate() {
            for (k, role) in action.assign_to.iter().enumerate() {
                check(r, format!("prosedur[{i}].actions[{j}].assign_to[{k}]"), role);
            }
        }
    }
}

fn check_steps(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    if service.prosedur.is_empty() {
        r.error("empty", "prosedur", "the procedure has no steps", "list the steps, the first one first");
    }
    let assigns = service.prosedur.iter().flat_map(|s| &s.actions).any(|a| !a.assign_to.is_empty());
    for (i, step) in service.prosedur.iter().enumerate() {
        let path = format!("prosedur[{i}]");
        if step.duration.is_some_and(|d| d.value == 0) {
            r.error(
                "duration",
                &format!("{path}.duration.value"),
                "a duration of zero",
                "write how long the step may take",
            );
        }
        if step.kind == StepKind::Disposisi && !step.actions.iter().any(|a| !a.assign_to.is_empty()) {
            r.error(
                "disposisi",
                &format!("{path}.actions"),
                format!("disposisi step `{}` assigns nobody", step.code),
                "give its forward action `assign_to: [<role of the officer assigned>]`",
            );
        }
        if step.assigned && !assigns {
            r.error(
                "disposisi",
                &format!("{path}.assigned"),
                format!("step `{}` is for the assigned officer, but no action assigns one", step.code),
                "add a disposisi step before it, or remove `assigned`",
            );
        }
        if step.kind == StepKind::Paraf && step.roles.len() < 2 {
            r.warning(
                "paraf",
                &format!("{path}.roles"),
                "a paraf chain of one role",
                "list the roles that initial the draft, in order",
            );
        }
        match (step.kind == StepKind::Sign, &step.issues) {
            (true, None) => r.error(
                "sign",
                &path,
                format!("sign step `{}` does not say which letter it issues", step.code),
                "add `issues: <letter product code>`",
            ),
            (false, Some(_)) => r.error(
                "sign",
                &format!("{path}.issues"),
                "only a sign step issues a letter",
                "set `kind: sign` or remove `issues`",
            ),
            (true, Some(product)) => match service.produk.iter().find(|p| &p.code == product) {
                None => r.error(
                    "unknown-reference",
                    &format!("{path}.issues"),
                    format!("product `{product}` does not exist"),
                    format!("use one of: {}", codes(service.produk.iter().map(|p| p.code.as_str()))),
                ),
                Some(p) if p.kind != ProductKind::Letter => r.error(
                    "sign",
                    &format!("{path}.issues"),
                    format!("product `{product}` is a {:?}, not a letter", p.kind).to_lowercase(),
                    "a sign step issues a letter product",
                ),
                Some(_) => {}
            },
            (false, None) => {}
        }
        if step.kind == StepKind::FieldSurvey {
            for (j, action) in step.actions.iter().enumerate() {
                if action.result.is_none() && action.to != Target::Applicant {
                    r.error(
                        "survey-result",
                        &format!("{path}.actions[{j}]"),
                        format!("action `{}` of field survey `{}` records no result", action.code, step.code),
                        "give it `result: layak` or `result: tidak_layak`; the result decides the branch and the product",
                    );
                }
            }
        }
        for (j, action) in step.actions.iter().enumerate() {
            let apath = format!("{path}.actions[{j}]");
            if !action.assign_to.is_empty() && step.kind != StepKind::Disposisi {
                r.error(
                    "disposisi",
                    &format!("{apath}.assign_to"),
                    "only a disposisi step assigns an officer",
                    "set the step's `kind: disposisi` or remove `assign_to`",
                );
            }
            for (k, rule) in action.rules.iter().enumerate() {
                if !service.rules.iter().any(|x| &x.code == rule) {
                    r.error(
                        "unknown-reference",
                        &format!("{apath}.rules[{k}]"),
                        format!("rule `{rule}` does not exist"),
                        format!("use one of: {}", codes(service.rules.iter().map(|x| x.code.as_str()))),
                    );
                }
            }
            match &action.to {
                Target::Step(target) if !service.prosedur.iter().any(|s| &s.code == target) => r.error(
                    "unknown-reference",
                    &format!("{apath}.to.step"),
                    format!("step `{target}` does not exist"),
                    format!("use one of: {}", codes(service.prosedur.iter().map(|s| s.code.as_str()))),
                ),
                Target::Outcome(outcome) => match service.outcomes.iter().find(|o| &o.code == outcome) {
                    None => r.error(
                        "unknown-reference",
                        &format!("{apath}.to.outcome"),
                        format!("outcome `{outcome}` does not exist"),
                        format!("use one of: {}", codes(service.outcomes.iter().map(|o| o.code.as_str()))),
                    ),
                    Some(o) if o.status == OutcomeStatus::Rejected && !action.note_required => r.warning(
                        "note",
                        &apath,
                        format!("action `{}` rejects the application without asking for a reason", action.code),
                        "add `note_required: true` so the applicant learns why",
                    ),
                    Some(_) => {}
                },
                Target::Applicant if !action.note_required => r.warning(
                    "note",
                    &apath,
                    format!("action `{}` returns the application without asking what is missing", action.code),
                    "add `note_required: true`",
                ),
                _ => {}
            }
        }
    }
    for (i, rule) in service.submission.rules.iter().enumerate() {
        if !service.rules.iter().any(|x| &x.code == rule) {
            r.error(
                "unknown-reference",
                &format!("submission.rules[{i}]"),
                format!("rule `{rule}` does not exist"),
                format!("use one of: {}", codes(service.rules.iter().map(|x| x.code.as_str()))),
            );
        }
    }
}

fn check_products(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    if service.produk.is_empty() {
        r.error("empty", "produk", "the service has no product", "name what the applicant receives");
    }
    for (i, product) in service.produk.iter().enumerate() {
        let path = format!("produk[{i}]");
        if !context.templates.contains(&product.template) {
            r.error(
                "unknown-reference",
                &format!("{path}.template"),
                format!("template `{}` is not in {}'s templates folder", product.template, context.tenant.code),
                format!("create service-definitions/{}/templates/{}", context.tenant.code, product.template),
            );
        }
        for (j, outcome) in product.outcomes.iter().enumerate() {
            if !service.outcomes.iter().any(|o| &o.code == outcome) {
                r.error(
                    "unknown-reference",
                    &format!("{path}.outcomes[{j}]"),
                    format!("outcome `{outcome}` does not exist"),
                    format!("use one of: {}", codes(service.outcomes.iter().map(|o| o.code.as_str()))),
                );
            }
        }
        // Letters, lists and recaps each carry a number of the office's own (tata naskah dinas numbers every
        // document the office sends out).
        match &product.series {
            None => r.error(
                "numbering",
                &path,
                format!("{} `{}` has no numbering series", product.kind.noun(), product.code),
                format!(
                    "add `series:` with one of: {}",
                    codes(context.tenant.numbering.iter().map(|s| s.code.as_str()))
                ),
            ),
            Some(series) if !context.tenant.numbering.iter().any(|s| &s.code == series) => r.error(
                "unknown-reference",
                &format!("{path}.series"),
                format!("numbering series `{series}` is not in tenant.yaml"),
                format!("use one of: {}", codes(context.tenant.numbering.iter().map(|s| s.code.as_str()))),
            ),
            Some(_) => {}
        }
        if product.kind == ProductKind::Letter
            && !service.prosedur.iter().any(|s| s.issues.as_deref() == Some(product.code.as_str()))
        {
            r.error(
                "letter-not-signed",
                &path,
                format!("no step signs letter `{}`", product.code),
                "add `issues: <this product>` to the sign step that signs it",
            );
        }
        if product.kind == ProductKind::Recap && product.period.is_none() {
            r.error("period", &path, format!("recap `{}` has no period", product.code), "add e.g. `period: monthly`");
        }
    }
}

fn check_components(service: &ServiceDefinition, r: &mut Reporter<'_>) {
    let lists: [(&str, usize); 7] = [
        ("dasar_hukum", service.dasar_hukum.len()),
        ("sarana_prasarana", service.sarana_prasarana.len()),
        ("kompetensi_pelaksana", service.kompetensi_pelaksana.len()),
        ("pengawasan_internal", service.pengawasan_internal.len()),
        ("jaminan_pelayanan", service.jaminan_pelayanan.len()),
        ("jaminan_keamanan", service.jaminan_keamanan.len()),
        ("evaluasi_kinerja", service.evaluasi_kinerja.len()),
    ];
    let missing: Vec<&str> = lists
        .into_iter()
        .chain([("jumlah_pelaksana", service.jumlah_pelaksana.len())])
        .filter(|(_, len)| *len == 0)
        .map(|(name, _)| name)
        .collect();
    if let Some(first) = missing.first() {
        r.warning(
            "component-missing",
            first,
            format!("components not stated: {}", missing.join(", ")),
            "PermenPAN-RB 15/2014 asks every standard to state all 14 components; fill them in when the office does",
        );
    }
    if service.pengaduan.text.is_none() && service.pengaduan.channels.is_empty() {
        r.error("empty", "pengaduan", "no way to complain is given", "list the channels or describe the arrangement");
    }
    if service.persyaratan.is_empty() {
        r.warning("empty", "persyaratan", "the service has no requirements", "list what applicants bring");
    }
}

/// A comma-separated list of codes for hints.
pub fn codes<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<&str> = items.collect();
    if list.is_empty() { String::from("(none defined)") } else { list.join(", ") }
}

/// A service whose form asks for a phone number or an e-mail address, of an office that sends messages, needs the
/// office's consent field as a yes/no question: without it nobody's consent is recorded and nothing is sent.
fn check_consent(service: &ServiceDefinition, context: &TenantContext<'_>, r: &mut Reporter<'_>) {
    let Some(notifications) = &context.tenant.notifications else { return };
    let code = notifications.consent_field.as_str();
    match service.fields.iter().position(|f| f.code == code) {
        Some(i) if service.fields[i].field_type != FieldType::YesNo => r.error(
            "notifications",
            &format!("fields[{i}].type"),
            format!("kolom persetujuan `{code}` harus berjenis yes_no"),
            "pemohon menjawab ya atau tidak untuk menerima pemberitahuan",
        ),
        Some(_) => {}
        None if service.fields.iter().any(|f| matches!(f.field_type, FieldType::Phone | FieldType::Email)) => r.warning(
            "notifications",
            "fields",
            format!("formulir meminta nomor telepon atau e-mail tetapi tidak punya kolom persetujuan `{code}`"),
            format!(
                "tambahkan `{{ code: {code}, type: yes_no, required: false }}`; tanpa persetujuan pemohon tidak diberi kabar"
            ),
        ),
        None => {}
    }
}
