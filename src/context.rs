//! What one invocation works with: the global flags, the output streams, the
//! command path for usage hints, and (lazily) the kubeconfig and client.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use crate::flags::GlobalFlags;

/// A writer several owners can share: the verb and the client (which prints
/// server warnings as they arrive) both write to stderr through one.
#[derive(Clone)]
pub struct SharedWriter(Arc<Mutex<Box<dyn Write + Send>>>);

impl SharedWriter {
    pub fn new(inner: Box<dyn Write + Send>) -> SharedWriter {
        SharedWriter(Arc::new(Mutex::new(inner)))
    }
}

impl Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.lock() {
            Ok(mut w) => w.write(buf),
            Err(poisoned) => poisoned.into_inner().write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0.lock() {
            Ok(mut w) => w.flush(),
            Err(poisoned) => poisoned.into_inner().flush(),
        }
    }
}

pub struct Context {
    pub global: GlobalFlags,
    /// Results go here (buffered; a broken pipe ends the program quietly).
    pub out: Box<dyn Write>,
    /// Warnings and errors go here.
    pub err: SharedWriter,
    /// `kuddle create deployment`: the words usage errors point at.
    pub cmd_path: String,
}

impl Context {
    pub fn new(
        global: GlobalFlags,
        out: Box<dyn Write>,
        err: SharedWriter,
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

/// An info line in klog's layout (kubectl's `-v` logging).
pub fn klog_info(err: &mut dyn Write, location: &str, message: &str) -> io::Result<()> {
    let now = chrono::Local::now();
    writeln!(
        err,
        "I{} {:>7} {location}] {message}",
        now.format("%m%d %H:%M:%S%.6f"),
        std::process::id()
    )
}
