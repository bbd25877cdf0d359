//! What changed between two versions of a service: the YAML line by line (a unified diff), and a summary a
//! reviewer reads without reading YAML — steps added or removed, durations, requirements, rules, products, form
//! fields, outcomes, fee and time limit — in Bahasa Indonesia.

use std::collections::BTreeMap;

use similar::TextDiff;

use crate::model::{Duration, ServiceDefinition, Target};

/// The part of a standard a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum), graphql(name = "ChangeArea"))]
pub enum ChangeArea {
    /// Procedure steps: added, removed, renamed, who does them, their actions.
    Steps,
    /// How long a step, or the whole service, may take.
    Durations,
    /// Requirements (persyaratan).
    Requirements,
    /// Rules checked on the data.
    Rules,
    /// Letters and lists issued.
    Products,
    /// The application form's fields.
    Form,
    /// How an application may end.
    Outcomes,
    /// The fee.
    Fee,
}

/// One change, in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// What it touches.
    pub area: ChangeArea,
    /// The change as a reviewer reads it.
    pub text: String,
}

/// The unified diff of two YAML sources, labelled with their version names.
pub fn text_diff(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(old_label, new_label).to_string()
}

/// The changes from `old` to `new`, grouped by area in the order of [`ChangeArea`].
pub fn summary(old: &ServiceDefinition, new: &ServiceDefinition) -> Vec<Change> {
    let mut out = Changes::default();
    steps(&mut out, old, new);
    durations(&mut out, old, new);
    out.keyed(
        ChangeArea::Requirements,
        "Persyaratan",
        by_code(&old.persyaratan, |r| (&r.code, &r.name)),
        by_code(&new.persyaratan, |r| (&r.code, &r.name)),
    );
    for (code, (o, n)) in pairs(&old.persyaratan, &new.persyaratan, |r| &r.code) {
        if o.required != n.required {
            let now = if n.required { "menjadi wajib" } else { "tidak lagi wajib" };
            out.push(ChangeArea::Requirements, format!("Persyaratan «{}» ({code}) {now}", n.name));
        }
        if o.when != n.when {
            out.push(ChangeArea::Requirements, format!("Syarat kapan persyaratan «{}» diminta diubah", n.name));
        }
    }
    out.keyed(
        ChangeArea::Rules,
        "Aturan",
        by_code(&old.rules, |r| (&r.code, &r.description)),
        by_code(&new.rules, |r| (&r.code, &r.description)),
    );
    for (code, (o, n)) in pairs(&old.rules, &new.rules, |r| &r.code) {
        if o.check != n.check {
            out.push(
                ChangeArea::Rules,
                format!("Pemeriksaan aturan «{}» ({code}) diubah: {} → {}", n.description, o.check.0, n.check.0),
            );
        }
        if o.message != n.message {
            out.push(ChangeArea::Rules, format!("Pesan aturan «{}» diubah menjadi «{}»", n.description, n.message));
        }
    }
    out.keyed(
        ChangeArea::Products,
        "Produk",
        by_code(&old.produk, |p| (&p.code, &p.name)),
        by_code(&new.produk, |p| (&p.code, &p.name)),
    );
    for (code, (o, n)) in pairs(&old.produk, &new.produk, |p| &p.code) {
        if o.template != n.template {
            out.push(
                ChangeArea::Products,
                format!("Produk «{}» ({code}) memakai templat {} (sebelumnya {})", n.name, n.template, o.template),
            );
        }
        if o.outcomes != n.outcomes {
            out.push(
                ChangeArea::Products,
                format!(
                    "Produk «{}» kini terbit pada hasil: {} (sebelumnya {})",
                    n.name,
                    n.outcomes.join(", "),
                    o.outcomes.join(", ")
                ),
            );
        }
    }
    out.keyed(
        ChangeArea::Form,
        "Isian formulir",
        by_code(&old.fields, |f| (&f.code, &f.label)),
        by_code(&new.fields, |f| (&f.code, &f.label)),
    );
    for (code, (o, n)) in pairs(&old.fields, &new.fields, |f| &f.code) {
        if o.required != n.required {
            let now = if n.required { "menjadi wajib diisi" } else { "tidak lagi wajib diisi" };
            out.push(ChangeArea::Form, format!("Isian «{}» ({code}) {now}", n.label));
        }
        if o.field_type != n.field_type {
            out.push(ChangeArea::Form, format!("Jenis isian «{}» ({code}) diubah", n.label));
        }
    }
    out.keyed(
        ChangeArea::Outcomes,
        "Hasil",
        by_code(&old.outcomes, |o| (&o.code, &o.label)),
        by_code(&new.outcomes, |o| (&o.code, &o.label)),
    );
    if old.biaya.amount != new.biaya.amount {
        out.push(ChangeArea::Fee, format!("Biaya: Rp{} → Rp{}", old.biaya.amount, new.biaya.amount));
    }
    out.0.sort_by_key(|c| c.area);
    out.0
}

