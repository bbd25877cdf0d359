//! The provinces and kabupaten/kota of Indonesia by their Kemendagri codes (Kepmendagri 300.2.2-2138/2025),
//! embedded from `data/wilayah.csv` (see `data/README.md` for its source and licence): the region a NIK or No. KK
//! encodes must be one of them.

use std::collections::HashMap;
use std::sync::LazyLock;

static REGIONS: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("../data/wilayah.csv").lines().skip(1).filter_map(|line| line.split_once(',')).collect()
});

/// The name of a province (`PP`) or kabupaten/kota (`PP.KK`), if the code exists.
pub fn name(code: &str) -> Option<&'static str> {
    REGIONS.get(code).copied()
}

/// Every code with its name, provinces and kabupaten/kota alike, in no order.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    REGIONS.iter().map(|(code, name)| (*code, *name))
}

/// A region code with its name, as an officer reads it: `Kabupaten Gowa (73.06)`.
pub fn described(code: &str) -> String {
    name(code).map_or_else(|| code.to_string(), |name| format!("{name} ({code})"))
}
