//! The words of the messages applicants receive: the values a template may use and the one way a template is
//! rendered, shared by `simpul validate` (which renders every template with sample values) and the sender.

use handlebars::Handlebars;
use serde::Serialize;

/// What a message template can say. The applicant's NIK and No. KK are deliberately absent: a message goes to a
/// phone or a mailbox others may read, and no template can reach them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MessageValues {
    /// The office's name.
    pub kantor: String,
    /// The office's telephone numbers, comma-separated.
    pub telepon_kantor: String,
    /// The service's name.
    pub layanan: String,
    /// The applicant's name, as written on the form.
    pub nama_pemohon: String,
    /// The tracking code.
    pub kode_lacak: String,
    /// The tracking page with the code filled in.
    pub tautan_lacak: String,
    /// The step the application is in, in words.
    pub langkah: Option<String>,
    /// When the office promised to finish, in words ("Senin, 14 Desember 2026 pukul 16.00 WITA").
    pub batas_waktu: Option<String>,
    /// The outcome, in words, once the application ended.
    pub hasil: Option<String>,
    /// The requirements still missing, by name, when the application went back to the applicant.
    pub kekurangan: Vec<String>,
    /// The officer's note with the action.
    pub catatan: Option<String>,
    /// The letters issued, once the application ended.
    pub surat: Vec<LetterLinks>,
    /// The satisfaction survey, once the application ended.
    pub tautan_survei: Option<String>,
}

/// One issued letter as a message mentions it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LetterLinks {
    /// The letter's name.
    pub nama: String,
    /// Its number.
    pub nomor: String,
    /// A download link that expires.
    pub tautan_unduh: String,
    /// Its verification page.
    pub tautan_verifikasi: String,
}

impl MessageValues {
    /// The links the server wrote into the values: their signatures and tokens are random, and a run of sixteen
    /// digits in one is not an identity number (the NIK guard reads the text without them).
    pub fn links(&self) -> Vec<&str> {
        let letters = self.surat.iter().flat_map(|l| [l.tautan_unduh.as_str(), l.tautan_verifikasi.as_str()]);
        std::iter::once(self.tautan_lacak.as_str()).chain(letters).chain(self.tautan_survei.as_deref()).collect()
    }

    /// Values of an invented application, for checking templates.
    pub fn sample() -> Self {
        MessageValues {
            kantor: String::from("Dinas Sosial Kabupaten Contoh"),
            telepon_kantor: String::from("0411 123456"),
            layanan: String::from("Rekomendasi SKTM"),
            nama_pemohon: String::from("Siti Aminah"),
            kode_lacak: String::from("K7QM4XHP"),
            tautan_lacak: String::from("https://simpul.contoh.go.id/lacak?kode=K7QM4XHP"),
            langkah: Some(String::from("Verifikasi berkas")),
            batas_waktu: Some(String::from("Senin, 14 Desember 2026 pukul 16.00 WITA")),
            hasil: Some(String::from("Rekomendasi diterbitkan")),
            kekurangan: vec![String::from("Fotokopi KTP")],
            catatan: Some(String::from("Mohon bawa KTP asli.")),
            surat: vec![LetterLinks {
                nama: String::from("Surat Rekomendasi SKTM"),
                nomor: String::from("400.9/12/Dinsos/XII/2026"),
                tautan_unduh: String::from("https://simpul.contoh.go.id/files/download?key=contoh"),
                tautan_verifikasi: String::from("https://simpul.contoh.go.id/v/K7QM4XHP2RDN"),
            }],
            tautan_survei: Some(String::from("https://simpul.contoh.go.id/lacak/survei?token=contoh")),
        }
    }
}

/// Why a template cannot be used, in words for the admin who wrote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MessageError(pub String);

/// Renders a message template as plain text: strict (a value the template names that does not exist is an
/// error, so a typo is caught by `simpul validate` and not sent as an empty gap) and unescaped (a message is not
/// HTML).
pub fn render(template: &str, values: &MessageValues) -> Result<String, MessageError> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    registry.render_template(template, values).map_err(|e| MessageError(in_words(&e)))
}

fn in_words(error: &handlebars::RenderError) -> String {
    use handlebars::RenderErrorReason as R;
    match error.reason() {
        R::MissingVariable(Some(name)) => {
            let known = serde_json::to_value(MessageValues::sample())
                .ok()
                .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()))
                .unwrap_or_default();
            format!("nilai `{name}` tidak dikenal; yang dapat dipakai: {}", known.join(", "))
        }
        R::TemplateError(e) => format!("templat tidak dapat dibaca: {e}"),
        other => format!("templat tidak dapat dipakai: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_renders_unescaped_and_a_name_that_does_not_exist_is_named() {
        let text =
            render("Yth. {{nama_pemohon}} & keluarga: {{#each surat}}{{nomor}}{{/each}}", &MessageValues::sample())
                .expect("renders");
        assert_eq!(text, "Yth. Siti Aminah & keluarga: 400.9/12/Dinsos/XII/2026");
        let error = render("NIK {{nik}}", &MessageValues::sample()).expect_err("no NIK");
        assert!(error.0.starts_with("nilai `nik` tidak dikenal; yang dapat dipakai: "), "{error}");
        assert!(error.0.contains("kode_lacak") && !error.0.contains("nik,"), "{error}");
        assert!(render("{{#if hasil}}", &MessageValues::sample()).is_err());
    }
}
