//! The national registries an office works from exports of, and how the office's exports are read.
//!
//! SIKS-NG (DTKS/DTSEN) and E-Dabu (PBI status) offer offices no API: the office exports its district's rows and
//! uploads them. The facts a verification step records come from the latest upload of each registry.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Fact;

/// A registry an office imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RegistrySource {
    /// DTSEN (earlier DTKS), exported from SIKS-NG: households ranked in desil.
    Dtsen,
    /// BPJS Kesehatan's PBI participants, exported from E-Dabu.
    Edabu,
}

/// A column of a registry export, whatever the export calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistryColumn {
    /// The person's NIK.
    Nik,
    /// The household's No. KK.
    NoKk,
    /// The person's name.
    Nama,
    /// The household's DTSEN desil (1–10).
    Desil,
    /// The PBI participant's segment (PBI APBN, PBI APBD).
    Segmen,
    /// Whether the participation is active.
    Status,
}

impl RegistrySource {
    /// Every registry, in a stable order.
    pub const ALL: [RegistrySource; 2] = [RegistrySource::Dtsen, RegistrySource::Edabu];

    /// The code files and the API use.
    pub fn code(self) -> &'static str {
        match self {
            RegistrySource::Dtsen => "dtsen",
            RegistrySource::Edabu => "edabu",
        }
    }

    /// The name officers know it by.
    pub fn label(self) -> &'static str {
        match self {
            RegistrySource::Dtsen => "DTSEN (SIKS-NG)",
            RegistrySource::Edabu => "E-Dabu BPJS Kesehatan",
        }
    }

    /// The facts this registry answers.
    pub fn facts(self) -> &'static [Fact] {
        match self {
            RegistrySource::Dtsen => &[Fact::DtksTerdaftar, Fact::DtsenTerdaftar, Fact::DtsenDesil],
            RegistrySource::Edabu => &[Fact::PbiApbn, Fact::PbiApbd, Fact::KisPbidAktif],
        }
    }

    /// The columns an export of this registry carries, and whether each is required.
    pub fn columns(self) -> &'static [(RegistryColumn, bool)] {
        use RegistryColumn::*;
        match self {
            RegistrySource::Dtsen => &[(Nik, true), (NoKk, true), (Nama, false), (Desil, false)],
            RegistrySource::Edabu => &[(Nik, true), (NoKk, false), (Nama, false), (Segmen, true), (Status, false)],
        }
    }
}

impl RegistryColumn {
    /// The code files use.
    pub fn code(self) -> &'static str {
        match self {
            RegistryColumn::Nik => "nik",
            RegistryColumn::NoKk => "no_kk",
            RegistryColumn::Nama => "nama",
            RegistryColumn::Desil => "desil",
            RegistryColumn::Segmen => "segmen",
            RegistryColumn::Status => "status",
        }
    }

    /// The name a person reads in a diagnostic.
    pub fn label(self) -> &'static str {
        match self {
            RegistryColumn::Nik => "NIK",
            RegistryColumn::NoKk => "No. KK",
            RegistryColumn::Nama => "nama",
            RegistryColumn::Desil => "desil",
            RegistryColumn::Segmen => "segmen peserta",
            RegistryColumn::Status => "status kepesertaan",
        }
    }

    /// Headers the usual SIKS-NG, DTSEN and E-Dabu exports give this column, compared without case, spaces,
    /// dots or underscores; an office whose export differs names its header in `registry.columns`.
    pub fn usual_headers(self) -> &'static [&'static str] {
        match self {
            RegistryColumn::Nik => &["nik", "nikart", "noinduk", "nomorindukkependudukan"],
            RegistryColumn::NoKk => &["nokk", "nomorkk", "kk", "nokartukeluarga", "nomorkartukeluarga"],
            RegistryColumn::Nama => &["nama", "namalengkap", "namaart", "namapeserta"],
            RegistryColumn::Desil => &["desil", "desilnasional", "peringkatdesil", "desilkesejahteraan"],
            RegistryColumn::Segmen => &["segmen", "segmenpeserta", "jenispeserta", "kepesertaan", "jeniskepesertaan"],
            RegistryColumn::Status => &["status", "statuspeserta", "statuskepesertaan"],
        }
    }
}

/// How the office keeps registry data (the `registry` section of `tenant.yaml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Days a replaced upload is kept (to answer for verifications made with it) before its rows are deleted
    /// (UU 27/2022: personal data no longer needed is erased).
    #[serde(default = "default_retention_days")]
    pub retention_days: u32,
    /// Header names of the office's exports where they differ from the usual ones, per registry and column.
    #[serde(default)]
    pub columns: BTreeMap<RegistrySource, BTreeMap<RegistryColumn, String>>,
}

fn default_retention_days() -> u32 {
    30
}

impl Default for Registry {
    fn default() -> Self {
        Registry { retention_days: default_retention_days(), columns: BTreeMap::new() }
    }
}

/// Letters and digits only, lower case: how headers are compared.
pub fn header_key(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

impl Fact {
    /// The registry that answers this fact.
    pub fn source(self) -> RegistrySource {
        match self {
            Fact::DtksTerdaftar | Fact::DtsenTerdaftar | Fact::DtsenDesil => RegistrySource::Dtsen,
            Fact::PbiApbn | Fact::PbiApbd | Fact::KisPbidAktif => RegistrySource::Edabu,
        }
    }
}
