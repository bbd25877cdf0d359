//! Integration tests of the definitions crate, in one test binary: each module holds one concern.

mod checks;
mod fixture;
mod parsing;
mod schema;
mod shipped;
