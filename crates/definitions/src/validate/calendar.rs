//! Checks of a shared calendar.

use std::collections::HashMap;

use crate::diagnostics::Reporter;
use crate::model::Calendar;

/// Checks the calendar's code against its file name and that no date is listed twice.
pub fn check(calendar: &Calendar, reporter: &mut Reporter<'_>) {
    let stem = reporter.file().path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if calendar.code != stem {
        reporter.error(
            "file-name",
            "code",
            format!("kode kalender `{}` berbeda dengan nama berkasnya `{stem}`", calendar.code),
            format!("ganti nama berkas menjadi `{}.yaml` atau ubah kodenya", calendar.code),
        );
    }
    super::tenant::check_days_off(&calendar.days_off, "days_off", reporter, &mut HashMap::new());
}
