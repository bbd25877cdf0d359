//! Reading an office's registry export: CSV (comma, semicolon or tab) or XLSX, one row at a time, into the
//! people of a snapshot and the rows it rejects with their reasons.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};

use calamine::{DataRef, Reader, Xlsx};
use chrono::NaiveDate;
use simpul_definitions::model::{RegistryColumn, RegistrySource, header_key};
use simpul_engine::identity::{check_no_kk, parse_nik};

use super::{PbiSegment, RegistryError, RegistryPerson as Person, Rejection};

/// Rejected rows kept with their reasons; the count stays exact beyond it. A thousand is enough to find what is
/// wrong with an export, and keeps a snapshot's record small whatever the file holds.
pub const REJECTIONS_KEPT: usize = 1000;

/// The largest integer a spreadsheet's number keeps exactly (2^53): a NIK stored as a larger number has lost
/// its last digits.
const EXACT_FLOAT: f64 = 9_007_199_254_740_992.0;

/// What reading a whole file found, besides the people handed on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Data rows read (the header not counted; blank rows skipped).
    pub rows: u64,
    /// People accepted.
    pub people: u64,
    /// Distinct households (No. KK) among them.
    pub households: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// The first [`REJECTIONS_KEPT`] of them.
    pub rejections: Vec<Rejection>,
}

/// Where each column is in the file.
struct Layout {
    positions: Vec<(RegistryColumn, usize)>,
}

impl Layout {
    fn find(
        source: RegistrySource,
        headers: &[String],
        named: Option<&std::collections::BTreeMap<RegistryColumn, String>>,
    ) -> Result<Layout, RegistryError> {
        let keys: Vec<String> = headers.iter().map(|h| header_key(h)).collect();
        let mut positions = Vec::new();
        for (column, required) in source.columns() {
            let position = match named.and_then(|n| n.get(column)) {
                Some(header) => keys.iter().position(|k| *k == header_key(header)),
                None => column.usual_headers().iter().find_map(|h| keys.iter().position(|k| k == h)),
            };
            match position {
                Some(p) => positions.push((*column, p)),
                None if *required => {
                    return Err(RegistryError::MissingColumn {
                        column: column.label(),
                        found: headers.iter().filter(|h| !h.trim().is_empty()).cloned().collect::<Vec<_>>().join(", "),
                    });
                }
                None => {}
            }
        }
        Ok(Layout { positions })
    }

    fn get<'r>(&self, row: &'r [String], column: RegistryColumn) -> Option<&'r str> {
        let (_, p) = self.positions.iter().find(|(c, _)| *c == column)?;
        row.get(*p).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

/// Reads `file` (CSV or XLSX, told apart by content) as an export of `source`, handing each batch of up to
/// `batch` people to `emit`. Duplicate NIKs after the first are rejected. Errors stop the reading.
pub fn read_export(
    file: File,
    source: RegistrySource,
    as_of: NaiveDate,
    named: Option<&std::collections::BTreeMap<RegistryColumn, String>>,
    batch: usize,
    mut emit: impl FnMut(Vec<Person>) -> Result<(), RegistryError>,
) -> Result<Tally, RegistryError> {
    let mut tally = Tally::default();
    let mut layout: Option<Layout> = None;
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let mut households: HashSet<u64> = HashSet::new();
    let mut pending: Vec<Person> = Vec::with_capacity(batch);
    let mut on_row = |line: u64, row: &[String]| -> Result<(), RegistryError> {
        let Some(layout) = &layout else {
            layout = Some(Layout::find(source, row, named)?);
            return Ok(());
        };
        if row.iter().all(|v| v.trim().is_empty()) {
            return Ok(());
        }
        tally.rows += 1;
        match person(layout, row, line, source, as_of, &seen) {
            Ok(p) => {
                seen.insert(digits_key(&p.nik), line);
                if let Some(kk) = &p.no_kk {
                    households.insert(digits_key(kk));
                }
                tally.people += 1;
                pending.push(p);
                if pending.len() >= batch {
                    emit(std::mem::replace(&mut pending, Vec::with_capacity(batch)))?;
                }
            }
            Err(reason) => {
                tally.rejected += 1;
                if tally.rejections.len() < REJECTIONS_KEPT {
                    tally.rejections.push(Rejection { line, reason });
                }
            }
        }
        Ok(())
    };
    let mut file = file;
    if is_zip(&mut file)? {
        read_xlsx(file, &mut on_row)?;
    } else {
        read_csv(file, &mut on_row)?;
    }
    if !pending.is_empty() {
        emit(pending)?;
    }
    tally.households = households.len() as u64;
    if tally.people == 0 {
        return Err(RegistryError::NoRows);
    }
    Ok(tally)
}

/// A 16-digit number as a key (the checks made sure it is one).
fn digits_key(value: &str) -> u64 {
    value.parse().unwrap_or(0)
}

