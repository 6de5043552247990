//! With the `split` feature on wasm32, keep the linker's relocations in the wasm: the
//! splitter (wasm-split-cli, scripts/split.mjs) needs them to build its call graph.
//! A link argument for the binary only, so the dependencies are not rebuilt.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    if split && wasm {
        println!("cargo:rustc-link-arg-bins=--emit-relocs");
    }
}
