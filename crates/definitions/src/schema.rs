//! JSON Schemas of the definition files, for editors (yaml-language-server) and for review.
//!
//! The schemas are generated from the same types serde reads, so they cannot drift from what `simpul validate`
//! accepts; the committed copies under `service-definitions/schema/` are checked by a test.

use schemars::{JsonSchema, schema_for};

use crate::model::{Calendar, ServiceDefinition, Tenant};

/// The folder, under the definitions folder, that holds the schemas.
pub const DIR: &str = "schema";

/// Every schema file: its name and its pretty-printed JSON, ending with a newline.
pub fn files() -> Vec<(&'static str, String)> {
    vec![
        ("service.schema.json", render::<ServiceDefinition>()),
        ("tenant.schema.json", render::<Tenant>()),
        ("calendar.schema.json", render::<Calendar>()),
    ]
}

fn render<T: JsonSchema>() -> String {
    let schema = schema_for!(T);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
