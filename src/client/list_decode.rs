//! Decoding a list response as its bytes arrive: the elements of `items`
//! come out one at a time, so a list of any size is never held whole.
//!
//! The result is what [`super::decode::unstructured`] makes of the whole
//! body, item for item and error for error: a syntax error anywhere wins
//! over a wrongly shaped answer, Go's words are used for both, and an
//! answer that is no list at all (no `items` array) is kept whole and given
//! to `unstructured` at the end. The one difference is in time: items that
//! arrived complete before an error are handed out before the error is
//! known, as items of earlier pages are.

use std::collections::VecDeque;

use serde_json::{Map, Value};

use super::decode::{self, DecodeError};

/// The nesting of a list's items (the list object, then `items`).
const ITEM_DEPTH: usize = 2;

/// The `apiVersion` and `kind` a list gives those of its items that lack
/// them (apimachinery's list decoding does the same).
#[derive(Debug, Clone)]
pub struct ListType {
    /// None: elements are handed out as they are.
    api_version: Option<Value>,
    kind: Option<String>,
}

impl ListType {
    fn untyped() -> ListType {
        ListType {
            api_version: None,
            kind: None,
        }
    }

    /// The type implied by a list's own `apiVersion` and `kind`.
    pub fn of(list: &Map<String, Value>) -> ListType {
        ListType {
            api_version: Some(list.get("apiVersion").cloned().unwrap_or(Value::Null)),
            kind: list
                .get("kind")
                .and_then(Value::as_str)
                .map(|k| k.strip_suffix("List").unwrap_or(k).to_string()),
        }
    }

    /// `item` with the list's type where it has none of its own.
    pub fn apply(&self, item: Value) -> Value {
        let Some(api_version) = &self.api_version else {
            return item;
        };
        let Value::Object(map) = item else {
            return item;
        };
        let mut with_type = Map::with_capacity(map.len() + 2);
        if !map.contains_key("apiVersion") {
            with_type.insert("apiVersion".into(), api_version.clone());
        }
        if let (Some(k), false) = (&self.kind, map.contains_key("kind")) {
            with_type.insert("kind".into(), Value::String(k.clone()));
        }
        with_type.extend(map);
        Value::Object(with_type)
    }
}

/// Where a value being read ends: brackets are counted, strings skipped.
/// A value that is not an object, array or string is measured by the
/// syntax scanner instead (`scalar`).
#[derive(Debug, Clone, Default)]
struct Skim {
    /// Offset (from the value's start) scanned so far.
    scanned: usize,
    depth: usize,
    in_string: bool,
    escaped: bool,
    scalar: bool,
}

