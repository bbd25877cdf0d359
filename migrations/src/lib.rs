//! Database migrations of Simpul.
//!
//! The persistence work (store crate) adds its sea-orm-migration migrations here; the crate exists now so that
//! the workspace layout is the one every later change builds in.