/// Checks one row; the reason is in words an office admin understands.
fn person(
    layout: &Layout,
    row: &[String],
    line: u64,
    source: RegistrySource,
    as_of: NaiveDate,
    seen: &HashMap<u64, u64>,
) -> Result<Person, String> {
    use RegistryColumn as C;
    let nik = layout.get(row, C::Nik).ok_or("NIK kosong")?;
    parse_nik(nik, as_of).map_err(|e| format!("NIK `{nik}` tidak valid: {e}"))?;
    if let Some(first) = seen.get(&digits_key(nik)) {
        return Err(format!("NIK {nik} sudah ada pada baris {first}"));
    }
    let no_kk = layout.get(row, C::NoKk);
    match (no_kk, source) {
        (None, RegistrySource::Dtsen) => return Err(String::from("No. KK kosong")),
        (Some(kk), _) => check_no_kk(kk, as_of).map_err(|e| format!("No. KK `{kk}` tidak valid: {e}"))?,
        (None, _) => {}
    }
    let desil = match layout.get(row, C::Desil) {
        None => None,
        Some(text) => Some(
            text.parse::<i16>()
                .ok()
                .filter(|d| (1..=10).contains(d))
                .ok_or_else(|| format!("desil `{text}` tidak dikenal (harus 1 sampai 10)"))?,
        ),
    };
    let segmen = match (layout.get(row, C::Segmen), source) {
        (None, RegistrySource::Edabu) => return Err(String::from("segmen peserta kosong")),
        (None, _) => None,
        (Some(text), _) => Some(
            PbiSegment::read(text)
                .ok_or_else(|| format!("segmen `{text}` tidak dikenal (PBI APBN, PBI APBD, atau segmen bukan PBI)"))?,
        ),
    };
    let active = match layout.get(row, C::Status).map(header_key).as_deref() {
        None | Some("aktif") | Some("active") => true,
        Some("nonaktif" | "tidakaktif" | "inactive" | "nonactive") => false,
        Some(_) => {
            let text = layout.get(row, C::Status).unwrap_or_default();
            return Err(format!("status `{text}` tidak dikenal (AKTIF atau NON AKTIF)"));
        }
    };
    Ok(Person {
        line,
        nik: nik.to_string(),
        no_kk: no_kk.map(str::to_string),
        nama: layout.get(row, C::Nama).map(str::to_string),
        desil,
        segmen,
        active,
    })
}

fn unreadable(e: std::io::Error) -> RegistryError {
    RegistryError::Unreadable(e.to_string())
}

/// Whether the file is a ZIP archive (as XLSX is); leaves it at its start.
fn is_zip(file: &mut File) -> Result<bool, RegistryError> {
    let mut magic = [0u8; 4];
    let read = file.read(&mut magic).map_err(unreadable)?;
    file.rewind().map_err(unreadable)?;
    Ok(read == 4 && magic == *b"PK\x03\x04")
}

fn read_csv(
    mut file: File,
    on_row: &mut impl FnMut(u64, &[String]) -> Result<(), RegistryError>,
) -> Result<(), RegistryError> {
    let mut first = Vec::new();
    BufReader::new(&mut file).read_until(b'\n', &mut first).map_err(unreadable)?;
    file.rewind().map_err(unreadable)?;
    // Exports from Indonesian spreadsheets use semicolons (the comma is the decimal mark); some use tabs.
    let delimiter =
        [b';', b'\t', b','].into_iter().max_by_key(|d| first.iter().filter(|b| *b == d).count()).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::new(file));
    let mut record = csv::ByteRecord::new();
    let mut row: Vec<String> = Vec::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(RegistryError::Unreadable(format!("baris {line}: {e}")));
            }
        }
        row.clear();
        row.extend(
            record.iter().map(|field| String::from_utf8_lossy(field).trim_start_matches('\u{feff}').to_string()),
        );
        let line = record.position().map_or(0, |p| p.line());
        on_row(line, &row)?;
    }
}

fn read_xlsx(
    file: File,
    on_row: &mut impl FnMut(u64, &[String]) -> Result<(), RegistryError>,
) -> Result<(), RegistryError> {
    let unreadable = |e: calamine::XlsxError| RegistryError::Unreadable(e.to_string());
    let mut workbook = Xlsx::new(BufReader::new(file)).map_err(unreadable)?;
    let sheet = workbook.sheet_names().first().cloned().ok_or(RegistryError::NoRows)?;
    let mut cells = workbook.worksheet_cells_reader(&sheet).map_err(unreadable)?;
    let mut row: Vec<String> = Vec::new();
    let mut current: Option<u32> = None;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(done) = current {
                on_row(u64::from(done) + 1, &row)?;
            }
            row.clear();
            current = Some(r);
        }
        let c = c as usize;
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = cell_text(cell.get_value());
    }
    if let Some(done) = current {
        on_row(u64::from(done) + 1, &row)?;
    }
    Ok(())
}

/// A cell as text; a number as its integer digits when it is one. A NIK too large to be kept exactly as a
/// number is given with a marker the NIK check rejects, so that it is not matched to somebody else.
fn cell_text(value: &DataRef<'_>) -> String {
    match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < EXACT_FLOAT => format!("{f:.0}"),
        DataRef::Float(f) if f.fract() == 0.0 => format!("{f:.0} (angka terpotong; simpan kolom sebagai teks)"),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}
