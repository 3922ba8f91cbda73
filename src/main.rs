//! The `kuddle` binary: everything lives in the library so tests can drive it.

fn main() -> std::process::ExitCode {
    if let Some(code) = kuddle::resource::cache_writer::serve_if_asked() {
        return std::process::ExitCode::from(code);
    }
    let code = on_big_stack(|| kuddle::app::main_with_args(std::env::args_os().collect()));
    if kuddle::app::output_pipe_closed() {
        die_of_sigpipe();
    }
    std::process::ExitCode::from(code as u8)
}

/// Runs the command on a thread with a 256 MiB stack: objects and
/// kubeconfig values may nest 10,000 levels, and printing, copying and
/// dropping them recurse once per level, which the 8 MiB main stack holds
/// in a release build but not in a debug or sanitizer build.
fn on_big_stack(f: impl FnOnce() -> i32 + Send) -> i32 {
    match kuddle::stack::with_stack(256 << 20, f) {
        Ok(Ok(code)) => code,
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => {
            eprintln!("error: cannot start the main thread: {e}");
            1
        }
    }
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
