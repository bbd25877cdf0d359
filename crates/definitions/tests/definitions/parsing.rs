//! The model's written forms, positions in files, rendering, and expressions that really run.

use pretty_assertions::assert_eq;
use simpul_definitions::diagnostics::render_text;
use simpul_definitions::expr::Expression;
use simpul_definitions::model::{Action, Target};
use simpul_definitions::source::SourceFile;

use super::fixture::{Fixture, SERVICE};

#[test]
fn targets_are_written_as_a_step_an_outcome_or_the_applicant() {
    let parse = |yaml: &str| serde_yaml::from_str::<Action>(yaml).map(|a| a.to);
    assert_eq!(parse("{code: a, label: A, to: {step: verifikasi}}").ok(), Some(Target::Step("verifikasi".into())));
    assert_eq!(parse("{code: a, label: A, to: {outcome: ditolak}}").ok(), Some(Target::Outcome("ditolak".into())));
    assert_eq!(parse("{code: a, label: A, to: applicant}").ok(), Some(Target::Applicant));
    let two = parse("{code: a, label: A, to: {step: x, outcome: y}}").expect_err("two places");
    assert!(two.to_string().contains("tujuan hanya satu tempat"), "{two}");
    // The JSON form the API will use is the same shape.
    assert_eq!(serde_json::to_string(&Target::Step("x".into())).ok().as_deref(), Some(r#"{"step":"x"}"#));
    assert_eq!(serde_json::to_string(&Target::Applicant).ok().as_deref(), Some(r#""applicant""#));
}

#[test]
fn every_node_of_a_document_is_located_by_its_path() {
    let text = "code: a\nprosedur:\n  - code: satu\n    actions:\n      - { code: x, to: { step: dua } }\n".to_string();
    let file = SourceFile::new("s.yaml", text);
    let at = |path: &str| {
        let p = file.locate(path);
        (p.line, p.column)
    };
    assert_eq!(at("code"), (1, 7));
    assert_eq!(at("prosedur[0].code"), (3, 11));
    assert_eq!(at("prosedur[0].actions[0].to.step"), (5, 32));
    // A path that is not in the file falls back to its nearest parent.
    assert_eq!(at("prosedur[0].actions[0].note_required"), (5, 9));
}

#[test]
fn text_output_shows_the_source_line_the_path_and_the_hint() {
    let f = Fixture::base();
    f.edit(SERVICE, "roles: [kabid]", "roles: [kepala_seksi]");
    let report = simpul_definitions::load_and_validate(f.path()).expect("readable");
    let text = render_text(&report.diagnostics, &report.files);
    let line = f.line_of(SERVICE, "kepala_seksi");
    assert!(
        text.contains("error[unknown-reference]: peran `kepala_seksi` bukan peran di Dinas Sosial Kabupaten Contoh"),
        "{text}"
    );
    assert!(text.contains(&format!("layanan-contoh.yaml:{line}:")), "{text}");
    assert!(text.contains("    roles: [kepala_seksi]"), "source line shown: {text}");
    assert!(text.contains("in: prosedur[2].roles[0]"), "{text}");
    assert!(text.contains("hint: pakai salah satu: front_office, petugas, kabid, kepala_dinas"), "{text}");
}

#[test]
fn rule_expressions_are_real_cel_programs() {
    let rule = Expression("dtsen_terdaftar == true && dtsen_desil >= 1 && dtsen_desil <= 5".into());
    let program = rule.compile().expect("compiles");
    let run = |desil: i64| {
        let mut context = cel::Context::default();
        context.add_variable_from_value("dtsen_terdaftar", true);
        context.add_variable_from_value("dtsen_desil", desil);
        program.execute(&context).expect("runs")
    };
    assert_eq!(run(5), cel::Value::Bool(true));
    assert_eq!(run(6), cel::Value::Bool(false));
    assert_eq!(rule.variables().expect("names"), vec!["dtsen_desil", "dtsen_terdaftar"]);
}
