//! CertificateSigningRequests: the request's subject and alternative names,
//! read from its PKCS#10 DER with a small parser of just what kubectl shows.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::format::rfc1123z_at;
use super::json::{arr, name, opt_i, s, string_map};
use super::related::Related;
use super::writer::{PrefixWriter, LEVEL_0};
use super::{events_section, DescribeError};
use crate::printers::gofmt::human_duration;
use crate::resource::selector::format_labels;

/// What kubectl prints of an `x509.CertificateRequest`.
#[derive(Debug, Default, PartialEq)]
pub struct Request {
    pub common_name: String,
    pub serial_number: String,
    pub organization: Vec<String>,
    pub organizational_unit: Vec<String>,
    pub country: Vec<String>,
    pub locality: Vec<String>,
    pub province: Vec<String>,
    pub street_address: Vec<String>,
    pub postal_code: Vec<String>,
    pub dns_names: Vec<String>,
    pub email_addresses: Vec<String>,
    pub uris: Vec<String>,
    pub ip_addresses: Vec<String>,
}

/// One DER element: tag and contents.
struct Tlv<'a> {
    tag: u8,
    body: &'a [u8],
}

/// Splits `data` into its DER elements.
fn elements(mut data: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let tag = data[0];
        let first = *data.get(1)?;
        let (len, header) = if first < 0x80 {
            (first as usize, 2)
        } else {
            let n = (first & 0x7f) as usize;
            if n == 0 || n > 4 {
                return None;
            }
            let mut len = 0usize;
            for b in data.get(2..2 + n)? {
                len = (len << 8) | *b as usize;
            }
            (len, 2 + n)
        };
        let body = data.get(header..header + len)?;
        out.push(Tlv { tag, body });
        data = &data[header + len..];
    }
    Some(out)
}

fn only(data: &[u8], tag: u8) -> Option<&[u8]> {
    let e = elements(data)?;
    e.into_iter().find(|t| t.tag == tag).map(|t| t.body)
}

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;

const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_SERIAL: &[u8] = &[0x55, 0x04, 0x05];
const OID_C: &[u8] = &[0x55, 0x04, 0x06];
const OID_L: &[u8] = &[0x55, 0x04, 0x07];
const OID_ST: &[u8] = &[0x55, 0x04, 0x08];
const OID_STREET: &[u8] = &[0x55, 0x04, 0x09];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];
const OID_OU: &[u8] = &[0x55, 0x04, 0x0b];
const OID_POSTAL: &[u8] = &[0x55, 0x04, 0x11];
const OID_EXTENSION_REQUEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];

fn string_value(t: &Tlv) -> String {
    match t.tag {
        // BMPString: UTF-16 big endian.
        0x1e => {
            let units: Vec<u16> = t
                .body
                .chunks(2)
                .map(|c| ((c[0] as u16) << 8) | *c.get(1).unwrap_or(&0) as u16)
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(t.body).into_owned(),
    }
}

/// Parses a DER `CertificationRequest`.
pub fn parse_der(der: &[u8]) -> Option<Request> {
    let outer = only(der, SEQUENCE)?;
    let info = only(outer, SEQUENCE)?;
    let parts = elements(info)?;
    let mut req = Request::default();
    let subject = parts.get(1).filter(|t| t.tag == SEQUENCE)?;
    for rdn in elements(subject.body)? {
        for atv in elements(rdn.body)? {
            let fields = elements(atv.body)?;
            let (oid, value) = (fields.first()?, fields.get(1)?);
            if oid.tag != OID {
                continue;
            }
            let text = string_value(value);
            match oid.body {
                OID_CN => req.common_name = text,
                OID_SERIAL => req.serial_number = text,
                OID_C => req.country.push(text),
                OID_L => req.locality.push(text),
                OID_ST => req.province.push(text),
                OID_STREET => req.street_address.push(text),
                OID_O => req.organization.push(text),
                OID_OU => req.organizational_unit.push(text),
                OID_POSTAL => req.postal_code.push(text),
                _ => {}
            }
        }
    }
    if let Some(attrs) = parts.iter().find(|t| t.tag == 0xa0) {
        for attr in elements(attrs.body)? {
            let fields = elements(attr.body)?;
            if fields.first().map(|f| f.body) != Some(OID_EXTENSION_REQUEST) {
                continue;
            }
            let values = fields.get(1)?;
            for exts in elements(values.body)? {
                for ext in elements(exts.body)? {
                    let f = elements(ext.body)?;
                    if f.first().map(|x| x.body) != Some(OID_SAN) {
                        continue;
                    }
                    let octets = f.iter().find(|x| x.tag == 0x04)?;
                    let names = only(octets.body, SEQUENCE)?;
                    for n in elements(names)? {
                        let text = String::from_utf8_lossy(n.body).into_owned();
                        match n.tag {
                            0x81 => req.email_addresses.push(text),
                            0x82 => req.dns_names.push(text),
                            0x86 => req.uris.push(text),
                            0x87 => req.ip_addresses.push(ip_string(n.body)),
                            _ => {}
                        }
                    }
                }
            }
        }
    }
    Some(req)
}

/// Go's `net.IP.String()`.
fn ip_string(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            let v6 = std::net::Ipv6Addr::from(a);
            match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            }
        }
        _ => format!(
            "?{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
    }
}

