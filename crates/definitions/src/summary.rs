//! The summary table printed after a successful validation.

use crate::load::Catalog;

/// One line per service: tenant, service, number of steps, time limit.
pub fn table(catalog: &Catalog) -> String {
    let mut rows =
        vec![[String::from("TENANT"), String::from("SERVICE"), String::from("STEPS"), String::from("TIME LIMIT")]];
    for bundle in &catalog.tenants {
        for service in &bundle.services {
            let s = &service.value;
            let limit = s.jangka_waktu.limit.map_or_else(
                || String::from("(not stated)"),
                |d| match s.jangka_waktu.lower {
                    Some(lower) => format!("{}–{d}", lower.value),
                    None => d.to_string(),
                },
            );
            rows.push([bundle.tenant.value.code.clone(), s.code.clone(), s.prosedur.len().to_string(), limit]);
        }
    }
    let widths: Vec<usize> = (0..4).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(cell, w)| format!("{cell:<w$}")).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let services = rows.len() - 1;
    out.push_str(&format!(
        "{} tenants, {services} services, {} calendars\n",
        catalog.tenants.len(),
        catalog.calendars.len()
    ));
    out
}
