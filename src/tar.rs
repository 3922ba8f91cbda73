//! The tar archives `cp` sends into and reads out of containers: a writer
//! of ustar entries (GNU long-name records for longer names) and a reader
//! of what GNU tar and busybox write (ustar, GNU long names, PAX paths).

use std::io;

/// What an entry is, as far as `cp` cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    /// Hard links, devices, fifos: an empty file for `cp`, as for kubectl.
    Other,
}

/// One entry of an archive.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
    pub link: String,
    pub data: Vec<u8>,
}

/// A header's fields for the writer.
pub struct Header<'a> {
    pub name: &'a str,
    pub kind: Kind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    pub mtime: i64,
    pub link: &'a str,
}

fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let text = format!("{value:0width$o}");
    let bytes = text.as_bytes();
    let start = bytes.len().saturating_sub(width);
    field[..width].copy_from_slice(&bytes[start..]);
    field[width] = 0;
}

fn put(field: &mut [u8], text: &[u8]) {
    let n = text.len().min(field.len());
    field[..n].copy_from_slice(&text[..n]);
}

/// The 512-byte header (and any long-name records before it) for `h`.
pub fn header_bytes(h: &Header) -> Vec<u8> {
    let mut out = Vec::new();
    if h.name.len() > 100 {
        out.extend(long_name_record(b'L', h.name));
    }
    if h.link.len() > 100 {
        out.extend(long_name_record(b'K', h.link));
    }
    let typeflag = match h.kind {
        Kind::File | Kind::Other => b'0',
        Kind::Dir => b'5',
        Kind::Symlink => b'2',
    };
    out.extend(block(h.name.as_bytes(), typeflag, h, h.link.as_bytes()));
    out
}

fn long_name_record(typeflag: u8, name: &str) -> Vec<u8> {
    let mut data = name.as_bytes().to_vec();
    data.push(0);
    let h = Header {
        name: "././@LongLink",
        kind: Kind::File,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: data.len() as u64,
        mtime: 0,
        link: "",
    };
    let mut out = block(b"././@LongLink", typeflag, &h, b"");
    out.extend(&data);
    out.extend(std::iter::repeat_n(0u8, padding(data.len() as u64)));
    out
}

fn block(name: &[u8], typeflag: u8, h: &Header, link: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 512];
    put(&mut b[0..100], name);
    octal(&mut b[100..108], u64::from(h.mode & 0o7777));
    octal(&mut b[108..116], u64::from(h.uid));
    octal(&mut b[116..124], u64::from(h.gid));
    octal(&mut b[124..136], h.size);
    octal(&mut b[136..148], h.mtime.max(0) as u64);
    b[156] = typeflag;
    put(&mut b[157..257], link);
    put(&mut b[257..265], b"ustar\x0000");
    b[148..156].copy_from_slice(b"        ");
    let sum: u32 = b.iter().map(|&x| u32::from(x)).sum();
    octal(&mut b[148..155], u64::from(sum));
    b[155] = b' ';
    b
}

/// Zero bytes after `size` bytes of data, to the next 512.
pub fn padding(size: u64) -> usize {
    ((512 - size % 512) % 512) as usize
}

/// The two zero blocks that end an archive.
pub fn trailer() -> Vec<u8> {
    vec![0u8; 1024]
}

fn text(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

fn number(field: &[u8]) -> io::Result<u64> {
    if field.first().is_some_and(|b| b & 0x80 != 0) {
        // base-256
        let mut v: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            v = v.checked_mul(256).ok_or_else(corrupt)? + u64::from(b);
        }
        return Ok(v);
    }
    let t = text(field);
    let t = t.trim_matches(|c: char| c == ' ' || c == '\0');
    if t.is_empty() {
        return Ok(0);
    }
    u64::from_str_radix(t, 8).map_err(|_| corrupt())
}

fn corrupt() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "archive/tar: invalid tar header",
    )
}

