//! Rebuilds the crate when a migration is added, changed or removed: the migrations are
//! embedded at compile time, and the compiler alone would not notice a new folder.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
