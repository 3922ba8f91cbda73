//! The local terminal for interactive sessions (`exec -t`, `attach -t`):
//! raw mode while a session runs, its size, and its resizes.

use std::io;

use tokio::sync::mpsc;

use crate::client::stream::remotecommand::TerminalSize;

/// Whether standard input is a terminal.
pub fn stdin_is_terminal() -> bool {
    io::IsTerminal::is_terminal(&io::stdin())
}

/// Raw mode on standard input until dropped (the terminal is restored even
/// when the session fails).
pub struct RawMode {
    saved: libc::termios,
}

impl RawMode {
    pub fn enable() -> io::Result<RawMode> {
        // SAFETY: termios is plain data; tcgetattr fills it for fd 0.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(0, &mut saved) } != 0 {
            return Err(io::Error::last_os_error());
        }
        let mut raw = saved;
        // SAFETY: cfmakeraw only edits the struct it is given.
        unsafe { libc::cfmakeraw(&mut raw) };
        if unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(RawMode { saved })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: restores the attributes read in `enable`.
        unsafe { libc::tcsetattr(0, libc::TCSANOW, &self.saved) };
    }
}

/// The terminal's size, from standard output or else standard input.
pub fn size() -> Option<TerminalSize> {
    for fd in [1, 0] {
        // SAFETY: winsize is plain data; TIOCGWINSZ fills it.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        if unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } == 0 && ws.ws_col > 0 {
            return Some(TerminalSize {
                width: ws.ws_col,
                height: ws.ws_row,
            });
        }
    }
    None
}

/// The terminal's size now and after every SIGWINCH, for as long as the
/// receiver lives.
pub fn watch_size() -> mpsc::UnboundedReceiver<TerminalSize> {
    let (tx, rx) = mpsc::unbounded_channel();
    if let Some(s) = size() {
        let _ = tx.send(s);
    }
    if let Ok(mut winch) =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::window_change())
    {
        tokio::spawn(async move {
            let mut last = size();
            while winch.recv().await.is_some() {
                let now = size();
                if now != last {
                    if let Some(s) = now {
                        if tx.send(s).is_err() {
                            return;
                        }
                    }
                    last = now;
                }
            }
        });
    }
    rx
}

/// Standard input read on a thread of its own (a blocking read must not
/// hold the runtime, nor keep the program alive once the session ended),
/// in pieces of up to 32 KiB; the channel closes at end of file.
pub fn stdin_chunks() -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel(8);
    std::thread::spawn(move || {
        use std::io::Read;
        let mut stdin = io::stdin().lock();
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    if tx.blocking_send(buf[..n].to_vec()).is_err() {
                        return;
                    }
                }
            }
        }
    });
    rx
}

/// How a remote-command session (`exec`, `attach`) uses the local terminal.
pub struct Session {
    /// Pass standard input on.
    pub stdin: bool,
    /// A terminal on both ends: local raw mode, resizes sent, no stderr.
    pub tty: bool,
    /// Sizes sent before the terminal's own (attach's redraw nudge).
    pub first_sizes: Vec<TerminalSize>,
    /// Typed on a terminal, ends the input (attach's detach keys).
    pub detach_keys: Option<Vec<u8>>,
}

