//! Where the service definitions come from: the folder an operator names, else the ones shipped in the binary, so
//! that `simpul serve` works from any folder.

use std::path::{Path, PathBuf};

use anyhow::Context;
use include_dir::{Dir, include_dir};

/// The shipped definitions (`service-definitions/` at build time; `build.rs` rebuilds when it changes).
static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/service-definitions");

/// A definitions folder, ready to be read.
#[derive(Debug)]
pub enum Definitions {
    /// A folder the operator named.
    Folder(PathBuf),
    /// The shipped definitions, written out to a temporary folder that lives as long as this value (the
    /// loaders read folders, and the letter templates are read again when an admin's draft is checked).
    Shipped(tempfile::TempDir),
}

impl Definitions {
    /// The folder to read.
    pub fn path(&self) -> &Path {
        match self {
            Definitions::Folder(path) => path,
            Definitions::Shipped(dir) => dir.path(),
        }
    }

    /// For the log: which definitions these are.
    pub fn describe(&self) -> String {
        match self {
            Definitions::Folder(path) => path.display().to_string(),
            Definitions::Shipped(_) => String::from("shipped with this binary"),
        }
    }
}

/// The definitions: `flag` (the `--definitions` flag or `SIMPUL_DEFINITIONS`), else the config file's
/// `definitions`, else the shipped ones. A named folder that cannot be read is reported as such, before anything
/// else is opened.
pub fn definitions(flag: Option<&Path>) -> anyhow::Result<Definitions> {
    let named = match flag {
        Some(dir) => Some(dir.to_path_buf()),
        None => crate::config::FileConfig::load()?.definitions,
    };
    match named {
        Some(dir) => {
            std::fs::read_dir(&dir).with_context(|| format!("cannot read the definitions folder {}", dir.display()))?;
            Ok(Definitions::Folder(dir))
        }
        None => shipped(),
    }
}

/// The shipped definitions, written out to a fresh temporary folder.
pub fn shipped() -> anyhow::Result<Definitions> {
    let dir =
        tempfile::Builder::new().prefix("simpul-definitions-").tempdir().context("creating a temporary folder")?;
    SHIPPED
        .extract(dir.path())
        .with_context(|| format!("writing the shipped definitions to {}", dir.path().display()))?;
    Ok(Definitions::Shipped(dir))
}

#[cfg(test)]
mod tests {
    /// What is embedded is the whole folder: the same files, byte for byte.
    #[test]
    fn the_shipped_definitions_are_the_repository_folder() {
        let shipped = super::shipped().expect("shipped");
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("service-definitions");
        let files = |root: &std::path::Path| {
            let mut out = Vec::new();
            let mut stack = vec![root.to_path_buf()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).expect("read_dir") {
                    let path = entry.expect("entry").path();
                    if path.is_dir() {
                        stack.push(path);
                    } else {
                        let rel = path.strip_prefix(root).expect("prefix").to_path_buf();
                        out.push((rel, std::fs::read(&path).expect("read")));
                    }
                }
            }
            out.sort();
            out
        };
        let embedded = files(shipped.path());
        assert!(embedded.len() > 20, "{} files", embedded.len());
        assert_eq!(embedded, files(&repo));
    }
}
