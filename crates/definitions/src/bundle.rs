//! Bundles: an office's definitions carried from one installation to another (a province's baseline rolled out to
//! its districts, a staging server's work to production). A bundle is a ZIP of the office file, the services in
//! force and the templates, with `manifest.json` listing every file with its SHA-256 and `manifest.sig`, the
//! Ed25519 signature of the manifest by the exporting installation's key. [`open`] accepts a bundle only when the
//! signature matches the manifest and every file its hash, nothing more and nothing less; whether the signer is an
//! installation the importer trusts is the importer's decision ([`Opened::signer`]).

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::TemplateFileKind;

/// The manifest's format name; another means a bundle this version cannot read.
pub const FORMAT: &str = "simpul-bundle/1";
/// Largest bundle: an office's twelve services (under 1 MB of YAML), its templates (256 KB each at most) and a few
/// images (1 MB each at most) fit several times; the whole file is read into memory to be checked.
pub const BUNDLE_LIMIT: usize = 16 * 1024 * 1024;
/// Most files in a bundle: an office file, a few hundred services, a few hundred templates; a ZIP of thousands of
/// tiny entries is refused before any is read.
const MAX_FILES: usize = 1000;
/// Largest single file once decompressed (the largest limit of a kind: an image); a small ZIP entry that inflates
/// beyond it (a ZIP bomb) is refused after reading one byte more.
const FILE_LIMIT: u64 = 1024 * 1024;

/// Why a bundle was refused, in the admin's words.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    /// Not a ZIP at all, or a damaged one.
    #[error("berkas ini bukan bundel Simpul (bukan ZIP yang utuh)")]
    NotZip,
    /// Over [`BUNDLE_LIMIT`], too many files, or a file that inflates too far.
    #[error("bundel terlalu besar: {0}")]
    TooLarge(&'static str),
    /// No manifest, or one that does not parse.
    #[error("manifes bundel tidak ada atau tidak terbaca: {0}")]
    Manifest(String),
    /// The signature does not match the manifest (or is not a signature).
    #[error("tanda tangan bundel tidak cocok dengan manifesnya: bundel diubah atau rusak sesudah diekspor")]
    Signature,
    /// A listed file is missing.
    #[error("berkas {0} tercantum di manifes tetapi tidak ada di bundel")]
    Missing(String),
    /// A file whose bytes are not those the manifest lists.
    #[error("isi berkas {0} berbeda dengan manifesnya: bundel diubah sesudah diekspor")]
    Altered(String),
    /// A file the manifest does not list, or a path no definitions folder has.
    #[error("berkas {0} tidak dikenal dalam bundel")]
    Unexpected(String),
}

/// One file of a bundle as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// `tenant.yaml`, `services/<code>.yaml` or `templates/<name>`.
    pub path: String,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// What a bundle says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The office the files are of.
    pub tenant: String,
    /// Its name.
    pub tenant_name: String,
    /// When it was exported (RFC 3339).
    pub exported_at: String,
    /// Who exported it, in words.
    pub exported_by: String,
    /// The exporting installation's public key, base64.
    pub signer: String,
    /// Every file.
    pub files: Vec<ManifestFile>,
}

/// What a file of a bundle is, by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundlePath {
    /// `tenant.yaml`.
    OfficeFile,
    /// `services/<code>.yaml`.
    Service(String),
    /// `templates/<name>`.
    Template(String),
}

impl BundlePath {
    /// The path's meaning, when it is one a definitions folder has (a service code and a template name as the
    /// loader and the store accept them, so no path leaves the office's folder).
    pub fn parse(path: &str) -> Option<Self> {
        if path == "tenant.yaml" {
            return Some(Self::OfficeFile);
        }
        if let Some(code) = path.strip_prefix("services/").and_then(|p| p.strip_suffix(".yaml")) {
            let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
            return (!code.is_empty() && code.len() <= 80 && code.chars().all(plain))
                .then(|| Self::Service(code.to_string()));
        }
        let name = path.strip_prefix("templates/")?;
        TemplateFileKind::of_name(name).map(|_| Self::Template(name.to_string()))
    }

    /// The path in a bundle.
    pub fn path(&self) -> String {
        match self {
            Self::OfficeFile => String::from("tenant.yaml"),
            Self::Service(code) => format!("services/{code}.yaml"),
            Self::Template(name) => format!("templates/{name}"),
        }
    }
}

/// The installation's key for signing bundles: derived from its token secret, so that every instance of one
/// deployment signs with the same key and no second secret has to be kept.
#[derive(Clone)]
pub struct BundleKey(SigningKey);

