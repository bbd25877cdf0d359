//! `simpul schema`.

use super::{simpul, stdout};

#[test]
fn each_file_kind_has_a_json_schema_that_rejects_unknown_keys() {
    for (kind, title) in [("service", "ServiceDefinition"), ("tenant", "Tenant"), ("calendar", "Calendar")] {
        let output = simpul(&["schema", kind]);
        assert!(output.status.success());
        let schema: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
        assert_eq!(schema["title"], title);
        assert_eq!(schema["additionalProperties"], false, "{kind}");
    }
}

#[test]
fn schemas_can_be_written_to_a_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = simpul(&["schema", "--out", dir.path().to_str().expect("utf-8")]);
    assert!(output.status.success());
    for name in ["service.schema.json", "tenant.schema.json", "calendar.schema.json"] {
        assert!(dir.path().join(name).is_file(), "{name}");
    }
}
