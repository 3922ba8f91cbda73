//! The checks Go's `tls.X509KeyPair` makes before `create secret tls`
//! stores a certificate and key: PEM blocks of the right types, a
//! certificate that parses, a private key in PKCS #1, PKCS #8 or SEC 1
//! form, and a key that belongs to the certificate's public key. Only the
//! DER structure is read; nothing is verified cryptographically.

use base64::Engine;

/// One PEM block: its type and decoded bytes.
struct Block {
    kind: String,
    bytes: Vec<u8>,
}

/// The PEM blocks of `data` in order, as Go's `pem.Decode` finds them
/// (blocks whose END line or base64 is broken are skipped).
fn pem_blocks(data: &[u8]) -> Vec<Block> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"\n-----END ";
    const DASHES: &[u8] = b"-----";
    let mut blocks = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        let Some(start) = find_begin(data, pos) else {
            break;
        };
        let after_begin = start + BEGIN.len();
        let (type_line, body_start) = line_at(data, after_begin);
        pos = after_begin;
        let Some(kind) = type_line.strip_suffix(DASHES) else {
            continue;
        };
        // Header lines (`Key: value`) come before the base64 text.
        let mut cursor = body_start;
        loop {
            let (line, next) = line_at(data, cursor);
            if cursor >= data.len() || !line.contains(&b':') {
                break;
            }
            cursor = next;
        }
        let Some(end_offset) = find(&data[cursor.saturating_sub(1)..], END) else {
            continue;
        };
        let end = cursor.saturating_sub(1) + end_offset;
        let trailer_start = end + END.len();
        let (end_line, rest) = line_at(data, trailer_start);
        let mut expected = kind.to_vec();
        expected.extend_from_slice(DASHES);
        if end_line != expected.as_slice() {
            continue;
        }
        let body: Vec<u8> = data[cursor.min(end)..end]
            .iter()
            .copied()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .collect();
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&body) else {
            continue;
        };
        blocks.push(Block {
            kind: String::from_utf8_lossy(kind).into_owned(),
            bytes,
        });
        pos = rest;
    }
    blocks
}

/// A BEGIN marker at the start of the data or of a line, from `pos` on.
fn find_begin(data: &[u8], pos: usize) -> Option<usize> {
    let mut from = pos;
    while let Some(i) = find(&data[from..], b"-----BEGIN ") {
        let at = from + i;
        if at == 0 || data[at - 1] == b'\n' {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Go's `getLine`: the line at `pos` without `\r\n` and trailing blanks,
/// and where the next line starts.
fn line_at(data: &[u8], pos: usize) -> (&[u8], usize) {
    let rest = &data[pos.min(data.len())..];
    let (mut line, next) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => (&rest[..i], pos + i + 1),
        None => (rest, data.len()),
    };
    line = line.strip_suffix(b"\r").unwrap_or(line);
    while let Some(trimmed) = line.strip_suffix(b" ").or_else(|| line.strip_suffix(b"\t")) {
        line = trimmed;
    }
    (line, next)
}

/// A DER element: its tag and contents.
#[derive(Clone, Copy)]
struct Der<'a> {
    tag: u8,
    content: &'a [u8],
}

/// Reads the elements of a DER sequence's contents in order.
struct DerReader<'a> {
    rest: &'a [u8],
}

impl<'a> DerReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        DerReader { rest: data }
    }

    fn next(&mut self) -> Option<Der<'a>> {
        let (&tag, rest) = self.rest.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let mut len = 0usize;
            for &b in &rest[..count] {
                len = (len << 8) | usize::from(b);
            }
            rest = &rest[count..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (content, after) = rest.split_at(len);
        self.rest = after;
        Some(Der { tag, content })
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        let el = self.next()?;
        (el.tag == tag).then_some(el.content)
    }

    fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];

/// A public key as the comparison needs it.
#[derive(Debug, PartialEq)]
enum PublicKey {
    Rsa {
        modulus: Vec<u8>,
        exponent: Vec<u8>,
    },
    /// The curve's OID and the point (None when a key does not carry it).
    Ec {
        curve: Vec<u8>,
        point: Option<Vec<u8>>,
    },
    Ed25519(Vec<u8>),
    Unknown,
}

