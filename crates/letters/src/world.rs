//! The smallest Typst `World` that compiles a letter: one main source made from a template, its images (the QR
//! code, the office's emblem) under fixed virtual paths, the fonts bundled with typst-assets loaded once per
//! process, no file system and no packages.

use std::sync::{Arc, LazyLock};

use chrono::{Datelike, NaiveDate};
use simpul_definitions::model::ImageKind;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Fonts and the standard library, built once and shared by every letter of the process.
pub struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Arc<Shared>> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    Arc::new(Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    })
});

/// The shared fonts and library (loaded on first use).
pub fn shared() -> Arc<Shared> {
    SHARED.clone()
}

fn file_id(path: &str) -> FileId {
    // The paths are constants of this module, valid by construction.
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("constant path {path}"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Path of the QR code image inside the world; templates show it with `#image("/qr.svg")`.
pub const QR_PATH: &str = "/qr.svg";

/// Path of the office's emblem inside the world, by the image's kind; the kop shows it with
/// `#image("/lambang.png")`. Fixed paths, so that no file name from a definition reaches the markup.
pub fn emblem_path(kind: ImageKind) -> &'static str {
    match kind {
        ImageKind::Svg => "/lambang.svg",
        ImageKind::Png => "/lambang.png",
        ImageKind::Jpeg => "/lambang.jpg",
    }
}

/// One compilation: the letter's source and its images.
pub struct LetterWorld {
    shared: Arc<Shared>,
    main: Source,
    images: Vec<(FileId, Bytes)>,
    today: NaiveDate,
}

impl LetterWorld {
    /// A world for `markup`, dated `today` (what `datetime.today()` returns), with `images` at their paths.
    pub fn new(shared: Arc<Shared>, markup: String, images: Vec<(&str, Bytes)>, today: NaiveDate) -> Self {
        let main = Source::new(file_id("/main.typ"), markup);
        let images = images.into_iter().map(|(path, bytes)| (file_id(path), bytes)).collect();
        LetterWorld { shared, main, images, today }
    }

    /// The compiled source, for error messages.
    pub fn source_text(&self) -> &str {
        self.main.text()
    }
}

impl World for LetterWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.images.iter().find(|(path, _)| *path == id).map(|(_, bytes)| bytes.clone()).ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.year(), self.today.month() as u8, self.today.day() as u8)
    }
}
