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

/// One entry of an archive, held whole (for tests).
#[cfg(test)]
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

/// An entry's header, as the reader hands it on before the entry's data.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryHead {
    pub name: String,
    pub kind: Kind,
    pub link: String,
}

/// Where the reader hands entries: `begin`, the data of a file (in pieces,
/// as it arrives), `end`.
pub trait Sink {
    fn begin(&mut self, head: &EntryHead) -> io::Result<()>;
    fn data(&mut self, bytes: &[u8]) -> io::Result<()>;
    fn end(&mut self) -> io::Result<()>;
}

/// What the reader is in the middle of.
enum State {
    /// Collecting a 512-byte header block.
    Header,
    /// An entry's body: `left` bytes to go, then `pad` zero bytes. Records
    /// of long names and PAX headers are collected in `record`; a file's
    /// data goes to the sink.
    Body {
        left: u64,
        pad: usize,
        record: Option<(u8, Vec<u8>)>,
        file: bool,
    },
    /// The end-of-archive block was read: anything after it is ignored.
    Done,
}

/// A tar reader that takes the archive as it arrives (`feed`), holding only
/// the current header and long-name records, never a file's data.
pub struct Reader {
    state: State,
    block: Vec<u8>,
    long_name: Option<String>,
    long_link: Option<String>,
    /// Bytes taken so far (where a resumed stream continues).
    pub taken: u64,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            state: State::Header,
            block: Vec::with_capacity(512),
            long_name: None,
            long_link: None,
            taken: 0,
        }
    }
}

fn unexpected_eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "unexpected EOF")
}

/// Records longer than this are refused rather than held.
const MAX_RECORD: u64 = 1 << 20;

