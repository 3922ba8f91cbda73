//! The server's protobuf encoding, read: the `k8s\0` envelope (a
//! `runtime.Unknown` holding the object), list fields, and a reader of
//! protobuf's wire format for decoders of particular kinds. The server
//! encodes protobuf several times faster than JSON, which is what large
//! lists of built-in kinds cost.

/// The prefix of every protobuf body the server sends.
pub const MAGIC: &[u8] = b"k8s\x00";

/// Whether a body is in the server's protobuf encoding.
pub fn is_protobuf(body: &[u8]) -> bool {
    body.starts_with(MAGIC)
}

/// A body that is not what it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed protobuf: {0}")]
pub struct WireError(pub &'static str);

/// One field of a message: its number and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
}

impl<'a> Value<'a> {
    /// A length-delimited field (message, string, bytes); None otherwise.
    pub fn bytes(self) -> Option<&'a [u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A string field (invalid UTF-8 replaced).
    pub fn string(self) -> String {
        self.bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default()
    }

    pub fn varint(self) -> u64 {
        match self {
            Value::Varint(v) => v,
            _ => 0,
        }
    }
}

/// The fields of one message, in order.
pub struct Fields<'a> {
    rest: &'a [u8],
}

pub fn fields(message: &[u8]) -> Fields<'_> {
    Fields { rest: message }
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, WireError> {
        let mut value: u64 = 0;
        for (n, byte) in self.rest.iter().enumerate().take(10) {
            value |= u64::from(byte & 0x7f) << (7 * n);
            if byte & 0x80 == 0 {
                self.rest = &self.rest[n + 1..];
                return Ok(value);
            }
        }
        Err(WireError("bad varint"))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if self.rest.len() < n {
            return Err(WireError("field past the end"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn field(&mut self) -> Result<(u32, Value<'a>), WireError> {
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| WireError("bad field number"))?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                Value::Fixed64(u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| WireError("bad length"))?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                Value::Fixed32(u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
            }
            _ => return Err(WireError("unknown wire type")),
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let item = self.field();
        if item.is_err() {
            self.rest = &[];
        }
        Some(item)
    }
}

/// The object inside the envelope (`Unknown.raw`).
pub fn unwrap(body: &[u8]) -> Result<&[u8], WireError> {
    let envelope = body
        .strip_prefix(MAGIC)
        .ok_or(WireError("no k8s envelope"))?;
    let mut raw: &[u8] = &[];
    for field in fields(envelope) {
        match field? {
            (2, v) => raw = v.bytes().ok_or(WireError("bad raw field"))?,
            // contentEncoding: the server sends none; anything else is
            // more than this reader understands.
            (3, v) if !v.bytes().unwrap_or_default().is_empty() => {
                return Err(WireError("encoded content"))
            }
            _ => {}
        }
    }
    Ok(raw)
}

/// The `metadata.continue` of a list body.
pub fn list_continue(body: &[u8]) -> Option<String> {
    list_meta_string(body, 3)
}

/// The `metadata.resourceVersion` of a list body.
pub fn list_resource_version(body: &[u8]) -> Option<String> {
    list_meta_string(body, 2)
}

/// A string field of a list body's `ListMeta`.
fn list_meta_string(body: &[u8], number: u32) -> Option<String> {
    let list = unwrap(body).ok()?;
    for field in fields(list) {
        if let (1, meta) = field.ok()? {
            for field in fields(meta.bytes()?) {
                match field.ok()? {
                    (n, value) if n == number => return Some(value.string()),
                    _ => {}
                }
            }
        }
    }
    None
}

/// The items of a list body, each an encoded object.
pub fn list_items(body: &[u8]) -> Result<Vec<&[u8]>, WireError> {
    let list = unwrap(body)?;
    let mut items = Vec::new();
    for field in fields(list) {
        if let (2, item) = field? {
            items.push(item.bytes().ok_or(WireError("bad item"))?);
        }
    }
    Ok(items)
}

/// A `map<string, …>` entry: its key and encoded value.
pub fn map_entry(entry: &[u8]) -> Result<(String, Option<Value<'_>>), WireError> {
    let mut key = String::new();
    let mut value = None;
    for field in fields(entry) {
        match field? {
            (1, k) => key = k.string(),
            (2, v) => value = Some(v),
            _ => {}
        }
    }
    Ok((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A length-delimited field.
    fn ld(number: u32, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![(number << 3 | 2) as u8, bytes.len() as u8];
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn envelope_list_meta_and_items() {
        let mut meta = ld(2, b"77");
        meta.extend(ld(3, b"next"));
        let mut list = ld(1, &meta);
        list.extend(ld(2, b"a"));
        list.extend(ld(2, b"bc"));
        let mut body = MAGIC.to_vec();
        body.extend(ld(2, &list));
        assert_eq!(list_continue(&body).as_deref(), Some("next"));
        assert_eq!(list_resource_version(&body).as_deref(), Some("77"));
        assert_eq!(list_items(&body).unwrap(), vec![&b"a"[..], &b"bc"[..]]);
    }

    #[test]
    fn truncated_bodies_are_errors() {
        let mut body = MAGIC.to_vec();
        body.extend([0x12, 0x05, 0x12]);
        assert!(list_items(&body).is_err());
        assert!(unwrap(b"{\"kind\":\"PodList\"}").is_err());
        let mut fields = fields(&[0x08, 0x96, 0x01]);
        assert_eq!(fields.next(), Some(Ok((1, Value::Varint(150)))));
    }
}
