//! Writing the discovery cache after a cold start without making the user
//! wait for it.
//!
//! With many CRDs the cache is hundreds of folders and files, and on an
//! ordinary disk making them costs more than the whole rest of a command
//! (tens of milliseconds; kubectl pays it before it exits). The kuddle binary
//! hands the finished files to a short-lived copy of itself, which writes
//! them while (and after) the command prints and exits; the files are the
//! ones kubectl writes, each renamed into place whole, `servergroups.json`
//! last, so a reader never takes a half-written cache for a whole one (it
//! asks the server again, as after any cache miss).
//!
//! Where no helper can be started (a library caller such as the tests, or a
//! binary that cannot be executed again) the files are written on a thread
//! and the process waits for it before it ends.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::thread::JoinHandle;

/// Set in the helper's environment: the cache folder it writes into.
const HELPER_ENV: &str = "KUDDLE_DISCOVERY_CACHE_WRITER";

/// The helper's `argv[0]`, what `ps` shows.
const HELPER_NAME: &str = "kuddle-discovery-cache-writer";

/// Only the kuddle binary may start copies of itself (a test binary calling
/// the library must not).
static HELPER_ALLOWED: AtomicBool = AtomicBool::new(false);

/// Writes under way: threads feeding a helper, or writing the files
/// themselves.
static PENDING: Mutex<Vec<JoinHandle<()>>> = Mutex::new(Vec::new());

/// The files of one cache, relative to its folder, in the order they are to
/// be written.
pub type CacheFiles = Vec<(PathBuf, Vec<u8>)>;

/// Called by the kuddle binary first thing: when this process is a cache
/// helper, writes the cache it is handed and returns the exit code;
/// otherwise lets this process start helpers of its own.
pub fn serve_if_asked() -> Option<u8> {
    // Both the variable and the name a helper is started under, and no
    // arguments: a stray variable in a user's environment is not enough.
    let mut args = std::env::args_os();
    let named = args
        .next()
        .is_some_and(|arg0| arg0 == HELPER_NAME && args.next().is_none());
    let Some(dir) = std::env::var_os(HELPER_ENV).filter(|_| named) else {
        HELPER_ALLOWED.store(true, Ordering::Relaxed);
        return None;
    };
    let mut input = Vec::new();
    if std::io::stdin().lock().read_to_end(&mut input).is_err() {
        return Some(1);
    }
    let Some(files) = decode(&input) else {
        return Some(1);
    };
    Some(
        match super::discovery::write_files(Path::new(&dir), &files) {
            Ok(()) => 0,
            Err(_) => 1,
        },
    )
}

/// Schedules the writing of `files` (made on a worker thread by `make`)
/// under `dir`. Best effort, as kubectl: a cache that cannot be written is
/// skipped.
pub fn schedule<F>(dir: PathBuf, make: F)
where
    F: FnOnce() -> std::io::Result<CacheFiles> + Send + 'static,
{
    // One cache write at a time per process.
    finish();
    // Starting the helper costs a fork: on the worker, not on the command;
    // first, so that it is ready to read when the files are.
    let worker = std::thread::spawn(move || {
        let helper = spawn_helper(&dir).and_then(|mut helper| helper.stdin.take());
        let Ok(files) = make() else {
            return;
        };
        match helper {
            // Closing stdin is the helper's signal to write; the helper is
            // not waited for. One that died only costs the cache.
            Some(mut stdin) => {
                let _ = stdin.write_all(&encode(&files));
            }
            None => {
                let _ = super::discovery::write_files(&dir, &files);
            }
        }
    });
    pending().push(worker);
}

/// Waits until every scheduled write has been handed to its helper or
/// written, so the process can end.
pub fn finish() {
    let workers = std::mem::take(&mut *pending());
    for worker in workers {
        let _ = worker.join();
    }
}

fn pending() -> std::sync::MutexGuard<'static, Vec<JoinHandle<()>>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A copy of this binary in a process group of its own (a Ctrl-C after the
/// command does not cut the cache short), with no terminal output and
/// nothing to wait for: a shell's `$(kuddle …)` ends with kuddle. `ps` shows
/// it as `kuddle-discovery-cache-writer`.
fn spawn_helper(dir: &Path) -> Option<std::process::Child> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    if !HELPER_ALLOWED.load(Ordering::Relaxed) {
        return None;
    }
    let exe = std::env::current_exe().ok()?;
    Command::new(exe)
        .arg0(HELPER_NAME)
        .env(HELPER_ENV, dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()
}

/// Each file as its path's length, path, data's length and data (lengths as
/// little-endian u32).
fn encode(files: &CacheFiles) -> Vec<u8> {
    let size: usize = files
        .iter()
        .map(|(p, d)| 8 + p.as_os_str().len() + d.len())
        .sum();
    let mut out = Vec::with_capacity(size);
    for (path, data) in files {
        let path = path.as_os_str().as_encoded_bytes();
        out.extend_from_slice(&(path.len() as u32).to_le_bytes());
        out.extend_from_slice(path);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
    }
    out
}

/// The files `encode` wrote, or None for anything else; paths that would
/// leave the cache folder are refused.
fn decode(mut input: &[u8]) -> Option<CacheFiles> {
    fn take<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
        let len = u32::from_le_bytes(input.get(..4)?.try_into().ok()?) as usize;
        let piece = input.get(4..4 + len)?;
        *input = &input[4 + len..];
        Some(piece)
    }
    let mut files = Vec::new();
    while !input.is_empty() {
        let path = PathBuf::from(std::str::from_utf8(take(&mut input)?).ok()?);
        let safe = path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe {
            return None;
        }
        files.push((path, take(&mut input)?.to_vec()));
    }
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_round_trip_and_escaping_paths_are_refused() {
        let files: CacheFiles = vec![
            (
                PathBuf::from("apps/v1/serverresources.json"),
                b"{\"kind\":\"APIResourceList\"}".to_vec(),
            ),
            (PathBuf::from("servergroups.json"), Vec::new()),
        ];
        assert_eq!(decode(&encode(&files)), Some(files));
        for bad in ["../x", "/etc/passwd", "a/../../b"] {
            let files: CacheFiles = vec![(PathBuf::from(bad), b"x".to_vec())];
            assert_eq!(decode(&encode(&files)), None, "{bad}");
        }
        let mut cut = encode(&vec![(PathBuf::from("a"), b"data".to_vec())]);
        cut.pop();
        assert_eq!(decode(&cut), None);
    }
}
