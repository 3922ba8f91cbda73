//! Running a program on a pseudo-terminal, for what only happens when
//! standard input is a terminal (`exec -t`, `attach -t`).

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Invocation, Output};

/// Runs `inv` through `program` with stdin, stdout and stderr on a new
/// terminal of `rows` × `cols` (its controlling terminal, in a session of
/// its own). `input` is typed after `delay`; the output is everything the
/// terminal showed, stdout and stderr together.
pub fn run_on_pty(
    inv: &Invocation,
    program: &Path,
    rows: u16,
    cols: u16,
    input: &[u8],
    delay: Duration,
) -> Output {
    run_on_pty_resized(inv, program, (rows, cols), None, input, delay)
}

/// [`run_on_pty`], the terminal resized to `resize` (rows, columns) after
/// `delay` (the kernel signals the program with SIGWINCH) and before the
/// input is typed, a second `delay` later.
pub fn run_on_pty_resized(
    inv: &Invocation,
    program: &Path,
    (rows, cols): (u16, u16),
    resize: Option<(u16, u16)>,
    input: &[u8],
    delay: Duration,
) -> Output {
    let mut master: libc::c_int = -1;
    let mut slave: libc::c_int = -1;
    let size = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty fills the two descriptors; the size is read only.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here.
    let master = unsafe { OwnedFd::from_raw_fd(master) };
    let slave = unsafe { OwnedFd::from_raw_fd(slave) };
    let mut cmd = Command::new(program);
    cmd.args(&inv.args).env_clear().envs(&inv.env);
    cmd.stdin(Stdio::from(slave.try_clone().expect("dup")))
        .stdout(Stdio::from(slave.try_clone().expect("dup")))
        .stderr(Stdio::from(slave.try_clone().expect("dup")));
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn on a pty");
    drop(slave);
    drop(cmd);
    let mut reader = std::fs::File::from(master.try_clone().expect("dup"));
    let collected = std::thread::spawn(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        // EIO once every slave descriptor is closed: the program is gone.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
        }
        all
    });
    std::thread::sleep(delay);
    if let Some((rows, cols)) = resize {
        let size = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: sets the terminal's size through its master descriptor.
        unsafe {
            libc::ioctl(
                std::os::fd::AsRawFd::as_raw_fd(&master),
                libc::TIOCSWINSZ,
                &size,
            )
        };
        std::thread::sleep(delay);
    }
    let mut writer = std::fs::File::from(master);
    let _ = writer.write_all(input);
    let status = child.wait().expect("wait");
    drop(writer);
    let out = collected.join().expect("reader");
    Output {
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr: String::new(),
        code: status.code().unwrap_or(-1),
    }
}
