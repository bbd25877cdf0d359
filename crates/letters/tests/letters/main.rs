//! The letters suite: every letter, list and recap of the twelve services rendered from the shipped templates,
//! read back from the PDF; hostile values; helpers; verification codes; spreadsheets; and a PNG of one letter
//! per office under `target/letters-preview/` for people to look at.

mod helpers;
mod kop;
mod letters;
mod lists;
mod support;
mod verification;
