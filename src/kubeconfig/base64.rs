//! Base64 as Go's `encoding/base64.StdEncoding` reads and writes it: padded,
//! `\r` and `\n` skipped anywhere, and errors that name the offending byte
//! (`illegal base64 data at input byte 9`), which kubectl shows for a bad
//! `*-data` field.

use ::base64::Engine as _;

/// The standard padded encoding, as `json.Marshal` writes `[]byte`.
pub fn encode_std(data: &[u8]) -> String {
    ::base64::engine::general_purpose::STANDARD.encode(data)
}

/// Decodes like `StdEncoding.Decode`; on error returns the byte offset Go
/// reports in `CorruptInputError`.
pub fn decode_std(src: &[u8]) -> Result<Vec<u8>, usize> {
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0usize;
    loop {
        // One quantum of up to four symbols.
        let mut buf = [0u8; 4];
        let mut have = 0usize;
        let mut done = false;
        while have < 4 {
            if si == src.len() {
                if have == 0 {
                    return Ok(out);
                }
                return Err(si - have);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = symbol(c) {
                buf[have] = v;
                have += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Err(si - 1);
            }
            // Padding.
            match have {
                0 | 1 => return Err(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(src.len());
                    }
                    if src[si] != b'=' {
                        return Err(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                return Err(si);
            }
            done = true;
            break;
        }
        let n = u32::from(buf[0]) << 18
            | u32::from(buf[1]) << 12
            | u32::from(buf[2]) << 6
            | u32::from(buf[3]);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        match have {
            4 => out.extend_from_slice(&bytes),
            3 => out.extend_from_slice(&bytes[..2]),
            2 => out.push(bytes[0]),
            _ => {}
        }
        if done {
            return Ok(out);
        }
    }
}

fn symbol(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_go() {
        assert_eq!(decode_std(b"Zm9vCg==").unwrap(), b"foo\n");
        assert_eq!(decode_std(b"Zm9v\nYmFy").unwrap(), b"foobar");
        assert_eq!(decode_std(b"").unwrap(), b"");
        assert_eq!(decode_std(b"REFUQStPTUlUVEVE").unwrap().len(), 12);
    }

    #[test]
    fn reports_go_offsets() {
        assert_eq!(decode_std(b"notbase64!"), Err(9));
        assert_eq!(decode_std(b"abc"), Err(0));
        assert_eq!(decode_std(b"abcde"), Err(4));
        assert_eq!(decode_std(b"ab="), Err(3));
        assert_eq!(decode_std(b"a==="), Err(1));
        assert_eq!(decode_std(b"ab==x"), Err(4));
        assert_eq!(decode_std(b"abc=x"), Err(4));
    }

    #[test]
    fn encodes_padded() {
        assert_eq!(encode_std(b"foo\n"), "Zm9vCg==");
    }
}