/// PAX records `"%d key=value\n"`: the path and linkpath.
fn pax_records(data: &[u8]) -> (Option<String>, Option<String>) {
    let (mut path, mut link) = (None, None);
    let mut rest = data;
    while !rest.is_empty() {
        let Some(space) = rest.iter().position(|&b| b == b' ') else {
            break;
        };
        let Ok(len) = String::from_utf8_lossy(&rest[..space]).parse::<usize>() else {
            break;
        };
        if len > rest.len() || len <= space + 1 {
            break;
        }
        let record = String::from_utf8_lossy(&rest[space + 1..len]).into_owned();
        let record = record.strip_suffix('\n').unwrap_or(&record);
        if let Some((key, value)) = record.split_once('=') {
            match key {
                "path" => path = Some(value.to_string()),
                "linkpath" => link = Some(value.to_string()),
                _ => {}
            }
        }
        rest = &rest[len..];
    }
    (path, link)
}

/// Every entry of an archive, in order; an archive cut short is an error
/// (`unexpected EOF`), an archive without its trailer is not.
pub fn read_entries(data: &[u8]) -> io::Result<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut at = 0usize;
    let (mut long_name, mut long_link): (Option<String>, Option<String>) = (None, None);
    loop {
        if at == data.len() {
            break;
        }
        if at + 512 > data.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "unexpected EOF",
            ));
        }
        let b = &data[at..at + 512];
        at += 512;
        if b.iter().all(|&x| x == 0) {
            break;
        }
        let stored: u64 = number(&b[148..156])?;
        let mut sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
        sum = sum - b[148..156].iter().map(|&x| u64::from(x)).sum::<u64>() + 8 * 32;
        if sum != stored {
            return Err(corrupt());
        }
        let size = number(&b[124..136])? as usize;
        let typeflag = b[156];
        let end = at.checked_add(size).ok_or_else(corrupt)?;
        if end > data.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "unexpected EOF",
            ));
        }
        let body = &data[at..end];
        at = end + padding(size as u64);
        if at > data.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "unexpected EOF",
            ));
        }
        match typeflag {
            b'L' => {
                long_name = Some(text(body));
                continue;
            }
            b'K' => {
                long_link = Some(text(body));
                continue;
            }
            b'x' => {
                let (p, l) = pax_records(body);
                long_name = p.or(long_name);
                long_link = l.or(long_link);
                continue;
            }
            b'g' => continue,
            _ => {}
        }
        let magic = &b[257..263];
        let mut name = text(&b[0..100]);
        if magic == b"ustar\0" {
            let prefix = text(&b[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        let name = long_name.take().unwrap_or(name);
        let link = long_link.take().unwrap_or_else(|| text(&b[157..257]));
        let kind = match typeflag {
            b'0' | 0 | b'7' => {
                if typeflag != b'5' && name.ends_with('/') {
                    Kind::Dir
                } else {
                    Kind::File
                }
            }
            b'5' => Kind::Dir,
            b'2' => Kind::Symlink,
            _ => Kind::Other,
        };
        let data = if kind == Kind::File {
            body.to_vec()
        } else {
            Vec::new()
        };
        entries.push(Entry {
            name,
            kind,
            link,
            data,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_entries_read_back() {
        let long = "d/".repeat(80) + "file";
        let mut archive = Vec::new();
        for (name, kind, data, link) in [
            ("a.txt", Kind::File, &b"hello\n"[..], ""),
            ("dir", Kind::Dir, b"", ""),
            (long.as_str(), Kind::File, b"x", ""),
            ("l", Kind::Symlink, b"", "a.txt"),
        ] {
            archive.extend(header_bytes(&Header {
                name,
                kind,
                mode: 0o644,
                uid: 0,
                gid: 0,
                size: data.len() as u64,
                mtime: 0,
                link,
            }));
            archive.extend(data);
            archive.extend(std::iter::repeat_n(0u8, padding(data.len() as u64)));
        }
        archive.extend(trailer());
        let entries = read_entries(&archive).unwrap();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.txt", "dir", long.as_str(), "l"]);
        assert_eq!(entries[0].data, b"hello\n");
        assert_eq!(entries[1].kind, Kind::Dir);
        assert_eq!(entries[3].kind, Kind::Symlink);
        assert_eq!(entries[3].link, "a.txt");
        assert!(read_entries(&archive[..600]).is_err());
    }
}
