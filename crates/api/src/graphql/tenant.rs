//! An office as clients need it: where it is, when it works, who holds which position, who signs, how its letters
//! are numbered and where complaints go. Public: all of it is on the office's published standards.

use async_graphql::{ComplexObject, SimpleObject};
use simpul_definitions::model as m;
use simpul_store::TenantRuntime;

use super::accounts::AreaView;

/// An office (Dinas Sosial).
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct TenantInfo {
    pub code: String,
    pub name: String,
    /// The kabupaten/kota it serves, as named in letters.
    pub kabupaten_kota: String,
    /// The kabupaten/kota by Kemendagri code (`73.02`) and name.
    pub region: AreaView,
    pub province: m::Province,
    /// IANA time zone (`Asia/Makassar`); dates and deadlines are the office's local ones.
    pub time_zone: String,
    pub office_hours: Vec<m::OfficeHours>,
    pub address: m::Address,
    /// The positions officers hold, with whether they see personal data.
    pub roles: Vec<m::Role>,
    /// Who signs letters.
    pub signatories: Vec<m::Signatory>,
    /// How its letters are numbered.
    pub numbering: Vec<m::NumberingSeries>,
    /// Where complaints (pengaduan) go, for every service of the office.
    pub complaint_channels: Vec<m::ComplaintChannel>,
    /// Days a replaced registry upload is kept before its rows are deleted.
    pub registry_retention_days: u32,
}

impl TenantInfo {
    /// The view of a tenant's definition.
    pub fn new(runtime: &TenantRuntime) -> Self {
        let t = &runtime.tenant;
        TenantInfo {
            code: t.code.clone(),
            name: t.name.clone(),
            kabupaten_kota: t.kabupaten_kota.clone(),
            region: AreaView {
                code: t.region_code.clone(),
                name: simpul_engine::regions::name(&t.region_code).unwrap_or(&t.kabupaten_kota).to_string(),
            },
            province: t.province.clone(),
            time_zone: t.time_zone.clone(),
            office_hours: t.office_hours.clone(),
            address: t.address.clone(),
            roles: t.roles.clone(),
            signatories: t.signatories.clone(),
            numbering: t.numbering.clone(),
            complaint_channels: t.pengaduan.clone(),
            registry_retention_days: t.registry.retention_days,
        }
    }
}

#[ComplexObject]
impl TenantInfo {
    /// The desa/kelurahan of the kabupaten/kota, by kecamatan and name, in words (`Desa Harapan, Kecamatan
    /// Malili`): what a form's desa field may hold, for a picker.
    async fn villages(&self) -> Vec<AreaView> {
        simpul_engine::regions::villages_within(&self.region.code).into_iter().map(AreaView::of).collect()
    }
}
