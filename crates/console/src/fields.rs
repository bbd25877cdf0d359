//! A posted form's fields, in order and with repeats (checkboxes of one name), as browsers send
//! `application/x-www-form-urlencoded` bodies.

/// The fields of a form.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// The fields of an urlencoded body.
    pub fn parse(body: &[u8]) -> Self {
        Fields(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// Fields given one by one (from a multipart form's text parts).
    pub fn push(&mut self, name: String, value: String) {
        self.0.push((name, value));
    }

    /// The first value of `name`, trimmed; none when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every non-blank value of `name`.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// Every field whose name starts with `prefix`, the prefix removed: `data.nik` under `data.`.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.0.iter().filter_map(move |(k, v)| k.strip_prefix(prefix).map(|name| (name, v.trim())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_keep_every_value_and_blanks_count_as_absent() {
        let fields = Fields::parse(b"missing=ktp&missing=kk&note=+&data.nama=Siti+Aminah&data.nik=");
        assert_eq!(fields.all("missing").collect::<Vec<_>>(), ["ktp", "kk"]);
        assert_eq!(fields.get("note"), None);
        assert_eq!(fields.under("data.").collect::<Vec<_>>(), [("nama", "Siti Aminah"), ("nik", "")]);
    }
}