#[derive(Default)]
struct Changes(Vec<Change>);

impl Changes {
    fn push(&mut self, area: ChangeArea, text: String) {
        self.0.push(Change { area, text });
    }

    /// Items added, removed and renamed, matched by code; `what` names the kind ("Persyaratan").
    fn keyed(&mut self, area: ChangeArea, what: &str, old: BTreeMap<&str, &str>, new: BTreeMap<&str, &str>) {
        for (code, name) in &new {
            match old.get(code) {
                None => self.push(area, format!("{what} ditambahkan: «{name}» ({code})")),
                Some(before) if before != name => {
                    self.push(area, format!("{what} ({code}) berganti nama: «{before}» → «{name}»"))
                }
                Some(_) => {}
            }
        }
        for (code, name) in &old {
            if !new.contains_key(code) {
                self.push(area, format!("{what} dihapus: «{name}» ({code})"));
            }
        }
    }
}

/// Code → name of a list.
fn by_code<'a, T>(items: &'a [T], key: impl Fn(&'a T) -> (&'a String, &'a String)) -> BTreeMap<&'a str, &'a str> {
    items.iter().map(key).map(|(c, n)| (c.as_str(), n.as_str())).collect()
}

/// The items present in both lists, by code.
fn pairs<'a, T>(old: &'a [T], new: &'a [T], code: impl Fn(&'a T) -> &'a String) -> Vec<(&'a str, (&'a T, &'a T))> {
    let old: BTreeMap<&str, &T> = old.iter().map(|i| (code(i).as_str(), i)).collect();
    new.iter().filter_map(|n| old.get(code(n).as_str()).map(|o| (code(n).as_str(), (*o, n)))).collect()
}

fn steps(out: &mut Changes, old: &ServiceDefinition, new: &ServiceDefinition) {
    out.keyed(
        ChangeArea::Steps,
        "Langkah",
        by_code(&old.prosedur, |s| (&s.code, &s.name)),
        by_code(&new.prosedur, |s| (&s.code, &s.name)),
    );
    for (code, (o, n)) in pairs(&old.prosedur, &new.prosedur, |s| &s.code) {
        if o.roles != n.roles {
            out.push(
                ChangeArea::Steps,
                format!("Pelaksana langkah «{}» ({code}): {} → {}", n.name, o.roles.join(", "), n.roles.join(", ")),
            );
        }
        let before: BTreeMap<&str, (&str, &Target)> =
            o.actions.iter().map(|a| (a.code.as_str(), (a.label.as_str(), &a.to))).collect();
        for action in &n.actions {
            match before.get(action.code.as_str()) {
                None => out.push(
                    ChangeArea::Steps,
                    format!(
                        "Tindakan «{}» ditambahkan di langkah «{}», menuju {}",
                        action.label,
                        n.name,
                        target(&action.to)
                    ),
                ),
                Some((_, to)) if **to != action.to => out.push(
                    ChangeArea::Steps,
                    format!(
                        "Tindakan «{}» di langkah «{}» kini menuju {} (sebelumnya {})",
                        action.label,
                        n.name,
                        target(&action.to),
                        target(to)
                    ),
                ),
                Some(_) => {}
            }
        }
        for (action, (label, _)) in &before {
            if !n.actions.iter().any(|a| a.code == *action) {
                out.push(ChangeArea::Steps, format!("Tindakan «{label}» dihapus dari langkah «{}»", n.name));
            }
        }
    }
}

