//! Handlebars helpers every office's letters need: Indonesian dates, Roman-numeral months, numbers in words,
//! NIK and name formatting, the position in a list, and the label of a chosen option.
//!
//! Helpers that print application data escape it themselves, as `{{…}}` does for plain values.

use chrono::NaiveDate;
use handlebars::{Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderErrorReason};
use serde_json::Value;

use crate::escape::typst_escape;

/// "23 November 2026".
pub fn tanggal(date: NaiveDate) -> String {
    simpul_engine::calendar::date_words(date)
}

/// The zone's name as Indonesians write it after a time (WIB, WITA, WIT).
fn zone_name(tz: chrono_tz::Tz) -> &'static str {
    match tz {
        chrono_tz::Asia::Makassar => "WITA",
        chrono_tz::Asia::Jayapura => "WIT",
        chrono_tz::Asia::Jakarta | chrono_tz::Asia::Pontianak => "WIB",
        _ => "",
    }
}

/// An instant as an office reads it, in its own zone: `3 Desember 2026 14.05 WITA`.
pub fn waktu(at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    use chrono::Timelike;
    let local = at.with_timezone(&tz);
    format!("{} {:02}.{:02} {}", tanggal(local.date_naive()), local.hour(), local.minute(), zone_name(tz))
        .trim_end()
        .to_string()
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

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A helper of one parameter whose output is `f` of its value. `f` escapes what it prints from application data.
fn one_param(name: &'static str, f: fn(&Value) -> String) -> impl HelperDef + Send + Sync + 'static {
    move |h: &Helper<'_>,
          _: &Handlebars<'_>,
          _: &Context,
          _: &mut RenderContext<'_, '_>,
          out: &mut dyn Output|
          -> HelperResult {
        let value = h.param(0).map(|p| p.value()).ok_or(RenderErrorReason::ParamNotFoundForIndex(name, 0))?;
        out.write(&f(value))?;
        Ok(())
    }
}

fn tanggal_helper(value: &Value) -> String {
    let value = text(value);
    let shown = NaiveDate::parse_from_str(value.get(..10).unwrap_or(&value), "%Y-%m-%d").map(tanggal).unwrap_or(value);
    typst_escape(&shown)
}

fn terbilang_helper(value: &Value) -> String {
    value.as_u64().or_else(|| text(value).trim().parse().ok()).map(terbilang).unwrap_or_default()
}

fn bulan_romawi_helper(value: &Value) -> String {
    bulan_romawi(value.as_u64().and_then(|m| u32::try_from(m).ok()).unwrap_or(0)).to_string()
}

/// Registers the helpers.
pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper("tanggal", Box::new(one_param("tanggal", tanggal_helper)));
    registry.register_helper("bulan_romawi", Box::new(one_param("bulan_romawi", bulan_romawi_helper)));
    registry.register_helper("terbilang", Box::new(one_param("terbilang", terbilang_helper)));
    registry.register_helper("nik", Box::new(one_param("nik", |v| nik(&text(v)))));
    registry.register_helper("nama", Box::new(one_param("nama", |v| typst_escape(&nama(&text(v))))));
    // `{{wilayah data.desa}}`: a desa/kelurahan or kecamatan code in words (`Kelurahan Malili, Kecamatan Malili`).
    registry.register_helper(
        "wilayah",
        Box::new(one_param("wilayah", |v| typst_escape(&simpul_engine::regions::in_words(&text(v))))),
    );
    registry.register_helper("inc", Box::new(one_param("inc", |v| (v.as_u64().unwrap_or(0) + 1).to_string())));
    // `{{pilihan "field"}}`: the label of the option chosen in a choice field of the form; in a list's rows,
    // `{{pilihan "field" data.field}}` names the row's value (the rows are not the letter's own form).
    registry.register_helper(
        "pilihan",
        Box::new(
            |h: &Helper<'_>,
             _: &Handlebars<'_>,
             ctx: &Context,
             _: &mut RenderContext<'_, '_>,
             out: &mut dyn Output|
             -> HelperResult {
                let field =
                    text(h.param(0).map(|p| p.value()).ok_or(RenderErrorReason::ParamNotFoundForIndex("pilihan", 0))?);
                let root = ctx.data();
                let chosen = text(h.param(1).map_or(&root["data"][&field], |p| p.value()));
                let label = root["choices"][&field][&chosen].as_str().map_or(chosen.clone(), String::from);
                out.write(&typst_escape(&label))?;
                Ok(())
            },
        ),
    );
}
