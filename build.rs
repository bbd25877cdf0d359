//! Rebuilds the binary when a shipped definition changes: `src/definitions_source.rs` embeds the folder, and the
//! macro that does so cannot tell Cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=service-definitions");
}
