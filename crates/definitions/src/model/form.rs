//! Form fields: the data an application carries.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::expr::Expression;

/// One field of the application form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Code, lower snake case; expressions refer to the field by it.
    pub code: String,
    /// Label shown to the officer or applicant, in Bahasa Indonesia.
    pub label: String,
    /// What kind of value the field holds; decides how it is checked.
    #[serde(rename = "type")]
    pub field_type: FieldType,
    /// Whether a value must be given (when the field applies at all).
    #[serde(default = "yes")]
    pub required: bool,
    /// The field applies only when this expression is true, e.g. `jenis_pemohon == "kelompok"`.
    #[serde(default)]
    pub when: Option<Expression>,
    /// Help text shown under the field.
    #[serde(default)]
    pub help: Option<String>,
    /// The allowed values of a `choice` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Marks the NIK, birth-date or sex field (a choice of `laki_laki`/`perempuan`) of the person the service is for; age
    /// (`usia`) and sex (`jenis_kelamin`) are derived from the NIK, else from the date and the sex field. At most
    /// one field of each type carries it; when the NIK and the date or sex are both given, they must agree.
    #[serde(default)]
    pub subject: bool,
}

fn yes() -> bool {
    true
}

/// The type of a form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Free text on one line.
    Text,
    /// Nomor Induk Kependudukan: 16 digits with the holder's birth date in it.
    Nik,
    /// Nomor Kartu Keluarga: 16 digits.
    NoKk,
    /// A calendar date.
    Date,
    /// One value from `choices`.
    Choice,
    /// An Indonesian telephone or WhatsApp number.
    Phone,
    /// An e-mail address.
    Email,
    /// A postal address (street, RT/RW, desa/kelurahan, kecamatan).
    Address,
    /// A whole number.
    Number,
    /// Ya / tidak.
    YesNo,
    /// A desa or kelurahan of the office's kabupaten/kota, by its Kemendagri code (`73.24.04.1003`). An
    /// application lies in the area of its first such field, so that a village operator limited to an area sees
    /// only the applications of that area.
    Desa,
}

/// One allowed value of a choice field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// Stored value, lower snake case.
    pub value: String,
    /// Label shown to people.
    pub label: String,
}
