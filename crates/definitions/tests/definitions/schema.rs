//! The committed JSON Schemas and the editor modelines.

use std::path::{Path, PathBuf};

use simpul_definitions::schema;
use simpul_definitions::validate::MODELINE_PREFIX;

fn definitions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../service-definitions")
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    for (name, generated) in schema::files() {
        let path = definitions_dir().join(schema::DIR).join(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is stale: run `cargo run -- schema --out service-definitions/schema` and commit it",
            path.display()
        );
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

#[test]
fn every_definition_file_starts_with_a_modeline_to_an_existing_schema() {
    let mut files = Vec::new();
    yaml_files(&definitions_dir(), &mut files);
    assert_eq!(files.len(), 1 + 5 + 12, "a calendar, five tenants and twelve services");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read definition");
        let first = text.lines().next().unwrap_or_default();
        let target =
            first.strip_prefix(MODELINE_PREFIX).unwrap_or_else(|| panic!("{} has no modeline", file.display()));
        let schema = file.parent().expect("parent").join(target);
        assert!(schema.is_file(), "{}: modeline points at missing {}", file.display(), schema.display());
    }
}
