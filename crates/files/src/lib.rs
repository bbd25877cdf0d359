//! Object storage of Simpul: scans of applicants' documents and the archive copy of every signed letter.
//!
//! One interface, [`ObjectStore`], with two implementations: [`LocalFolder`] (the embedded default,
//! `./data/files`) and [`S3Store`] (any S3-compatible server through rust-s3, path-style). [`Files`] sits on top:
//! it streams uploads through a SHA-256 hasher and a size limit, checks the real type of a file from its first
//! bytes, and hands out short-lived download URLs.
//!
//! The database is not touched here: callers write the metadata row after the object is stored and remove the
//! object when that write fails; `simpul files gc` finds what is left over on either side.

mod error;
mod files;
mod key;
mod local;
mod object_store;
mod s3;
mod signed_url;
mod sniff;
mod sweep;

pub use error::{FilesError, FilesResult};
pub use files::{Download, Files, StoredObject};
pub use key::ObjectKey;
pub use local::LocalFolder;
pub use object_store::{ObjectInfo, ObjectStore};
pub use s3::{S3Config, S3Store};
pub use signed_url::{DownloadGrant, UrlSigner};
pub use sniff::{Accept, DEFAULT_MAX_BYTES, mime, sniff};
pub use sweep::{Sweep, sweep};
