//! The `kuddle` binary: everything lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    let code = kuddle::app::main_with_args(std::env::args_os().collect());
    std::process::ExitCode::from(code as u8)
}
