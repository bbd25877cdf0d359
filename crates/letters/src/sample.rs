//! Sample letters: every product of every service rendered with a filled-in form, so that a template that would
//! fail at signing fails at `simpul validate` instead (and in the tests).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::{Value, json};
use simpul_definitions::Catalog;
use simpul_definitions::model::{FieldType, ProductKind, ServiceDefinition};
use uuid::Uuid;

use crate::context::{Entry, EntryLetter, LetterContext, PeriodInfo};
use crate::render::Renderer;
use crate::verify::{LetterClaims, generate_key, sign};

/// A form with every field filled with a plausible value of its type; fields named `nama…` get `name`.
pub fn sample_form(service: &ServiceDefinition, name: &str) -> BTreeMap<String, Value> {
    service
        .fields
        .iter()
        .map(|f| {
            let value = match f.field_type {
                _ if f.code.starts_with("nama") => json!(name),
                FieldType::Nik => json!("7302014507850001"),
                FieldType::NoKk => json!("7302010101150003"),
                FieldType::Date => json!("1985-07-05"),
                FieldType::Number => json!(4),
                FieldType::YesNo => json!(true),
                FieldType::Phone => json!("081234567890"),
                FieldType::Email => json!("pemohon@contoh.id"),
                FieldType::Desa => json!("73.02.01.1001"),
                FieldType::Choice => json!(f.choices.first().map(|c| c.value.clone()).unwrap_or_default()),
                _ => json!(format!("{} contoh", f.label)),
            };
            (f.code.clone(), value)
        })
        .collect()
}

/// A template that did not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateProblem {
    /// `<tenant>/templates/<file>`.
    pub template: String,
    /// The service and product that use it.
    pub product: String,
    /// What went wrong.
    pub message: String,
}

/// The context of a product rendered with sample data: a filled-in form, and for a letter a number and a signed QR
/// (made with `secret`, a throwaway key); for a list or recap one entry in a sample period. What `simpul validate`
/// renders, and what the standards studio previews.
pub fn sample_context(
    tenant: &simpul_definitions::model::Tenant,
    service: &ServiceDefinition,
    product: &str,
    date: NaiveDate,
    secret: &[u8; 32],
) -> LetterContext {
    let kind = service.produk.iter().find(|p| p.code == product).map_or(ProductKind::Letter, |p| p.kind);
    let mut context = LetterContext::new(tenant, service, product, tenant.signatories.first(), date);
    if kind == ProductKind::Letter {
        let claims = LetterClaims {
            tenant: tenant.code.clone(),
            letter_id: Uuid::nil(),
            number: String::from("400.9/1/CONTOH/XI/2026"),
            issued_on: date,
        };
        context = context.signed(&claims.number, "https://simpul.example", &sign(1, secret, &claims));
        context.data = sample_form(service, "Contoh Pemohon");
    } else {
        context.draft = false;
        context.period = Some(PeriodInfo { label: String::from("1 November 2026 – 30 November 2026") });
        context.entries = vec![Entry {
            fakta: Default::default(),
            centang: Default::default(),
            data: sample_form(service, "Contoh Pemohon"),
            letter: Some(EntryLetter { number: String::from("400.9/1/CONTOH/XI/2026") }),
            tracking_code: String::from("ABCDE-FGH23"),
        }];
    }
    context
}

/// Renders every product of every service of the catalog with sample data; returns what failed.
pub fn check_all(renderer: &Renderer, catalog: &Catalog) -> Vec<TemplateProblem> {
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
    let (secret, _) = generate_key();
    let mut problems = Vec::new();
    for bundle in &catalog.tenants {
        let tenant = &bundle.tenant.value;
        for service in bundle.services.iter().map(|s| &s.value) {
            for product in &service.produk {
                let context = sample_context(tenant, service, &product.code, date, &secret);
                if let Err(error) = renderer.render(&tenant.code, &product.template, &context, "check", date) {
                    problems.push(TemplateProblem {
                        template: format!("{}/templates/{}", bundle.folder, product.template),
                        product: format!("{}/{}", service.code, product.code),
                        message: error.to_string(),
                    });
                }
            }
        }
    }
    problems
}
