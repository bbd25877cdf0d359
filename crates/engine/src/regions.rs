//! The regions of Indonesia by their Kemendagri codes (Kepmendagri 300.2.2-2138/2025): provinces (`PP`),
//! kabupaten/kota (`PP.KK`), kecamatan (`PP.KK.CC`) and desa/kelurahan (`PP.KK.CC.DDDD`), embedded from `data/`
//! (see `data/README.md` for their source and licence). A NIK's region, a form's desa field and a village
//! operator's area must each be one of them.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Every code with its name, in code order, so that the regions within an area are one range of codes (a form's
/// desa picker lists a kabupaten's villages per request: a scan of all 92,000 codes took about as long as the rest
/// of the page).
static REGIONS: LazyLock<BTreeMap<&'static str, &'static str>> = LazyLock::new(|| {
    [include_str!("../data/wilayah.csv"), include_str!("../data/wilayah-desa.csv")]
        .into_iter()
        .flat_map(|file| file.lines().skip(1))
        .filter_map(|line| line.split_once(','))
        .collect()
});

/// The level of a region code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `PP`.
    Province,
    /// `PP.KK`.
    Regency,
    /// `PP.KK.CC`.
    District,
    /// `PP.KK.CC.DDDD`.
    Village,
}

/// The level of an existing code; `None` for a code the decree does not list.
pub fn level(code: &str) -> Option<Level> {
    name(code)?;
    Some(match code.split('.').count() {
        1 => Level::Province,
        2 => Level::Regency,
        3 => Level::District,
        _ => Level::Village,
    })
}

/// The name of a region, if the code exists.
pub fn name(code: &str) -> Option<&'static str> {
    REGIONS.get(code).copied()
}

/// Every code with its name, every level, in code order.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    REGIONS.iter().map(|(code, name)| (*code, *name))
}

/// A region code with its name, as an officer reads it: `Kabupaten Gowa (73.06)`.
pub fn described(code: &str) -> String {
    name(code).map_or_else(|| code.to_string(), |name| format!("{name} ({code})"))
}

/// A desa/kelurahan or kecamatan as a letter writes it: `Kelurahan Malili, Kecamatan Malili`, `Desa Harapan,
/// Kecamatan Malili`, `Kecamatan Wotu`; the code itself if unknown.
pub fn in_words(code: &str) -> String {
    let district = |code: &str| name(code).map(|n| format!("Kecamatan {n}"));
    let words = match level(code) {
        Some(Level::Village) => name(code).and_then(|village| {
            let (district_code, number) = code.rsplit_once('.')?;
            let kind = if number.starts_with('1') { "Kelurahan" } else { "Desa" };
            Some(format!("{kind} {village}, {}", district(district_code)?))
        }),
        Some(Level::District) => district(code),
        Some(Level::Province | Level::Regency) => name(code).map(str::to_string),
        None => None,
    };
    words.unwrap_or_else(|| code.to_string())
}

/// The desa/kelurahan within `area` (a kabupaten/kota or kecamatan), ordered by kecamatan and then by name: what
/// a form's desa field may hold, as a picker lists them.
pub fn villages_within(area: &str) -> Vec<&'static str> {
    // The codes below `area` are those from `area.` up to `area/` ('/' follows '.' in ASCII).
    let below = REGIONS.range::<str, _>((
        std::ops::Bound::Excluded(format!("{area}.").as_str()),
        std::ops::Bound::Excluded(format!("{area}/").as_str()),
    ));
    let mut villages: Vec<&'static str> =
        below.map(|(code, _)| *code).filter(|code| level(code) == Some(Level::Village)).collect();
    villages.sort_by_key(|code| {
        let district = code.rsplit_once('.').and_then(|(d, _)| name(d)).unwrap_or_default();
        (district, name(code).unwrap_or_default())
    });
    villages
}

/// Whether `code` lies within `area` (the area itself, or below it).
pub fn within(code: &str, area: &str) -> bool {
    code == area || code.strip_prefix(area).is_some_and(|rest| rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_villages_within_an_area_are_its_own_and_all_of_them() {
        let by_scan = |area: &str| {
            let mut codes: Vec<&str> = all()
                .filter(|(code, _)| level(code) == Some(Level::Village) && within(code, area))
                .map(|(code, _)| code)
                .collect();
            codes.sort_unstable();
            codes
        };
        // Luwu Timur (73.24) beside Bulukumba (73.02); a kecamatan; a code whose prefix another shares (73.2).
        for area in ["73.24", "73.02", "73.24.01", "73.2"] {
            let mut listed = villages_within(area);
            listed.sort_unstable();
            assert_eq!(listed, by_scan(area), "{area}");
        }
        assert!(villages_within("73.02").len() > 100);
        assert!(villages_within("73.2").is_empty(), "73.2 is no region");
    }
}
