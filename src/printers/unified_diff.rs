//! `diff -u -N FROM TO` of two folders, printed the way GNU diff prints it
//! (for `diff` when no diff program is installed): for each file name of
//! either folder, in byte order, whose contents differ, the command line,
//! the two file headers (path, tab, modification time) and the hunks with
//! three lines of context. A file missing on one side counts as empty and
//! is dated at the epoch.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use similar::TextDiff;

/// Prints the differences between the files of `from` and `to`; true when
/// there were any.
pub fn diff_dirs(from: &Path, to: &Path, out: &mut dyn Write) -> Result<bool> {
    let mut names: Vec<String> = Vec::new();
    for dir in [from, to] {
        for entry in std::fs::read_dir(dir)? {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names.sort();
    let mut differ = false;
    for name in names {
        let (a, b) = (from.join(&name), to.join(&name));
        let old = read_or_empty(&a)?;
        let new = read_or_empty(&b)?;
        if old == new {
            continue;
        }
        differ = true;
        writeln!(out, "diff -u -N {} {}", a.display(), b.display())?;
        print_file_diff(&a, &old, &b, &new, out)?;
    }
    Ok(differ)
}

fn read_or_empty(path: &Path) -> Result<String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(e.into()),
    }
}

/// GNU diff's header time: local time with nanoseconds and the offset.
fn header_time(path: &Path) -> String {
    let time = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::UNIX_EPOCH);
    chrono::DateTime::<chrono::Local>::from(time)
        .format("%Y-%m-%d %H:%M:%S%.9f %z")
        .to_string()
}

fn print_file_diff(a: &Path, old: &str, b: &Path, new: &str, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "--- {}\t{}", a.display(), header_time(a))?;
    writeln!(out, "+++ {}\t{}", b.display(), header_time(b))?;
    write_hunks(old, new, out)
}

/// The hunks of the unified diff of two texts (no file headers).
pub fn write_hunks(old: &str, new: &str, out: &mut dyn Write) -> Result<()> {
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_lines(old, new);
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        write!(out, "{hunk}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hunks(old: &str, new: &str) -> String {
        let mut out = Vec::new();
        write_hunks(old, new, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ranges_and_missing_newlines_as_gnu_diff_writes_them() {
        assert_eq!(hunks("", "a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b\n");
        assert_eq!(hunks("null\n", "a\n"), "@@ -1 +1 @@\n-null\n+a\n");
        assert_eq!(
            hunks("a\nb\n", "a\nc"),
            "@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n"
        );
    }
}