impl BundleKey {
    /// The key of the installation whose token secret is `secret`.
    pub fn from_secret(secret: &[u8]) -> Self {
        let mut seed = Sha256::new();
        seed.update(b"simpul bundle signing key\0");
        seed.update(secret);
        BundleKey(SigningKey::from_bytes(&seed.finalize().into()))
    }

    /// The public key, base64: what another installation adds to its trusted keys.
    pub fn public(&self) -> String {
        STANDARD.encode(self.0.verifying_key().to_bytes())
    }
}

/// A short, readable name of a public key (base64): the first 16 hex digits of its SHA-256 in groups of four, to
/// compare over the phone.
pub fn fingerprint(public: &str) -> String {
    let digest = hex::encode(Sha256::digest(public.as_bytes()));
    digest.as_bytes()[..16].chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Packs `files` (path → bytes) of office `tenant` into a signed bundle.
pub fn pack(
    key: &BundleKey,
    tenant: &str,
    tenant_name: &str,
    exported_at: &str,
    exported_by: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> std::io::Result<Vec<u8>> {
    let manifest = Manifest {
        format: FORMAT.to_string(),
        tenant: tenant.to_string(),
        tenant_name: tenant_name.to_string(),
        exported_at: exported_at.to_string(),
        exported_by: exported_by.to_string(),
        signer: key.public(),
        files: files
            .iter()
            .map(|(path, bytes)| ManifestFile { path: path.clone(), sha256: sha256(bytes), size: bytes.len() as u64 })
            .collect(),
    };
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
    let signature = STANDARD.encode(key.0.sign(&manifest).to_bytes());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let entries = [("manifest.json", manifest.as_slice()), ("manifest.sig", signature.as_bytes())]
        .into_iter()
        .chain(files.iter().map(|(path, bytes)| (path.as_str(), bytes.as_slice())));
    for (path, bytes) in entries {
        zip.start_file(path, options).map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// A bundle whose files are those its manifest lists and whose manifest its signer signed.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The manifest.
    pub manifest: Manifest,
    /// Each file's bytes by its meaning, in the manifest's order.
    pub files: Vec<(BundlePath, Vec<u8>)>,
    /// SHA-256 of the whole bundle, hex: what an import confirms it is the bundle that was shown.
    pub sha256: String,
}

impl Opened {
    /// The signer's public key, base64 (check it against the keys the installation trusts).
    pub fn signer(&self) -> &str {
        &self.manifest.signer
    }
}

fn read_entry<R: Read + std::io::Seek>(archive: &mut zip::ZipArchive<R>, name: &str) -> Result<Vec<u8>, BundleError> {
    let entry = archive.by_name(name).map_err(|_| BundleError::Missing(name.to_string()))?;
    let mut bytes = Vec::new();
    entry.take(FILE_LIMIT + 1).read_to_end(&mut bytes).map_err(|_| BundleError::NotZip)?;
    if bytes.len() as u64 > FILE_LIMIT {
        return Err(BundleError::TooLarge("satu berkas di dalamnya melebihi 1 MB"));
    }
    Ok(bytes)
}

/// Reads and checks a bundle: its size, the manifest's signature by the key it names, and every file against the
/// manifest.
pub fn open(bytes: &[u8]) -> Result<Opened, BundleError> {
    if bytes.len() > BUNDLE_LIMIT {
        return Err(BundleError::TooLarge("paling besar 16 MB"));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| BundleError::NotZip)?;
    if archive.len() > MAX_FILES + 2 {
        return Err(BundleError::TooLarge("terlalu banyak berkas di dalamnya"));
    }
    let raw =
        read_entry(&mut archive, "manifest.json").map_err(|_| BundleError::Manifest(String::from("tidak ada")))?;
    let manifest: Manifest = serde_json::from_slice(&raw).map_err(|e| BundleError::Manifest(e.to_string()))?;
    if manifest.format != FORMAT {
        return Err(BundleError::Manifest(format!("format `{}`, bukan {FORMAT}", manifest.format)));
    }
    let signature = read_entry(&mut archive, "manifest.sig").map_err(|_| BundleError::Signature)?;
    let signature = STANDARD.decode(signature.trim_ascii()).map_err(|_| BundleError::Signature)?;
    let signature = Signature::from_slice(&signature).map_err(|_| BundleError::Signature)?;
    let signer: [u8; 32] = STANDARD
        .decode(&manifest.signer)
        .ok()
        .and_then(|k| k.try_into().ok())
        .ok_or_else(|| BundleError::Manifest(String::from("kunci penanda tangan tidak sah")))?;
    let signer = VerifyingKey::from_bytes(&signer).map_err(|_| BundleError::Signature)?;
    signer.verify(&raw, &signature).map_err(|_| BundleError::Signature)?;
    // Every entry is listed, every listed file is there with its hash.
    let listed: BTreeMap<&str, &ManifestFile> = manifest.files.iter().map(|f| (f.path.as_str(), f)).collect();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|_| BundleError::NotZip)?;
        let name = entry.name().map_err(|_| BundleError::NotZip)?.into_owned();
        if name != "manifest.json" && name != "manifest.sig" && !listed.contains_key(name.as_str()) {
            return Err(BundleError::Unexpected(name));
        }
    }
    let mut files = Vec::new();
    for file in &manifest.files {
        let path = BundlePath::parse(&file.path).ok_or_else(|| BundleError::Unexpected(file.path.clone()))?;
        let bytes = read_entry(&mut archive, &file.path)?;
        if sha256(&bytes) != file.sha256 {
            return Err(BundleError::Altered(file.path.clone()));
        }
        files.push((path, bytes));
    }
    Ok(Opened { manifest, files, sha256: sha256(bytes) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(key: &BundleKey) -> Vec<u8> {
        let files = BTreeMap::from([
            (String::from("tenant.yaml"), b"code: uji\n".to_vec()),
            (String::from("services/sktm.yaml"), b"code: sktm\n".to_vec()),
            (String::from("templates/sktm.hbs"), b"{{> kop_surat}}\n".to_vec()),
        ]);
        pack(key, "uji", "Dinas Uji", "2026-12-04T10:00:00Z", "Admin", &files).expect("packed")
    }

    #[test]
    fn a_bundle_opens_as_it_was_packed_and_names_its_signer() {
        let key = BundleKey::from_secret(b"rahasia");
        let opened = open(&sample(&key)).expect("opens");
        assert_eq!(opened.signer(), key.public());
        assert_eq!(opened.manifest.tenant, "uji");
        let paths: Vec<BundlePath> = opened.files.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(
            paths,
            vec![
                BundlePath::Service(String::from("sktm")),
                BundlePath::Template(String::from("sktm.hbs")),
                BundlePath::OfficeFile,
            ]
        );
        assert_eq!(BundleKey::from_secret(b"rahasia").public(), key.public(), "one key per installation");
        assert_ne!(BundleKey::from_secret(b"lain").public(), key.public());
        assert_eq!(fingerprint(&key.public()).len(), 19);
    }

    #[test]
    fn a_changed_file_a_changed_manifest_or_a_stranger_is_refused() {
        let key = BundleKey::from_secret(b"rahasia");
        let good = sample(&key);
        let mut archive = zip::ZipArchive::new(Cursor::new(good.clone())).expect("zip");
        let mut entries: Vec<(String, Vec<u8>)> = (0..archive.len())
            .map(|i| {
                let mut entry = archive.by_index(i).expect("entry");
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).expect("read");
                (entry.name().expect("name").into_owned(), bytes)
            })
            .collect();
        let repack = |entries: &[(String, Vec<u8>)]| {
            let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
            for (name, bytes) in entries {
                zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).expect("start");
                zip.write_all(bytes).expect("write");
            }
            zip.finish().expect("finish").into_inner()
        };
        let service = entries.iter().position(|(n, _)| n == "services/sktm.yaml").expect("service");
        entries[service].1 = b"code: lain\n".to_vec();
        assert_eq!(open(&repack(&entries)).err(), Some(BundleError::Altered(String::from("services/sktm.yaml"))));

        let manifest = entries.iter().position(|(n, _)| n == "manifest.json").expect("manifest");
        let text = String::from_utf8(entries[manifest].1.clone()).expect("utf-8");
        entries[manifest].1 = text.replace("Dinas Uji", "Dinas Lain").into_bytes();
        assert_eq!(open(&repack(&entries)).err(), Some(BundleError::Signature));

        entries[manifest].1 = text.into_bytes();
        entries.push((String::from("../../etc/passwd"), b"x".to_vec()));
        assert!(matches!(open(&repack(&entries)), Err(BundleError::Unexpected(_))));
        assert_eq!(open(b"not a zip").err(), Some(BundleError::NotZip));
        assert_eq!(BundlePath::parse("services/../tenant.yaml"), None);
        assert_eq!(BundlePath::parse("templates/Lambang.PNG"), None);
    }
}
