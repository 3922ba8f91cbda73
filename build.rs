//! Records the compiler's version for `kuddle version` (the field kubectl
//! fills with the Go toolchain's version).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_string))
        .unwrap_or_default();
    println!("cargo:rustc-env=KUDDLE_RUSTC_VERSION={version}");
    // The kuddle binary is linked at a fixed address, as kubectl's own
    // binary is: a position-independent executable of this size has
    // some 27,000 relocations for the dynamic loader to apply to every
    // start, most of a tenth of a quick command's time.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