impl Skim {
    /// Scans on from where it stopped; the value's length once complete.
    fn advance(&mut self, value: &[u8]) -> Option<usize> {
        if self.scalar {
            return None;
        }
        for (i, &c) in value.iter().enumerate().skip(self.scanned) {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if c == b'\\' {
                    self.escaped = true;
                } else if c == b'"' {
                    self.in_string = false;
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                continue;
            }
            match c {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        self.scanned = value.len();
        None
    }
}

/// Where the top level of the answer stands.
#[derive(Debug)]
enum State {
    /// Before the answer's value.
    Begin,
    /// Not a list object: kept whole and decoded at the end.
    Whole,
    /// After `{`: a key or `}`.
    KeyOrEnd,
    /// After `,`: a key.
    Key,
    /// Reading a key (from `start`).
    InKey {
        start: usize,
        skim: Skim,
    },
    Colon {
        key: String,
    },
    /// Before a member's value.
    Value {
        key: String,
    },
    InValue {
        key: String,
        start: usize,
        skim: Skim,
    },
    AfterValue,
    /// After `"items": [`.
    ItemOrEnd,
    /// After `,` in `items`.
    Item,
    InItem {
        start: usize,
        skim: Skim,
    },
    AfterItem,
    /// After the closing `}`.
    End,
    /// A syntax error was found; the rest does not matter.
    Failed,
}

/// A list response decoded incrementally.
pub struct ListDecoder {
    /// The member whose elements are handed out: `items` (typed as their
    /// list implies), or another such as a Table's `rows` (as they are).
    array: &'static str,
    state: State,
    /// Bytes not yet consumed; `pos` is where reading continues.
    buf: Vec<u8>,
    pos: usize,
    /// The whole answer so far, until an `items` array starts (an answer
    /// that turns out to be no list is decoded whole, as before).
    whole: Option<Vec<u8>>,
    /// The list's members other than `items`.
    head: Map<String, Value>,
    /// Its type, once items start; None while items are held back because
    /// the list's `apiVersion` or `kind` may still follow them.
    list_type: Option<ListType>,
    held: Vec<Value>,
    ready: VecDeque<Value>,
    /// The first item that is no object (reported unless a syntax error
    /// follows); no items are handed out after it.
    shape_error: Option<DecodeError>,
    error: Option<DecodeError>,
    eof: bool,
}

impl Default for ListDecoder {
    fn default() -> Self {
        ListDecoder::new()
    }
}

impl ListDecoder {
    pub fn new() -> ListDecoder {
        ListDecoder::elements_of("items")
    }

    /// A decoder handing out the elements of the member `array` untyped
    /// (a Table's `rows`); the answer's other members make the head.
    pub fn elements_of(array: &'static str) -> ListDecoder {
        ListDecoder {
            array,
            state: State::Begin,
            buf: Vec::new(),
            pos: 0,
            whole: Some(Vec::new()),
            head: Map::new(),
            list_type: None,
            held: Vec::new(),
            ready: VecDeque::new(),
            shape_error: None,
            error: None,
            eof: false,
        }
    }

    /// Takes the next piece of the answer.
    pub fn feed(&mut self, chunk: &[u8]) {
        if let Some(whole) = self.whole.as_mut() {
            whole.extend_from_slice(chunk);
        }
        if matches!(self.state, State::Whole | State::Failed) {
            return;
        }
        if self.pos > 0 && self.pos >= self.buf.len() / 2 {
            self.buf.drain(..self.pos);
            self.rebase(self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(chunk);
        self.run();
    }

    /// The next complete item, typed as its list implies.
    pub fn next_item(&mut self) -> Option<Value> {
        self.ready.pop_front()
    }

    /// Ends the answer: the list without its items (its `metadata` holds
    /// the `continue` token), or why kubectl would refuse the answer. Items
    /// completed by the end are still to be taken with `next_item`.
    pub fn finish(&mut self) -> Result<Map<String, Value>, DecodeError> {
        self.eof = true;
        self.run();
        if let State::Whole = self.state {
            let whole = self.whole.take().unwrap_or_default();
            return self.decode_whole(&whole);
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        if !matches!(self.state, State::End) {
            return Err(DecodeError(self.eof_error()));
        }
        if let Some(whole) = self.whole.take() {
            // No `items` array came: the answer is decoded as a whole.
            return self.decode_whole(&whole);
        }
        if let Some(e) = self.shape_error.take() {
            return Err(e);
        }
        let list_type = ListType::of(&self.head);
        for item in std::mem::take(&mut self.held) {
            self.ready.push_back(list_type.apply(item));
        }
        Ok(std::mem::take(&mut self.head))
    }

    fn decode_whole(&mut self, whole: &[u8]) -> Result<Map<String, Value>, DecodeError> {
        let value = decode::unstructured(whole)?;
        let Value::Object(mut map) = value else {
            return Ok(Map::new());
        };
        if let Some(Value::Array(items)) = map.remove("items") {
            let list_type = ListType::of(&map);
            self.ready
                .extend(items.into_iter().map(|i| list_type.apply(i)));
        }
        Ok(map)
    }

    /// The error at the end of an answer that stopped midway.
    fn eof_error(&self) -> String {
        let (start, depth) = match &self.state {
            State::InKey { start, .. } | State::InValue { start, .. } => (*start, 1),
            State::InItem { start, .. } => (*start, ITEM_DEPTH),
            _ => return decode::EOF.into(),
        };
        decode::check_value(&self.buf[start..], depth)
            .err()
            .unwrap_or_else(|| decode::EOF.into())
    }

    /// Offsets in the state are relative to `buf`; after dropping `by`
    /// consumed bytes they move back.
    fn rebase(&mut self, by: usize) {
        match &mut self.state {
            State::InKey { start, .. }
            | State::InValue { start, .. }
            | State::InItem { start, .. } => *start -= by,
            _ => {}
        }
    }

    fn fail(&mut self, message: String) {
        self.error = Some(DecodeError(message));
        self.state = State::Failed;
        self.held.clear();
        self.buf = Vec::new();
        self.pos = 0;
    }

    fn skip_ws(&mut self) -> Option<u8> {
        while let Some(&c) = self.buf.get(self.pos) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    /// Runs the state machine as far as the buffered bytes allow.
    fn run(&mut self) {
        loop {
            let state = std::mem::replace(&mut self.state, State::Failed);
            match self.step(state) {
                Some(next) => self.state = next,
                None => return,
            }
        }
    }

    /// One step from `state`: the next state, or None to wait for more
    /// bytes (`self.state` then holds where to resume).
    fn step(&mut self, state: State) -> Option<State> {
        match state {
            State::Failed | State::Whole => {
                self.state = state;
                None
            }
            State::Begin => match self.skip_ws() {
                None => self.wait(State::Begin),
                Some(b'{') => {
                    self.pos += 1;
                    Some(State::KeyOrEnd)
                }
                Some(_) => {
                    self.buf = Vec::new();
                    self.pos = 0;
                    self.state = State::Whole;
                    None
                }
            },
            State::KeyOrEnd | State::Key => {
                let or_end = matches!(state, State::KeyOrEnd);
                match self.skip_ws() {
                    None => self.wait(state),
                    Some(b'}') if or_end => {
                        self.pos += 1;
                        Some(State::End)
                    }
                    Some(b'"') => Some(State::InKey {
                        start: self.pos,
                        skim: Skim::default(),
                    }),
                    Some(c) => {
                        self.fail(decode::invalid_character(
                            c,
                            "looking for beginning of object key string",
                        ));
                        None
                    }
                }
            }
            State::InKey { start, mut skim } => match skim.advance(&self.buf[start..]) {
                None => self.wait(State::InKey { start, skim }),
                Some(len) => {
                    let text = &self.buf[start..start + len];
                    match decode::json_value(text, 1) {
                        Ok(Value::String(key)) => {
                            self.pos = start + len;
                            Some(State::Colon { key })
                        }
                        Ok(_) => {
                            self.fail(decode::EOF.into());
                            None
                        }
                        Err(e) => {
                            self.fail(e);
                            None
                        }
                    }
                }
            },
            State::Colon { key } => match self.skip_ws() {
                None => self.wait(State::Colon { key }),
                Some(b':') => {
                    self.pos += 1;
                    Some(State::Value { key })
                }
                Some(c) => {
                    self.fail(decode::invalid_character(c, "after object key"));
                    None
                }
            },
            State::Value { key } => match self.skip_ws() {
                None => self.wait(State::Value { key }),
                Some(b'[') if key == self.array && self.whole.is_some() => {
                    self.pos += 1;
                    self.whole = None;
                    if self.array != "items" {
                        self.list_type = Some(ListType::untyped());
                    } else if self.head.contains_key("apiVersion") && self.head.contains_key("kind")
                    {
                        self.list_type = Some(ListType::of(&self.head));
                    }
                    Some(State::ItemOrEnd)
                }
                Some(c) => Some(State::InValue {
                    key,
                    start: self.pos,
                    skim: Skim {
                        scalar: !matches!(c, b'{' | b'[' | b'"'),
                        ..Skim::default()
                    },
                }),
            },
            State::InValue {
                key,
                start,
                mut skim,
            } => match self.value_end(start, &mut skim, 1) {
                Err(e) => {
                    self.fail(e);
                    None
                }
                Ok(None) => self.wait(State::InValue { key, start, skim }),
                Ok(Some(end)) => {
                    match decode::json_value(&self.buf[start..end], 1) {
                        Ok(value) => {
                            self.head.insert(key, value);
                        }
                        Err(e) => {
                            self.fail(e);
                            return None;
                        }
                    }
                    self.pos = end;
                    Some(State::AfterValue)
                }
            },
            State::AfterValue => match self.skip_ws() {
                None => self.wait(State::AfterValue),
                Some(b',') => {
                    self.pos += 1;
                    Some(State::Key)
                }
                Some(b'}') => {
                    self.pos += 1;
                    Some(State::End)
                }
                Some(c) => {
                    self.fail(decode::invalid_character(c, "after object key:value pair"));
                    None
                }
            },
            State::ItemOrEnd | State::Item => {
                let or_end = matches!(state, State::ItemOrEnd);
                match self.skip_ws() {
                    None => self.wait(state),
                    Some(b']') if or_end => {
                        self.pos += 1;
                        Some(State::AfterValue)
                    }
                    Some(c) => Some(State::InItem {
                        start: self.pos,
                        skim: Skim {
                            scalar: !matches!(c, b'{' | b'[' | b'"'),
                            ..Skim::default()
                        },
                    }),
                }
            }
            State::InItem { start, mut skim } => match self.value_end(start, &mut skim, ITEM_DEPTH)
            {
                Err(e) => {
                    self.fail(e);
                    None
                }
                Ok(None) => self.wait(State::InItem { start, skim }),
                Ok(Some(end)) => {
                    match decode::json_value(&self.buf[start..end], ITEM_DEPTH) {
                        Ok(item) => self.item(item),
                        Err(e) => {
                            self.fail(e);
                            return None;
                        }
                    }
                    self.pos = end;
                    Some(State::AfterItem)
                }
            },
            State::AfterItem => match self.skip_ws() {
                None => self.wait(State::AfterItem),
                Some(b',') => {
                    self.pos += 1;
                    Some(State::Item)
                }
                Some(b']') => {
                    self.pos += 1;
                    Some(State::AfterValue)
                }
                Some(c) => {
                    self.fail(decode::invalid_character(c, "after array element"));
                    None
                }
            },
            State::End => match self.skip_ws() {
                None => self.wait(State::End),
                Some(c) => {
                    self.fail(decode::invalid_character(c, "after top-level value"));
                    None
                }
            },
        }
    }

    /// Stays in `state` until more bytes come (at the end, `finish` says
    /// what is missing).
    fn wait(&mut self, state: State) -> Option<State> {
        self.state = state;
        None
    }

    /// The end of the value starting at `start`: Ok(None) while it is
    /// incomplete, Err with Go's words for a syntax error in a scalar.
    fn value_end(
        &self,
        start: usize,
        skim: &mut Skim,
        depth: usize,
    ) -> Result<Option<usize>, String> {
        let value = &self.buf[start..];
        if !skim.scalar {
            return Ok(skim.advance(value).map(|len| start + len));
        }
        // Numbers and literals: the scanner says where they end, once
        // the byte after them is known.
        match decode::check_value(value, depth) {
            Ok(len) if len < value.len() || self.eof => Ok(Some(start + len)),
            Ok(_) => Ok(None),
            Err(e) if e == decode::EOF && !self.eof => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn item(&mut self, item: Value) {
        if self.shape_error.is_some() {
            return;
        }
        if !item.is_object() {
            self.shape_error = Some(DecodeError(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                decode::go_type(&item)
            )));
            self.held.clear();
            return;
        }
        match &self.list_type {
            Some(t) => self.ready.push_back(t.apply(item)),
            None => self.held.push(item),
        }
    }
}

#[cfg(test)]
mod tests;
