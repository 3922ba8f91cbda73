//! The `kuddle` binary: everything lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    if let Some(code) = kuddle::resource::cache_writer::serve_if_asked() {
        return std::process::ExitCode::from(code);
    }
    let code = kuddle::app::main_with_args(std::env::args_os().collect());
    if kuddle::app::output_pipe_closed() {
        die_of_sigpipe();
    }
    std::process::ExitCode::from(code as u8)
}

/// Ends the process the way a Go program ends when its output pipe closes:
/// killed by SIGPIPE (Rust ignores the signal, so restore its default).
#[cfg(unix)]
fn die_of_sigpipe() {
    // SAFETY: plain libc calls on the process's own signal disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
}

#[cfg(not(unix))]
fn die_of_sigpipe() {}