/// Opens the stream at `path` (`…/exec?…`, `…/attach?…`) and runs the
/// session to its end, the local terminal in raw mode meanwhile. A remote
/// exit code becomes kubectl's `command terminated with exit code N` line
/// and exit N.
pub async fn run_session(
    ctx: &mut crate::context::Context,
    path: &str,
    session: Session,
) -> anyhow::Result<()> {
    use crate::client::stream::remotecommand::{self, RemoteCommandError, Streams};
    use std::io::Write;
    let client = ctx.connection().await?.client.clone();
    let conn = client.upgrade_remote_command(path).await?;
    let raw = if session.tty {
        Some(RawMode::enable()?)
    } else {
        None
    };
    let stdin = session.stdin.then(|| match session.detach_keys {
        Some(keys) if session.tty => until_detached(stdin_chunks(), keys),
        _ => stdin_chunks(),
    });
    let resize = session.tty.then(|| {
        let (tx, rx) = mpsc::unbounded_channel();
        for s in session.first_sizes {
            let _ = tx.send(s);
        }
        let mut sizes = watch_size();
        // The size now is queued at once, ahead of the session's start.
        while let Ok(s) = sizes.try_recv() {
            let _ = tx.send(s);
        }
        tokio::spawn(async move {
            while let Some(s) = sizes.recv().await {
                if tx.send(s).is_err() {
                    return;
                }
            }
        });
        rx
    });
    let mut stderr = ctx.err.clone();
    let streams = Streams {
        stdin,
        stdout: Some(&mut *ctx.out),
        stderr: (!session.tty).then_some(&mut stderr as &mut dyn Write),
        resize,
    };
    let result = remotecommand::run(conn, streams).await;
    drop(raw);
    ctx.out.flush()?;
    match result {
        Ok(()) => Ok(()),
        Err(RemoteCommandError::ExitCode(code)) => {
            // kubectl prints this line without its `error: ` prefix.
            writeln!(ctx.err, "command terminated with exit code {code}")?;
            Err(crate::error::CliError::Exit(code).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Input that ends where `keys` are typed in a row (Docker's escape
/// proxy): what was typed before them goes on; a partial match that breaks
/// off is passed on whole.
fn until_detached(mut input: mpsc::Receiver<Vec<u8>>, keys: Vec<u8>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        let mut matched = 0;
        while let Some(chunk) = input.recv().await {
            let (out, detached) = detach_filter(&chunk, &keys, &mut matched);
            if !out.is_empty() && tx.send(out).await.is_err() {
                return;
            }
            if detached {
                return;
            }
        }
    });
    rx
}

/// One step of [`until_detached`]: the bytes to pass on, and whether the
/// whole sequence has now been typed. `matched` carries a partial match
/// from one chunk to the next.
fn detach_filter(chunk: &[u8], keys: &[u8], matched: &mut usize) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    for &b in chunk {
        if b == keys[*matched] {
            *matched += 1;
            if *matched == keys.len() {
                return (out, true);
            }
        } else {
            out.extend_from_slice(&keys[..*matched]);
            *matched = 0;
            if b == keys[0] {
                *matched = 1;
                if keys.len() == 1 {
                    return (out, true);
                }
            } else {
                out.push(b);
            }
        }
    }
    (out, false)
}

/// Docker's key names (`ctrl-p,ctrl-q`, `a`, `DEL`) as bytes; an unknown
/// name is an error in Docker's words.
pub fn detach_key_bytes(spec: &str) -> Result<Vec<u8>, String> {
    const CTRL: &str = "@abcdefghijklmnopqrstuvwxyz[\\]^_";
    let mut codes = Vec::new();
    for key in spec.split(',') {
        if key.len() == 1 {
            codes.push(key.as_bytes()[0]);
        } else if let Some(i) = key
            .strip_prefix("ctrl-")
            .filter(|c| c.len() == 1)
            .and_then(|c| CTRL.find(c))
        {
            codes.push(i as u8);
        } else if key == "DEL" {
            codes.push(127);
        } else {
            return Err(format!("Unknown character: '{key}'"));
        }
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detach_keys_as_docker_names_them() {
        assert_eq!(detach_key_bytes("ctrl-p,ctrl-q"), Ok(vec![16, 17]));
        assert_eq!(
            detach_key_bytes("a,DEL,ctrl-@,ctrl-_"),
            Ok(vec![b'a', 127, 0, 31])
        );
        assert_eq!(
            detach_key_bytes("ctrl-P"),
            Err("Unknown character: 'ctrl-P'".to_string())
        );
    }

    #[test]
    fn detach_sequence_ends_the_input() {
        let keys = [16, 17];
        let mut m = 0;
        assert_eq!(
            detach_filter(b"ab\x10", &keys, &mut m),
            (b"ab".to_vec(), false)
        );
        assert_eq!(
            detach_filter(b"c", &keys, &mut m),
            (b"\x10c".to_vec(), false)
        );
        assert_eq!(
            detach_filter(b"x\x10\x11rest", &keys, &mut m),
            (b"x".to_vec(), true)
        );
    }
}