impl PublicKey {
    fn same_type(&self, other: &PublicKey) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// An INTEGER's magnitude without leading zero bytes.
fn unsigned(int: &[u8]) -> Vec<u8> {
    let skip = int.iter().take_while(|&&b| b == 0).count();
    int[skip..].to_vec()
}

/// The public key of a DER certificate.
fn certificate_key(der: &[u8]) -> Option<PublicKey> {
    let cert = DerReader::new(der).expect(SEQUENCE)?;
    let tbs = DerReader::new(cert).expect(SEQUENCE)?;
    let mut fields = DerReader::new(tbs);
    if fields.peek_tag() == Some(0xa0) {
        fields.next()?;
    }
    fields.expect(INTEGER)?; // serial number
    fields.expect(SEQUENCE)?; // signature algorithm
    fields.expect(SEQUENCE)?; // issuer
    fields.expect(SEQUENCE)?; // validity
    fields.expect(SEQUENCE)?; // subject
    let spki = fields.expect(SEQUENCE)?;
    let mut spki = DerReader::new(spki);
    let mut algorithm = DerReader::new(spki.expect(SEQUENCE)?);
    let oid = algorithm.expect(OID)?;
    let params = algorithm.next();
    let bits = spki.expect(BIT_STRING)?;
    let (_, key) = bits.split_first()?;
    Some(match oid {
        OID_RSA => {
            let mut rsa = DerReader::new(DerReader::new(key).expect(SEQUENCE)?);
            PublicKey::Rsa {
                modulus: unsigned(rsa.expect(INTEGER)?),
                exponent: unsigned(rsa.expect(INTEGER)?),
            }
        }
        OID_EC => {
            let curve = params.filter(|p| p.tag == OID)?.content.to_vec();
            if key.first() != Some(&4) {
                return None;
            }
            PublicKey::Ec {
                curve,
                point: Some(key.to_vec()),
            }
        }
        OID_ED25519 => PublicKey::Ed25519(key.to_vec()),
        _ => PublicKey::Unknown,
    })
}

/// Go's `parsePrivateKey`: PKCS #1, then PKCS #8, then SEC 1.
fn private_key(der: &[u8]) -> Result<PublicKey, String> {
    if let Some(key) = pkcs1(der) {
        return Ok(key);
    }
    if let Some(key) = pkcs8(der) {
        return key;
    }
    if let Some(key) = sec1(der, None) {
        return Ok(key);
    }
    Err("tls: failed to parse private key".to_string())
}

fn pkcs1(der: &[u8]) -> Option<PublicKey> {
    let mut fields = DerReader::new(DerReader::new(der).expect(SEQUENCE)?);
    let version = unsigned(fields.expect(INTEGER)?);
    if version.len() > 1 || version.first().is_some_and(|&v| v > 1) {
        return None;
    }
    let modulus = unsigned(fields.expect(INTEGER)?);
    let exponent = unsigned(fields.expect(INTEGER)?);
    for _ in 0..6 {
        fields.expect(INTEGER)?;
    }
    Some(PublicKey::Rsa { modulus, exponent })
}

fn pkcs8(der: &[u8]) -> Option<Result<PublicKey, String>> {
    let mut fields = DerReader::new(DerReader::new(der).expect(SEQUENCE)?);
    fields.expect(INTEGER)?;
    let mut algorithm = DerReader::new(fields.expect(SEQUENCE)?);
    let oid = algorithm.expect(OID)?;
    let params = algorithm.next();
    let inner = fields.expect(OCTET_STRING)?;
    Some(match oid {
        OID_RSA => Ok(pkcs1(inner)?),
        OID_EC => {
            let curve = params.filter(|p| p.tag == OID).map(|p| p.content);
            Ok(sec1(inner, curve)?)
        }
        OID_ED25519 => {
            let seed = DerReader::new(inner).expect(OCTET_STRING)?;
            let pair = ring::signature::Ed25519KeyPair::from_seed_unchecked(seed).ok()?;
            Ok(PublicKey::Ed25519(
                ring::signature::KeyPair::public_key(&pair)
                    .as_ref()
                    .to_vec(),
            ))
        }
        OID_X25519 => Err("tls: found unknown private key type in PKCS#8 wrapping".to_string()),
        _ => return None,
    })
}

/// SEC 1 `ECPrivateKey`; the curve comes from the key or its PKCS #8
/// wrapping. Go derives the point from the scalar; the point stored with
/// the key is used here.
fn sec1(der: &[u8], curve: Option<&[u8]>) -> Option<PublicKey> {
    let mut fields = DerReader::new(DerReader::new(der).expect(SEQUENCE)?);
    if unsigned(fields.expect(INTEGER)?) != [1] {
        return None;
    }
    fields.expect(OCTET_STRING)?;
    let mut curve = curve.map(<[u8]>::to_vec);
    let mut point = None;
    while let Some(el) = fields.next() {
        match el.tag {
            0xa0 => curve = Some(DerReader::new(el.content).expect(OID)?.to_vec()),
            0xa1 => {
                let bits = DerReader::new(el.content).expect(BIT_STRING)?;
                point = Some(bits.split_first()?.1.to_vec());
            }
            _ => {}
        }
    }
    Some(PublicKey::Ec {
        curve: curve?,
        point,
    })
}

/// `tls.X509KeyPair(cert, key)`: Ok when the pair would load, else Go's
/// message.
pub fn check_key_pair(cert_pem: &[u8], key_pem: &[u8]) -> Result<(), String> {
    let cert_blocks = pem_blocks(cert_pem);
    let certs: Vec<&Block> = cert_blocks
        .iter()
        .filter(|b| b.kind == "CERTIFICATE")
        .collect();
    let Some(cert) = certs.first() else {
        let skipped: Vec<&str> = cert_blocks.iter().map(|b| b.kind.as_str()).collect();
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in certificate input".to_string(),
            [one] if one.ends_with("PRIVATE KEY") => "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".to_string(),
            _ => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    };
    let mut skipped: Vec<&str> = Vec::new();
    let key_blocks = pem_blocks(key_pem);
    let mut key = None;
    for block in &key_blocks {
        if block.kind == "PRIVATE KEY" || block.kind.ends_with(" PRIVATE KEY") {
            key = Some(block);
            break;
        }
        skipped.push(&block.kind);
    }
    let Some(key) = key else {
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in key input".to_string(),
            ["CERTIFICATE"] => "tls: found a certificate rather than a key in the PEM for the private key".to_string(),
            _ => format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    };
    let public = certificate_key(&cert.bytes).ok_or("x509: malformed certificate")?;
    let private = private_key(&key.bytes)?;
    if public == PublicKey::Unknown {
        return Err("tls: unknown public key algorithm".to_string());
    }
    if !public.same_type(&private) {
        return Err("tls: private key type does not match public key type".to_string());
    }
    let matches = match (&public, &private) {
        (
            PublicKey::Ec {
                curve: c1,
                point: p1,
            },
            PublicKey::Ec {
                curve: c2,
                point: p2,
            },
        ) => c1 == c2 && (p2.is_none() || p1 == p2),
        _ => public == private,
    };
    if !matches {
        return Err("tls: private key does not match public key".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_as_go_finds_them() {
        let data = b"junk\n-----BEGIN A-----\nQUJD\n-----END A-----\n-----BEGIN B-----\nProc-Type: 4\n\nREVG\n-----END B-----\n-----BEGIN C-----\n!!\n-----END C-----\n";
        let blocks = pem_blocks(data);
        let kinds: Vec<&str> = blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, ["A", "B"]);
        assert_eq!(blocks[0].bytes, b"ABC");
        assert_eq!(blocks[1].bytes, b"DEF");
    }

    #[test]
    fn missing_blocks_in_go_words() {
        assert_eq!(
            check_key_pair(b"", b"").unwrap_err(),
            "tls: failed to find any PEM data in certificate input"
        );
        let key = b"-----BEGIN RSA PRIVATE KEY-----\nQUJD\n-----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            check_key_pair(key, key).unwrap_err(),
            "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched"
        );
        let cert = b"-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
        assert_eq!(
            check_key_pair(cert, cert).unwrap_err(),
            "tls: found a certificate rather than a key in the PEM for the private key"
        );
        assert_eq!(
            check_key_pair(cert, key).unwrap_err(),
            "x509: malformed certificate"
        );
    }
}
