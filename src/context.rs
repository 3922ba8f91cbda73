//! What one invocation works with: the global flags, the output streams, the
//! command path for usage hints, and (lazily) the kubeconfig and client.

use std::io::Write;

use crate::flags::GlobalFlags;

pub struct Context {
    pub global: GlobalFlags,
    /// Results go here (buffered; a broken pipe ends the program quietly).
    pub out: Box<dyn Write>,
    /// Warnings and errors go here.
    pub err: Box<dyn Write>,
    /// `kuddle create deployment`: the words usage errors point at.
    pub cmd_path: String,
}

impl Context {
    pub fn new(
        global: GlobalFlags,
        out: Box<dyn Write>,
        err: Box<dyn Write>,
        cmd_path: String,
    ) -> Context {
        Context {
            global,
            out,
            err,
            cmd_path,
        }
    }
}

/// A warning in klog's layout, which kubectl uses for some notices:
/// `W1127 06:43:04.189181    5414 helpers.go:728] message`.
pub fn klog_warning(err: &mut dyn Write, location: &str, message: &str) {
    let now = chrono::Local::now();
    let _ = writeln!(
        err,
        "W{} {:>7} {location}] {message}",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    );
}