/// The first PEM block of `pem`, if it is a certificate request.
fn pem_request(pem: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(pem);
    let begin = text.find("-----BEGIN ")?;
    let rest = &text[begin + 11..];
    let type_end = rest.find("-----")?;
    if &rest[..type_end] != "CERTIFICATE REQUEST" {
        return None;
    }
    let body_start = type_end + 5;
    let end = rest.find("-----END ")?;
    let body: String = rest[body_start..end]
        .lines()
        .filter(|l| !l.contains(':'))
        .collect::<Vec<_>>()
        .join("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

fn status_text(csr: &Value) -> String {
    let types: Vec<&str> = arr(csr, &["status", "conditions"])
        .iter()
        .map(|c| s(c, &["type"]))
        .collect();
    let mut status = if types.contains(&"Denied") {
        "Denied".to_string()
    } else if types.contains(&"Approved") {
        "Approved".to_string()
    } else {
        "Pending".to_string()
    };
    if types.contains(&"Failed") {
        status.push_str(",Failed");
    }
    if !s(csr, &["status", "certificate"]).is_empty() {
        status.push_str(",Issued");
    }
    status
}

pub fn describe(
    csr: &Value,
    related: &Related,
    show_events: bool,
    now: DateTime<Utc>,
) -> Result<String, DescribeError> {
    let pem = base64::engine::general_purpose::STANDARD
        .decode(s(csr, &["spec", "request"]))
        .unwrap_or_default();
    let der = pem_request(&pem).ok_or_else(|| {
        DescribeError::Message(
            "Error parsing CSR: PEM block type must be CERTIFICATE REQUEST".into(),
        )
    })?;
    let req = parse_der(&der).ok_or_else(|| {
        DescribeError::Message("Error parsing CSR: x509: malformed certificate request".into())
    })?;
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, &format!("Name:\t{}\n", name(csr)));
    w.write(
        LEVEL_0,
        &format!(
            "Labels:\t{}\n",
            format_labels(&string_map(csr, &["metadata", "labels"]))
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "Annotations:\t{}\n",
            format_labels(&string_map(csr, &["metadata", "annotations"]))
        ),
    );
    w.write(
        LEVEL_0,
        &format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z_at(csr, &["metadata", "creationTimestamp"])
        ),
    );
    w.write(
        LEVEL_0,
        &format!("Requesting User:\t{}\n", s(csr, &["spec", "username"])),
    );
    let signer = s(csr, &["spec", "signerName"]);
    if !signer.is_empty() {
        w.write(LEVEL_0, &format!("Signer:\t{signer}\n"));
    }
    if let Some(secs) = opt_i(csr, &["spec", "expirationSeconds"]) {
        w.write(
            LEVEL_0,
            &format!("Requested Duration:\t{}\n", human_duration(secs)),
        );
    }
    w.write(LEVEL_0, &format!("Status:\t{}\n", status_text(csr)));
    w.write(LEVEL_0, "Subject:\n");
    w.write(LEVEL_0, &format!("\tCommon Name:\t{}\n", req.common_name));
    w.write(
        LEVEL_0,
        &format!("\tSerial Number:\t{}\n", req.serial_number),
    );
    list(&mut w, "Organization", &req.organization);
    list(&mut w, "Organizational Unit", &req.organizational_unit);
    list(&mut w, "Country", &req.country);
    list(&mut w, "Locality", &req.locality);
    list(&mut w, "Province", &req.province);
    list(&mut w, "StreetAddress", &req.street_address);
    list(&mut w, "PostalCode", &req.postal_code);
    let sans =
        req.dns_names.len() + req.email_addresses.len() + req.ip_addresses.len() + req.uris.len();
    if sans > 0 {
        w.write(LEVEL_0, "Subject Alternative Names:\n");
        list(&mut w, "DNS Names", &req.dns_names);
        list(&mut w, "Email Addresses", &req.email_addresses);
        list(&mut w, "URIs", &req.uris);
        list(&mut w, "IP Addresses", &req.ip_addresses);
    }
    events_section(
        &mut w,
        csr,
        "CertificateSigningRequest",
        related,
        show_events,
        now,
    );
    Ok(w.finish())
}

/// `printListHelper`: values one per line under `\tName:`.
fn list(w: &mut PrefixWriter, title: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    w.write(LEVEL_0, &format!("\t{title}:\t"));
    w.write(LEVEL_0, &values.join("\n\t\t"));
    w.write(LEVEL_0, "\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_subject_and_alternative_names() {
        let pem = include_bytes!("../../tests/fixtures/describe/request.csr");
        let der = pem_request(pem).expect("pem");
        let req = parse_der(&der).expect("der");
        assert_eq!(req.common_name, "alice");
        assert_eq!(
            req.organization,
            vec!["devs".to_string(), "ops".to_string()]
        );
        assert_eq!(req.country, vec!["FR".to_string()]);
        assert_eq!(req.dns_names, vec!["alice.example.com".to_string()]);
        assert_eq!(req.email_addresses, vec!["alice@example.com".to_string()]);
        assert_eq!(
            req.ip_addresses,
            vec!["10.0.0.1".to_string(), "fd00::1".to_string()]
        );
        assert_eq!(req.uris, vec!["spiffe://example.com/alice".to_string()]);
    }
}
