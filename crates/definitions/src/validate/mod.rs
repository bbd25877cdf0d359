//! Checks that need more than types: codes, references, the shape of the procedure, expressions, time.
//!
//! Every check reports every problem it finds, with the document path of the offending node, so that one run
//! of `simpul validate` lists everything an admin has to fix.

mod calendar;
mod codes;
mod expressions;
mod flow;
mod service;
mod tenant;

use std::collections::BTreeSet;

use crate::diagnostics::{Diagnostic, Level, Reporter};
use crate::load::{Catalog, LoadReport};
use crate::model::Tenant;
use crate::source::SourceFile;

/// What a service is checked against: its tenant and the tenant's template files.
pub struct TenantContext<'a> {
    /// The office the service belongs to.
    pub tenant: &'a Tenant,
    /// File names under the tenant's `templates/`.
    pub templates: &'a BTreeSet<String>,
}

/// Runs every semantic check over a loaded catalog and adds the problems to the report.
pub fn report(report: &mut LoadReport) {
    let mut out = std::mem::take(&mut report.diagnostics);
    catalog(&report.catalog, &mut out);
    report.diagnostics = out;
}

/// Runs every semantic check over a catalog.
pub fn catalog(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    for calendar in &catalog.calendars {
        let mut reporter = Reporter::new(&calendar.source, out);
        check_modeline(&mut reporter, "calendar.schema.json");
        calendar::check(&calendar.value, &mut reporter);
    }
    let mut tenant_codes = BTreeSet::new();
    for bundle in &catalog.tenants {
        let tenant = &bundle.tenant.value;
        let mut reporter = Reporter::new(&bundle.tenant.source, out);
        if !tenant_codes.insert(tenant.code.clone()) {
            reporter.error("duplicate-code", "code", format!("kode dinas `{}` dipakai dua kali", tenant.code), "");
        }
        check_modeline(&mut reporter, "tenant.schema.json");
        tenant::check(tenant, &bundle.folder, catalog, &bundle.templates, &mut reporter);
        let context = TenantContext { tenant, templates: &bundle.templates };
        let mut service_codes = BTreeSet::new();
        for service in &bundle.services {
            let mut reporter = Reporter::new(&service.source, out);
            if !service_codes.insert(service.value.code.clone()) {
                reporter.error(
                    "duplicate-code",
                    "code",
                    format!("kode layanan `{}` dipakai dua kali di dinas `{}`", service.value.code, tenant.code),
                    "beri setiap layanan dinas kodenya sendiri",
                );
            }
            check_modeline(&mut reporter, "service.schema.json");
            service::check(&service.value, &context, &mut reporter);
        }
    }
}

/// The first line every definition file starts with, so that editors find the schema.
pub const MODELINE_PREFIX: &str = "# yaml-language-server: $schema=";

/// Warns when a file does not start with a modeline pointing at its schema under `schema/`.
fn check_modeline(r: &mut Reporter<'_>, schema_file: &str) {
    let first = r.file().text.lines().next().unwrap_or_default().trim();
    let expected_end = format!("{}/{schema_file}", crate::schema::DIR);
    let ok = first.strip_prefix(MODELINE_PREFIX).is_some_and(|path| path.ends_with(&expected_end));
    if !ok {
        r.at(
            Level::Warning,
            "modeline",
            1,
            1,
            "",
            format!("berkas tidak diawali baris modeline yang menunjuk {expected_end}"),
            format!("jadikan baris pertama `{MODELINE_PREFIX}<jalur relatif ke service-definitions>/{expected_end}` agar penyunting melengkapi dan memeriksanya"),
        );
    }
}

/// Parses and checks one service file against its tenant, as an admin's draft is checked before it is saved.
pub fn service_source(
    file: &SourceFile,
    context: &TenantContext<'_>,
) -> (Option<crate::model::ServiceDefinition>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let parsed = crate::load::parse::<crate::model::ServiceDefinition>(file, &mut out);
    if let Some(service) = &parsed {
        service::check(service, context, &mut Reporter::new(file, &mut out));
    }
    (parsed, out)
}

/// Office minutes in the tenant's shortest working day; working days convert to minutes with it.
pub fn minutes_per_working_day(tenant: &Tenant) -> u32 {
    tenant
        .office_hours
        .iter()
        .filter(|h| h.close > h.open)
        .map(|h| (h.close - h.open).num_minutes().max(0) as u32)
        .min()
        .unwrap_or(8 * 60)
}

/// Parses and checks an office file (`tenant.yaml`) as an admin's edit is checked before it takes effect: the file
/// itself, and every service of the office against it (a role removed that a service still names is an error in
/// that service's file). `calendars` are the shared calendars; `templates` the office's template files.
pub fn tenant_source(
    file: &SourceFile,
    folder: &str,
    calendars: Vec<crate::load::Loaded<crate::model::Calendar>>,
    templates: &BTreeSet<String>,
    services: Vec<crate::load::Loaded<crate::model::ServiceDefinition>>,
) -> (Option<Tenant>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let Some(tenant) = crate::load::parse::<Tenant>(file, &mut out) else { return (None, out) };
    let bundle = crate::load::TenantBundle {
        folder: folder.to_string(),
        tenant: crate::load::Loaded { value: tenant.clone(), source: file.clone() },
        templates: templates.clone(),
        services,
    };
    let catalog = Catalog { calendars, tenants: vec![bundle] };
    self::catalog(&catalog, &mut out);
    (Some(tenant), out)
}