fn durations(out: &mut Changes, old: &ServiceDefinition, new: &ServiceDefinition) {
    for (code, (o, n)) in pairs(&old.prosedur, &new.prosedur, |s| &s.code) {
        if o.duration != n.duration {
            out.push(
                ChangeArea::Durations,
                format!("Waktu langkah «{}» ({code}): {} → {}", n.name, duration(o.duration), duration(n.duration)),
            );
        }
    }
    if old.jangka_waktu.limit != new.jangka_waktu.limit || old.jangka_waktu.text != new.jangka_waktu.text {
        out.push(
            ChangeArea::Durations,
            format!("Jangka waktu layanan: «{}» → «{}»", old.jangka_waktu.text, new.jangka_waktu.text),
        );
    }
}

fn duration(d: Option<Duration>) -> String {
    d.map_or_else(|| String::from("tidak ditetapkan"), |d| d.to_string())
}

fn target(t: &Target) -> String {
    match t {
        Target::Step(code) => format!("langkah {code}"),
        Target::Applicant => String::from("pemohon (melengkapi berkas)"),
        Target::Outcome(code) => format!("hasil {code}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn shipped() -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../service-definitions/bulukumba/services/rekomendasi-sktm.yaml");
        std::fs::read_to_string(path).expect("shipped YAML")
    }

    fn parse(text: &str) -> ServiceDefinition {
        let mut diagnostics = Vec::new();
        crate::load::parse(&SourceFile::new("s.yaml", text.to_string()), &mut diagnostics).expect("parses")
    }

    #[test]
    fn a_renamed_step_a_longer_duration_and_a_removed_requirement_are_told_in_words() {
        let old_text = shipped();
        let old = parse(&old_text);
        let mut new = old.clone();
        new.prosedur[0].name = String::from("Penerimaan berkas di loket");
        let slower = Duration { value: 3, unit: crate::model::DurationUnit::HariKerja };
        new.prosedur[1].duration = Some(slower);
        let removed = new.persyaratan.pop().expect("a requirement");
        new.biaya.amount = 5_000;
        let changes = summary(&old, &new);
        let texts: Vec<&str> = changes.iter().map(|c| c.text.as_str()).collect();
        assert!(
            texts.iter().any(|t| t.starts_with("Langkah (") && t.ends_with("«Penerimaan berkas di loket»")),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t.starts_with("Waktu langkah") && t.ends_with("3 hari kerja")), "{texts:?}");
        assert!(
            texts.contains(&format!("Persyaratan dihapus: «{}» ({})", removed.name, removed.code).as_str()),
            "{texts:?}"
        );
        assert!(texts.contains(&"Biaya: Rp0 → Rp5000"), "{texts:?}");
        // Grouped by area: steps first, fee last.
        assert_eq!(changes.first().map(|c| c.area), Some(ChangeArea::Steps));
        assert_eq!(changes.last().map(|c| c.area), Some(ChangeArea::Fee));
        assert!(summary(&old, &old).is_empty());
    }

    #[test]
    fn the_text_diff_marks_the_changed_line() {
        let old = shipped();
        let new = old.replacen("label: Berkas diterima,", "label: Berkas diterima di loket,", 1);
        let diff = text_diff(&old, &new, "versi 1", "versi 2");
        assert!(diff.starts_with("--- versi 1\n+++ versi 2\n"), "{diff}");
        assert!(diff.lines().any(|l| l.starts_with('+') && l.contains("Berkas diterima di loket")), "{diff}");
        assert!(diff.lines().any(|l| l.starts_with('-') && l.contains("label: Berkas diterima,")), "{diff}");
    }
}
