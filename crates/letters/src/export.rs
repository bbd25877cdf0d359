//! Lists and recaps as spreadsheets, for offices that forward them by e-mail or merge them into other systems.

use crate::error::{LettersError, LettersResult};

/// A table: a title (the sheet name), the column headers and the rows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Table {
    /// Title.
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows, each as long as the headers.
    pub rows: Vec<Vec<String>>,
}

/// A cell as a spreadsheet program must read it: text. Following OWASP's advice on CSV injection, a cell that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return — which Excel, LibreOffice and Google Sheets would
/// take for the start of a formula — gets a leading apostrophe, which they show as text and do not evaluate.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

impl Table {
    /// As CSV (UTF-8 with a byte-order mark, so that spreadsheet programs read the accents right). Every cell is
    /// [`neutralised`], so that an applicant's name or address cannot become a formula in the officer's
    /// spreadsheet.
    pub fn to_csv(&self) -> LettersResult<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        let record = |cells: &[String]| cells.iter().map(|c| neutralised(c).into_owned()).collect::<Vec<_>>();
        writer.write_record(record(&self.headers)).map_err(|e| LettersError::Export(e.to_string()))?;
        for row in &self.rows {
            writer.write_record(record(row)).map_err(|e| LettersError::Export(e.to_string()))?;
        }
        writer.into_inner().map_err(|e| LettersError::Export(e.to_string()))
    }

    /// As an XLSX workbook with one sheet; every cell is text, so NIKs keep all 16 digits.
    pub fn to_xlsx(&self) -> LettersResult<Vec<u8>> {
        let export = |e: rust_xlsxwriter::XlsxError| LettersError::Export(e.to_string());
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        let name: String = self.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        sheet.set_name(if name.is_empty() { "Daftar" } else { &name }).map_err(export)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (col, header) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, header, &bold).map_err(export)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (col, value) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, col as u16, value).map_err(export)?;
            }
        }
        workbook.save_to_buffer().map_err(export)
    }
}
