//! Where libyaml 0.2.5 (what `unsafe-libyaml` ports) reads differently from
//! go-yaml v2 (a translation of an older libyaml), and how the tree builder
//! gets go-yaml's reading anyway: `?` ends a plain scalar inside `[]`/`{}`,
//! `x:` before a flow indicator is a scalar, tags keep `,` `[` `]`, and
//! `\/` is no escape.

use super::libyaml::{Event, Mark};

/// Whether this event's tag stops at `,`, `[` or `]` in libyaml but not
/// in go-yaml, which keeps those in tags. `text` is the input.
pub(super) fn tag_cut_short(text: &[u8], event: &Event, mark: Mark) -> bool {
    let tagged = match event {
        Event::Scalar(s) => s.tag.is_some(),
        _ => false,
    } || matches!(
        event,
        Event::MappingStart { .. } | Event::SequenceStart { .. }
    );
    if !tagged {
        return false;
    }
    let Some(at) = tag_start(text, mark.index) else {
        return false;
    };
    let (libyaml_end, go_end) = tag_extents(text, at);
    libyaml_end != go_end
}

/// The offset of the tag in node properties starting at `at` (an anchor
/// may come first).
pub(super) fn tag_start(text: &[u8], mut at: usize) -> Option<usize> {
    if text.get(at) == Some(&b'&') {
        while at < text.len() && !matches!(text[at], b' ' | b'\t' | b'\n' | b'\r') {
            at += 1;
        }
        while at < text.len() && matches!(text[at], b' ' | b'\t') {
            at += 1;
        }
    }
    (text.get(at) == Some(&b'!') && text.get(at + 1) != Some(&b'<')).then_some(at)
}

/// Where a `!handle!suffix` / `!suffix` tag at `at` ends for libyaml and for
/// go-yaml (which also takes `,`, `[` and `]`).
pub(super) fn tag_extents(text: &[u8], at: usize) -> (usize, usize) {
    let uri = |c: u8, go: bool| {
        c.is_ascii_alphanumeric()
            || b"-_;/?:@&=+$.!~*'()%".contains(&c)
            || (go && b",[]".contains(&c))
    };
    let end = |go: bool| {
        let mut i = at + 1;
        while i < text.len() && uri(text[i], go) {
            i += 1;
        }
        i
    };
    (end(false), end(true))
}

/// Rewrites the tag at `at` (as go-yaml reads it) in verbatim form
/// `!<…>`, which libyaml takes whole. Only the `!` and `!!` handles are
/// known without `%TAG` directives.
pub(super) fn verbatim_tag(text: &[u8], at: usize) -> Option<Vec<u8>> {
    let at = tag_start(text, at)?;
    let (_, end) = tag_extents(text, at);
    let tag = std::str::from_utf8(&text[at..end]).ok()?;
    let body = &tag[1..];
    let handle_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(body.len());
    let full = if body[handle_len..].starts_with('!') {
        let (handle, suffix) = body.split_at(handle_len + 1);
        match handle {
            "!" => format!("tag:yaml.org,2002:{suffix}"),
            _ => return None,
        }
    } else {
        format!("!{body}")
    };
    if text.windows(4).any(|w| w == b"%TAG") {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() + 24);
    out.extend_from_slice(&text[..at]);
    out.extend_from_slice(b"!<");
    out.extend_from_slice(full.as_bytes());
    out.push(b'>');
    out.extend_from_slice(&text[end..]);
    Some(out)
}

/// libyaml rejects `x:` right before a flow indicator, go-yaml reads it as
/// the plain scalar `x:`; quoting it lets libyaml read the same value (only
/// columns move, and go-yaml's messages name lines only). A `?` inside it
/// fails first, as in go-yaml.
pub(super) fn quote_colon_scalar(
    text: &[u8],
    start: usize,
    colon: usize,
    in_sequence: bool,
) -> Result<Vec<u8>, String> {
    let (Some(scalar), Some(rest)) = (text.get(start..=colon), text.get(colon + 1..)) else {
        return Err("yaml: found unexpected ':'".into());
    };
    let line = text[..start].iter().filter(|&&b| b == b'\n').count() as u64;
    question_mark_in_flow(
        scalar,
        Mark {
            line,
            column: 0,
            index: start,
        },
        in_sequence,
    )?;
    let mut out = Vec::with_capacity(text.len() + scalar.len() + 2);
    out.extend_from_slice(&text[..start]);
    out.push(b'\'');
    for &byte in scalar {
        if byte == b'\'' {
            out.push(b'\'');
        }
        out.push(byte);
    }
    out.push(b'\'');
    out.extend_from_slice(rest);
    Ok(out)
}

/// go-yaml has no `\/` escape (YAML 1.2 added it, and libyaml with it).
pub(super) fn escaped_slash(raw: &[u8], mark: Mark) -> Result<(), String> {
    let mut i = 0;
    while i + 1 < raw.len() {
        if raw[i] == b'\\' {
            if raw[i + 1] == b'/' {
                let line = mark.line + raw[..i].iter().filter(|&&b| b == b'\n').count() as u64;
                return Err(if line == 0 {
                    "yaml: found unknown escape character".into()
                } else {
                    format!("yaml: line {}: found unknown escape character", line + 1)
                });
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// go-yaml ends a plain scalar at `?` inside `[]` or `{}` (libyaml no
/// longer does); the `?` then starts a key where a `,` must follow, so the
/// document fails there.
pub(super) fn question_mark_in_flow(
    raw: &[u8],
    mark: Mark,
    in_sequence: bool,
) -> Result<(), String> {
    let Some(at) = raw.iter().skip(1).position(|&b| b == b'?').map(|i| i + 1) else {
        return Ok(());
    };
    let before = &raw[..at];
    let breaks = before
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && before.get(i + 1) != Some(&b'\n')))
        .count() as u64;
    let line = mark.line + breaks;
    let closing = if in_sequence { ']' } else { '}' };
    let where_ = if line == 0 {
        String::new()
    } else {
        format!("line {line}: ")
    };
    Err(format!(
        "yaml: {where_}did not find expected ',' or '{closing}'"
    ))
}