impl Reader {
    /// Takes the next bytes of the archive, handing complete headers and
    /// file data to `sink` as they are recognised.
    pub fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn Sink) -> io::Result<()> {
        self.taken += bytes.len() as u64;
        while !bytes.is_empty() {
            match &mut self.state {
                State::Done => return Ok(()),
                State::Header => {
                    let n = (512 - self.block.len()).min(bytes.len());
                    self.block.extend_from_slice(&bytes[..n]);
                    bytes = &bytes[n..];
                    if self.block.len() == 512 {
                        let block = std::mem::take(&mut self.block);
                        self.header(&block, sink)?;
                        self.block = block;
                        self.block.clear();
                    }
                }
                State::Body {
                    left,
                    pad,
                    record,
                    file,
                } => {
                    if *left > 0 {
                        let n = (*left).min(bytes.len() as u64) as usize;
                        match record {
                            Some((_, data)) => data.extend_from_slice(&bytes[..n]),
                            None if *file => sink.data(&bytes[..n])?,
                            None => {}
                        }
                        *left -= n as u64;
                        bytes = &bytes[n..];
                    } else {
                        let n = (*pad).min(bytes.len());
                        *pad -= n;
                        bytes = &bytes[n..];
                    }
                    if *left == 0 && *pad == 0 {
                        self.finish_entry(sink)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The stream has ended: an archive cut off inside a header or an
    /// entry is an error (`unexpected EOF`), one without its end-of-archive
    /// block is not.
    pub fn finish(&self) -> io::Result<()> {
        match &self.state {
            State::Header if self.block.is_empty() => Ok(()),
            State::Done => Ok(()),
            _ => Err(unexpected_eof()),
        }
    }

    fn header(&mut self, b: &[u8], sink: &mut dyn Sink) -> io::Result<()> {
        if b.iter().all(|&x| x == 0) {
            self.state = State::Done;
            return Ok(());
        }
        let stored: u64 = number(&b[148..156])?;
        let mut sum: u64 = b.iter().map(|&x| u64::from(x)).sum();
        sum = sum - b[148..156].iter().map(|&x| u64::from(x)).sum::<u64>() + 8 * 32;
        if sum != stored {
            return Err(corrupt());
        }
        let size = number(&b[124..136])?;
        let pad = padding(size);
        let typeflag = b[156];
        if matches!(typeflag, b'L' | b'K' | b'x' | b'g') {
            if size > MAX_RECORD {
                return Err(corrupt());
            }
            self.state = State::Body {
                left: size,
                pad,
                record: Some((typeflag, Vec::with_capacity(size as usize))),
                file: false,
            };
            return self.maybe_finished(sink);
        }
        let magic = &b[257..263];
        let mut name = text(&b[0..100]);
        if magic == b"ustar\0" {
            let prefix = text(&b[345..500]);
            if !prefix.is_empty() {
                name = format!("{prefix}/{name}");
            }
        }
        let name = self.long_name.take().unwrap_or(name);
        let link = self.long_link.take().unwrap_or_else(|| text(&b[157..257]));
        let kind = match typeflag {
            b'0' | 0 | b'7' if name.ends_with('/') => Kind::Dir,
            b'0' | 0 | b'7' => Kind::File,
            b'5' => Kind::Dir,
            b'2' => Kind::Symlink,
            _ => Kind::Other,
        };
        sink.begin(&EntryHead { name, kind, link })?;
        self.state = State::Body {
            left: size,
            pad,
            record: None,
            file: kind == Kind::File,
        };
        self.maybe_finished(sink)
    }

    /// An entry without data ends at once.
    fn maybe_finished(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        if matches!(
            self.state,
            State::Body {
                left: 0,
                pad: 0,
                ..
            }
        ) {
            self.finish_entry(sink)?;
        }
        Ok(())
    }

    fn finish_entry(&mut self, sink: &mut dyn Sink) -> io::Result<()> {
        let state = std::mem::replace(&mut self.state, State::Header);
        match state {
            State::Body {
                record: Some((typeflag, data)),
                ..
            } => match typeflag {
                b'L' => self.long_name = Some(text(&data)),
                b'K' => self.long_link = Some(text(&data)),
                b'x' => {
                    let (p, l) = pax_records(&data);
                    self.long_name = p.or(self.long_name.take());
                    self.long_link = l.or(self.long_link.take());
                }
                _ => {}
            },
            State::Body { .. } => sink.end()?,
            other => self.state = other,
        }
        Ok(())
    }
}

/// Every entry of a whole archive in memory, in order (for tests).
#[cfg(test)]
pub fn read_entries(data: &[u8]) -> io::Result<Vec<Entry>> {
    struct Collect(Vec<Entry>);
    impl Sink for Collect {
        fn begin(&mut self, head: &EntryHead) -> io::Result<()> {
            self.0.push(Entry {
                name: head.name.clone(),
                kind: head.kind,
                link: head.link.clone(),
                data: Vec::new(),
            });
            Ok(())
        }
        fn data(&mut self, bytes: &[u8]) -> io::Result<()> {
            if let Some(e) = self.0.last_mut() {
                e.data.extend_from_slice(bytes);
            }
            Ok(())
        }
        fn end(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut reader = Reader::default();
    let mut sink = Collect(Vec::new());
    reader.feed(data, &mut sink)?;
    reader.finish()?;
    Ok(sink.0)
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
        // Fed in pieces of every size, the same entries come out.
        for piece in 1..600 {
            struct Collect(Vec<String>, Vec<u8>);
            impl Sink for Collect {
                fn begin(&mut self, head: &EntryHead) -> io::Result<()> {
                    self.0.push(head.name.clone());
                    Ok(())
                }
                fn data(&mut self, bytes: &[u8]) -> io::Result<()> {
                    self.1.extend_from_slice(bytes);
                    Ok(())
                }
                fn end(&mut self) -> io::Result<()> {
                    Ok(())
                }
            }
            let mut reader = Reader::default();
            let mut sink = Collect(Vec::new(), Vec::new());
            for chunk in archive.chunks(piece) {
                reader.feed(chunk, &mut sink).unwrap();
            }
            reader.finish().unwrap();
            assert_eq!(sink.0, names, "pieces of {piece}");
            assert_eq!(sink.1, b"hello\nx", "pieces of {piece}");
            assert_eq!(reader.taken, archive.len() as u64);
        }
        // Cut inside the second entry's header: unexpected EOF.
        let mut reader = Reader::default();
        let mut sink = Collect2;
        reader.feed(&archive[..1100], &mut sink).unwrap();
        assert_eq!(
            reader.finish().unwrap_err().kind(),
            io::ErrorKind::UnexpectedEof
        );
    }

    struct Collect2;
    impl Sink for Collect2 {
        fn begin(&mut self, _: &EntryHead) -> io::Result<()> {
            Ok(())
        }
        fn data(&mut self, _: &[u8]) -> io::Result<()> {
            Ok(())
        }
        fn end(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}
