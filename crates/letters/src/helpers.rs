//! Handlebars helpers every office's letters need: Indonesian dates, Roman-numeral months, numbers in words,
//! NIK and name formatting, the position in a list, and the label of a chosen option.
//!
//! Helpers that print application data escape it themselves, as `{{…}}` does for plain values.

use chrono::{Datelike, NaiveDate};
use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value;

use crate::escape::typst_escape;

/// Month names in Bahasa Indonesia.
const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// "23 November 2026".
pub fn tanggal(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), MONTHS[date.month0() as usize], date.year())
}

/// Numbers in words, as amounts and counts are written in letters: 1.250 → "seribu dua ratus lima puluh".
pub fn terbilang(n: u64) -> String {
    const UNITS: [&str; 12] =
        ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas"];
    fn words(n: u64) -> String {
        match n {
            0..=11 => UNITS[n as usize].to_string(),
            12..=19 => format!("{} belas", UNITS[(n - 10) as usize]),
            20..=99 => join(&format!("{} puluh", UNITS[(n / 10) as usize]), &words(n % 10)),
            100..=199 => join("seratus", &words(n - 100)),
            200..=999 => join(&format!("{} ratus", UNITS[(n / 100) as usize]), &words(n % 100)),
            1_000..=1_999 => join("seribu", &words(n - 1_000)),
            2_000..=999_999 => join(&format!("{} ribu", words(n / 1_000)), &words(n % 1_000)),
            1_000_000..=999_999_999 => join(&format!("{} juta", words(n / 1_000_000)), &words(n % 1_000_000)),
            1_000_000_000..=999_999_999_999 => {
                join(&format!("{} miliar", words(n / 1_000_000_000)), &words(n % 1_000_000_000))
            }
            _ => join(&format!("{} triliun", words(n / 1_000_000_000_000)), &words(n % 1_000_000_000_000)),
        }
    }
    fn join(head: &str, tail: &str) -> String {
        if tail.is_empty() { head.to_string() } else { format!("{head} {tail}") }
    }
    if n == 0 { String::from("nol") } else { words(n) }
}

/// A NIK or No. KK as 16 digits without spaces or dots (how it is typed varies; how it is printed does not).
pub fn nik(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}

/// A name in capitals, as letters print the name of the person concerned.
pub fn nama(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
}

/// Roman numeral of a month (1–12), as letter numbers write it.
pub fn bulan_romawi(month: u32) -> &'static str {
    simpul_engine::numbering::roman_month(month)
}

fn param_str<'a>(h: &'a Helper<'_>, index: usize, name: &'static str) -> Result<&'a Value, RenderErrorReason> {
    h.param(index).map(|p| p.value()).ok_or(RenderErrorReason::ParamNotFoundForIndex(name, index))
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Registers the helpers.
pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper(
        "tanggal",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let value = text(param_str(h, 0, "tanggal")?);
                let shown = NaiveDate::parse_from_str(value.get(..10).unwrap_or(&value), "%Y-%m-%d")
                    .map(tanggal)
                    .unwrap_or(value);
                out.write(&typst_escape(&shown))?;
                Ok(())
            },
        ),
    );
    registry.register_helper(
        "bulan_romawi",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let month = param_str(h, 0, "bulan_romawi")?.as_u64().unwrap_or(0);
                out.write(bulan_romawi(u32::try_from(month).unwrap_or(0)))?;
                Ok(())
            },
        ),
    );
    registry.register_helper(
        "terbilang",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let value = param_str(h, 0, "terbilang")?;
                let n = value.as_u64().or_else(|| text(value).trim().parse().ok());
                out.write(&n.map(terbilang).unwrap_or_default())?;
                Ok(())
            },
        ),
    );
    registry.register_helper(
        "nik",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                out.write(&nik(&text(param_str(h, 0, "nik")?)))?;
                Ok(())
            },
        ),
    );
    registry.register_helper(
        "nama",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                out.write(&typst_escape(&nama(&text(param_str(h, 0, "nama")?))))?;
                Ok(())
            },
        ),
    );
    registry.register_helper(
        "inc",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             _: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let n = param_str(h, 0, "inc")?.as_u64().unwrap_or(0);
                out.write(&(n + 1).to_string())?;
                Ok(())
            },
        ),
    );
    // `{{pilihan "field"}}`: the label of the option chosen in a choice field of the form.
    registry.register_helper(
        "pilihan",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             ctx: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let field = text(param_str(h, 0, "pilihan")?);
                let root = ctx.data();
                let chosen = text(&root["data"][&field]);
                let label = root["choices"][&field][&chosen].as_str().map_or(chosen.clone(), String::from);
                out.write(&typst_escape(&label))?;
                Ok(())
            },
        ),
    );
}
