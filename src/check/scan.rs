//! The fast path: a validating scanner for the block-style YAML that
//! `helm template` and Helm 4 (kyaml) emit.
//!
//! It answers one question per document: "is this certainly valid YAML, and
//! what is its head?". It never reports an error. Anything outside the subset
//! it knows (flow or JSON documents, anchors, aliases, tags, multi-line plain
//! or quoted scalars, tabs in indentation, control characters, `...`) makes it
//! give up, and the caller parses the document with the full parser, which is
//! the only judge of invalid YAML and of where it is. So the subset only has
//! to be right in one direction: what it accepts must be valid and must have
//! the head the full parser would find (tested against the full parser).
//!
//! The scan is line based: indentation decides structure (a stack of open
//! block mappings and sequences), each line is checked for what may follow a
//! key or a dash, and block scalar bodies are skipped by indentation alone.

use std::borrow::Cow;

use memchr::{memchr, memchr2};

use super::head::{plain_text, put, Head, Text};

/// What the scanner made of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan<'a> {
    /// Only blank lines and comments.
    Empty,
    /// A valid block mapping with this head.
    Object(Head<'a>),
    /// Outside the subset: parse it fully.
    GiveUp,
}

/// Scan one document's text (its `---` line, if any, excluded).
pub fn scan(doc: &str) -> Scan<'_> {
    if has_unusual_chars(doc.as_bytes()) {
        return Scan::GiveUp;
    }
    let mut s = Scanner::default();
    let bytes = doc.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let mut line = &doc[at..end];
        if let Some(l) = line.strip_suffix('\r') {
            line = l;
        }
        if s.line(line).is_none() {
            return Scan::GiveUp;
        }
        at = end + 1;
    }
    s.finish()
}

/// Characters the scanner leaves to the full parser: control characters (a CR
/// only when it is not part of CRLF), DEL, NEL, LS, PS, BOM and non-characters,
/// which YAML forbids or treats specially. A cheap pass flags any control or
/// non-ASCII byte; the precise pass runs only on documents it flags.
fn has_unusual_chars(b: &[u8]) -> bool {
    // As i8, bytes >= 0x80 are negative, so one comparison covers both ranges.
    let candidate = |c: u8| ((c as i8) < 0x20 && c != b'\n' && c != b'\t') || c == 0x7f;
    if !b.chunks(256).any(|chunk| chunk.iter().fold(false, |acc, &c| acc | candidate(c))) {
        return false;
    }
    let s = match std::str::from_utf8(b) {
        Ok(s) => s,
        Err(_) => return true,
    };
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let ok = match c {
            '\t' | '\n' | ' '..='~' => true,
            '\r' => chars.peek() == Some(&'\n'),
            '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => false,
            '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}' => true,
            _ => false,
        };
        if !ok {
            return true;
        }
    }
    false
}

/// Which part of the head a mapping feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    None,
    Root,
    Metadata,
    Labels,
    Annotations,
}

/// Where a value goes in the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    ApiVersion,
    Kind,
    Name,
    Namespace,
    /// A mapping feeding a slot (`metadata`, `labels`, `annotations`).
    Map(Slot),
    /// One label or annotation; its key is in `Scanner::entry_key`.
    Entry(Slot),
}

/// An open block collection.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    indent: usize,
    seq: bool,
    slot: Slot,
}

/// A key or dash whose value has not started yet.
#[derive(Debug, Clone, Copy)]
struct Pending {
    /// Indentation of the collection holding the key or dash.
    owner: usize,
    /// A mapping value may be a sequence at the key's own indentation.
    compact: bool,
    target: Target,
}

/// Inside a block scalar's body.
#[derive(Debug, Clone, Copy)]
struct Block {
    /// Body lines must be indented more than this.
    min: usize,
    /// The body's indentation, fixed by its first non-blank line.
    content: Option<usize>,
    /// Longest leading blank line (YAML forbids it being longer than `content`).
    max_blank: usize,
}

#[derive(Default)]
struct Scanner<'a> {
    head: Head<'a>,
    stack: Vec<Ctx>,
    pending: Option<Pending>,
    block: Option<Block>,
    entry_key: Text<'a>,
}

enum KeyLine<'a> {
    /// `key:` with the text after the colon.
    Key(Cow<'a, str>, &'a str),
    /// Not a `key: value` line (a scalar or a flow collection on its own).
    Value,
}

/// Count leading spaces eight bytes at a time (indentation is most of a
/// rendered manifest's bytes).
fn leading_spaces(b: &[u8]) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let diff = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ SPACES;
        if diff != 0 {
            return i + (diff.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + b[i..].iter().take_while(|&&c| c == b' ').count()
}

fn is_dash(rest: &str) -> bool {
    let b = rest.as_bytes();
    b[0] == b'-' && (b.len() == 1 || b[1] == b' ')
}

fn skip_spaces(s: &str) -> &str {
    s.trim_start_matches(' ')
}

/// Nothing but spaces and an optional comment (which needs a space before it).
fn only_comment(after: &str) -> bool {
    let t = skip_spaces(after);
    t.is_empty() || (t.starts_with('#') && t.len() < after.len())
}

impl<'a> Scanner<'a> {
    fn line(&mut self, line: &'a str) -> Option<()> {
        let ind = leading_spaces(line.as_bytes());
        let rest = &line[ind..];
        if let Some(b) = &mut self.block {
            if rest.is_empty() {
                if b.content.is_none() {
                    b.max_blank = b.max_blank.max(ind);
                }
                return Some(());
            }
            match b.content {
                None if ind > b.min => {
                    if b.max_blank > ind {
                        return None;
                    }
                    b.content = Some(ind);
                    return Some(());
                }
                Some(c) if ind >= c => return Some(()),
                None if b.max_blank > 0 => return None,
                _ => self.block = None,
            }
        }
        if rest.is_empty() {
            return Some(());
        }
        match rest.as_bytes()[0] {
            b'\t' => return None,
            b'#' => return Some(()),
            _ => {}
        }
        if ind == 0 && (rest.starts_with("---") || rest.starts_with("...")) {
            return None;
        }
        self.content(ind, rest)
    }

    fn content(&mut self, ind: usize, rest: &'a str) -> Option<()> {
        if let Some(p) = self.pending.take() {
            if ind > p.owner || (p.compact && ind == p.owner && is_dash(rest)) {
                return self.nested(ind, rest, p);
            }
            // The value was null; the head field was already reset at its key.
        }
        let Some(top) = self.stack.last().copied() else {
            // The document's first content line: a key at column 0.
            if ind != 0 || is_dash(rest) {
                return None;
            }
            return match key_line(rest)? {
                KeyLine::Key(k, after) => {
                    self.stack.push(Ctx { indent: 0, seq: false, slot: Slot::Root });
                    self.key(0, k, after)
                }
                KeyLine::Value => None,
            };
        };
        if ind > top.indent {
            // A continuation line (multi-line scalar) or bad indentation.
            return None;
        }
        while self.stack.last()?.indent > ind {
            self.stack.pop();
        }
        let top = *self.stack.last()?;
        if top.indent != ind {
            return None;
        }
        if is_dash(rest) {
            return if top.seq { self.seq_entry(ind, rest) } else { None };
        }
        if top.seq {
            // A key at a compact sequence's indentation ends the sequence.
            self.stack.pop();
            let under = self.stack.last()?;
            if under.seq || under.indent != ind {
                return None;
            }
        }
        match key_line(rest)? {
            KeyLine::Key(k, after) => self.key(ind, k, after),
            KeyLine::Value => None,
        }
    }

    /// The first line of a pending key's or dash's value, on its own line.
    fn nested(&mut self, ind: usize, rest: &'a str, p: Pending) -> Option<()> {
        if is_dash(rest) {
            self.stack.push(Ctx { indent: ind, seq: true, slot: Slot::None });
            return self.seq_entry(ind, rest);
        }
        match key_line(rest)? {
            KeyLine::Key(k, after) => {
                let slot = match p.target {
                    Target::Map(slot) => slot,
                    _ => Slot::None,
                };
                self.stack.push(Ctx { indent: ind, seq: false, slot });
                self.key(ind, k, after)
            }
            // A scalar or flow collection alone on its line (`annotations:\n  {}`);
            // what follows must be back at the owner's indentation (checked by `content`).
            KeyLine::Value => self.value(rest, p.target, None),
        }
    }

    fn seq_entry(&mut self, ind: usize, rest: &'a str) -> Option<()> {
        let after = &rest[1..];
        let sub = skip_spaces(after);
        if sub.is_empty() || sub.starts_with('#') {
            self.pending = Some(Pending { owner: ind, compact: false, target: Target::None });
            return Some(());
        }
        let col = ind + 1 + (after.len() - sub.len());
        if is_dash(sub) {
            self.stack.push(Ctx { indent: col, seq: true, slot: Slot::None });
            return self.seq_entry(col, sub);
        }
        match key_line(sub)? {
            KeyLine::Key(k, after) => {
                self.stack.push(Ctx { indent: col, seq: false, slot: Slot::None });
                self.key(col, k, after)
            }
            KeyLine::Value => self.value(sub, Target::None, Some(ind)),
        }
    }

    /// `key:` in the mapping at indentation `ind`; `after` follows the colon.
    fn key(&mut self, ind: usize, key: Text<'a>, after: &'a str) -> Option<()> {
        let slot = self.stack.last()?.slot;
        let target = match (slot, key.as_ref()) {
            (Slot::Root, "apiVersion") => Target::ApiVersion,
            (Slot::Root, "kind") => Target::Kind,
            (Slot::Root, "metadata") => Target::Map(Slot::Metadata),
            (Slot::Metadata, "name") => Target::Name,
            (Slot::Metadata, "namespace") => Target::Namespace,
            (Slot::Metadata, "labels") => Target::Map(Slot::Labels),
            (Slot::Metadata, "annotations") => Target::Map(Slot::Annotations),
            (Slot::Labels | Slot::Annotations, _) => Target::Entry(slot),
            _ => Target::None,
        };
        if let Target::Entry(_) = target {
            self.entry_key = key;
        }
        // Duplicate keys: the last one wins, so forget what an earlier one set.
        if target != Target::None {
            self.set(target, None);
        }
        let v = skip_spaces(after);
        if v.is_empty() || v.starts_with('#') {
            self.pending = Some(Pending { owner: ind, compact: true, target });
            return Some(());
        }
        self.value(v, target, Some(ind))
    }

    /// A value starting on the current line. `block_owner` is the indentation a
    /// block scalar's body must exceed; `None` where a block scalar is not expected.
    fn value(&mut self, v: &'a str, target: Target, block_owner: Option<usize>) -> Option<()> {
        match v.as_bytes()[0] {
            b'|' | b'>' => {
                if target != Target::None || !block_header(&v[1..]) {
                    return None;
                }
                self.block = Some(Block { min: block_owner?, content: None, max_blank: 0 });
            }
            b'"' | b'\'' => {
                let (text, end) = quoted(v)?;
                if !only_comment(&v[end..]) {
                    return None;
                }
                if target != Target::None {
                    self.set(target, Some(text));
                }
            }
            b'[' | b'{' => {
                let end = flow(v.as_bytes(), 0, 0)?;
                if !only_comment(&v[end..]) {
                    return None;
                }
                // An empty mapping is fine for a head mapping (already reset);
                // anything else in flow style there goes to the full parser.
                if matches!(target, Target::Map(_)) && &v[..end] != "{}" {
                    return None;
                }
            }
            b'-' if v.len() > 1 && v.as_bytes()[1] != b' ' => self.plain(v, target)?,
            b'-' | b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' => return None,
            _ => self.plain(v, target)?,
        }
        Some(())
    }

    fn plain(&mut self, v: &'a str, target: Target) -> Option<()> {
        let text = plain_scalar(v)?;
        if target != Target::None {
            self.set(target, plain_text(text));
        }
        Some(())
    }

    /// Record (or with `None`, forget) a head value.
    fn set(&mut self, target: Target, value: Option<Text<'a>>) {
        let h = &mut self.head;
        match target {
            Target::None => {}
            Target::ApiVersion => h.api_version = value,
            Target::Kind => h.kind = value,
            Target::Name => h.name = value,
            Target::Namespace => h.namespace = value,
            Target::Map(Slot::Metadata) => {
                h.name = None;
                h.namespace = None;
                h.labels.clear();
                h.annotations.clear();
            }
            Target::Map(Slot::Labels) => h.labels.clear(),
            Target::Map(Slot::Annotations) => h.annotations.clear(),
            Target::Map(_) => {}
            Target::Entry(Slot::Labels) => put(&mut h.labels, self.entry_key.clone(), value),
            Target::Entry(_) => put(&mut h.annotations, self.entry_key.clone(), value),
        }
    }

    fn finish(mut self) -> Scan<'a> {
        if let Some(b) = self.block {
            if b.content.is_none() && b.max_blank > 0 {
                return Scan::GiveUp;
            }
        }
        self.pending = None;
        if self.stack.is_empty() {
            Scan::Empty
        } else {
            self.head.sort();
            Scan::Object(self.head)
        }
    }
}

/// Split a `key: value` line. `None`: give up (a key the subset does not take).
fn key_line(rest: &str) -> Option<KeyLine<'_>> {
    let b = rest.as_bytes();
    match b[0] {
        b'"' | b'\'' => {
            let (key, end) = quoted(rest)?;
            let after = skip_spaces(&rest[end..]);
            if let Some(a) = after.strip_prefix(':') {
                if a.is_empty() || a.starts_with(' ') {
                    return Some(KeyLine::Key(key, a));
                }
                return None;
            }
            Some(KeyLine::Value)
        }
        // `-x: 1` is a plain key; `- x` never gets here (callers test for a dash first).
        b'-' if b.len() > 1 && b[1] != b'\t' => plain_key(rest),
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%'
        | b'@' | b'`' => Some(KeyLine::Value),
        _ => plain_key(rest),
    }
}

/// A plain key: up to the first `:` followed by a space or the line's end;
/// a ` #` before it makes the line a plain scalar with a comment instead.
fn plain_key(rest: &str) -> Option<KeyLine<'_>> {
    let b = rest.as_bytes();
    let mut from = 0;
    while let Some(i) = find_any3(&b[from..], b':', b'#', b'\t').map(|i| from + i) {
        match b[i] {
            b':' if i + 1 == b.len() || b[i + 1] == b' ' => {
                let key = &rest[..i];
                if key.ends_with(' ') || key.len() > 1000 || key == "<<" {
                    return None;
                }
                return Some(KeyLine::Key(Cow::Borrowed(key), &rest[i + 1..]));
            }
            b'#' if b[i - 1] == b' ' => return Some(KeyLine::Value),
            b'\t' => return None,
            _ => {}
        }
        from = i + 1;
    }
    Some(KeyLine::Value)
}

/// The first byte equal to `x`, `y` or `z`, eight bytes at a time: keys and
/// values are too short for a SIMD search to pay for its set-up.
fn find_any3(b: &[u8], x: u8, y: u8, z: u8) -> Option<usize> {
    const LO: u64 = u64::from_le_bytes([1; 8]);
    const HI: u64 = LO << 7;
    // High bit set in each byte of `w` equal to `c`; the lowest one is exact.
    let hits = |w: u64, c: u8| {
        let d = w ^ (LO * c as u64);
        d.wrapping_sub(LO) & !d & HI
    };
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let h = hits(w, x) | hits(w, y) | hits(w, z);
        if h != 0 {
            return Some(i + (h.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|&c| c == x || c == y || c == z).map(|p| i + p)
}

/// A plain scalar in block context, up to a comment, trailing spaces trimmed.
/// `None` for what YAML rejects there (`: ` inside) or what the subset leaves
/// to the full parser (tabs).
fn plain_scalar(v: &str) -> Option<&str> {
    let b = v.as_bytes();
    let mut end = b.len();
    let mut from = 0;
    while let Some(i) = find_any3(&b[from..], b':', b'#', b'\t').map(|i| from + i) {
        match b[i] {
            b'\t' => return None,
            b'#' if i > 0 && b[i - 1] == b' ' => {
                end = i;
                break;
            }
            b':' if i + 1 == b.len() || b[i + 1] == b' ' => return None,
            _ => {}
        }
        from = i + 1;
    }
    Some(v[..end].trim_end_matches(' '))
}

/// A block scalar header after `|` or `>`: an optional chomping indicator and
/// an optional comment. Explicit indentation indicators go to the full parser.
fn block_header(h: &str) -> bool {
    let h = h.strip_prefix(['-', '+']).unwrap_or(h);
    only_comment(h)
}

/// A single- or double-quoted scalar that closes on this line: its value and
/// the byte index after the closing quote.
fn quoted(v: &str) -> Option<(Cow<'_, str>, usize)> {
    let b = v.as_bytes();
    if b[0] == b'\'' {
        let mut out: Option<String> = None;
        let mut from = 1;
        loop {
            let i = from + memchr(b'\'', &b[from..])?;
            if b.get(i + 1) == Some(&b'\'') {
                out.get_or_insert_with(String::new).push_str(&v[from..=i]);
                from = i + 2;
                continue;
            }
            return Some(match out {
                None => (Cow::Borrowed(&v[1..i]), i + 1),
                Some(mut s) => {
                    s.push_str(&v[from..i]);
                    (Cow::Owned(s), i + 1)
                }
            });
        }
    }
    let mut out: Option<String> = None;
    let mut from = 1;
    loop {
        let i = from + memchr2(b'"', b'\\', &b[from..])?;
        if b[i] == b'"' {
            return Some(match out {
                None => (Cow::Borrowed(&v[1..i]), i + 1),
                Some(mut s) => {
                    s.push_str(&v[from..i]);
                    (Cow::Owned(s), i + 1)
                }
            });
        }
        let s = out.get_or_insert_with(String::new);
        s.push_str(&v[from..i]);
        let (c, len) = escape(&b[i + 1..])?;
        s.push(c);
        from = i + 1 + len;
    }
}

/// A double-quoted escape (the bytes after the backslash): the character and
/// how many bytes it used. Line continuations go to the full parser.
fn escape(b: &[u8]) -> Option<(char, usize)> {
    let c = match *b.first()? {
        b'0' => '\0',
        b'a' => '\x07',
        b'b' => '\x08',
        b't' | b'\t' => '\t',
        b'n' => '\n',
        b'v' => '\x0b',
        b'f' => '\x0c',
        b'r' => '\r',
        b'e' => '\x1b',
        b' ' => ' ',
        b'"' => '"',
        b'/' => '/',
        b'\\' => '\\',
        b'N' => '\u{85}',
        b'_' => '\u{a0}',
        b'L' => '\u{2028}',
        b'P' => '\u{2029}',
        b'x' | b'u' | b'U' => {
            let n = match b[0] {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = std::str::from_utf8(b.get(1..=n)?).ok()?;
            if !hex.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            return Some((char::from_u32(u32::from_str_radix(hex, 16).ok()?)?, n + 1));
        }
        _ => return None,
    };
    Some((c, 1))
}

/// A flow collection that closes on this line, starting at `b[i]` (`[` or
/// `{`): the index after its closing bracket. Conservative: pairs inside
/// sequences, keys without values, empty entries, trailing commas, anchors and
/// tags go to the full parser.
fn flow(b: &[u8], mut i: usize, depth: usize) -> Option<usize> {
    if depth > 32 {
        return None;
    }
    let map = b[i] == b'{';
    let close = if map { b'}' } else { b']' };
    i += 1;
    let mut first = true;
    loop {
        i = skip_ws(b, i);
        if *b.get(i)? == close && first {
            return Some(i + 1);
        }
        let json_like = matches!(b[i], b'"' | b'\'' | b'[' | b'{');
        i = skip_ws(b, flow_node(b, i, depth)?);
        if map {
            if b.get(i) != Some(&b':') {
                return None;
            }
            // Only a JSON-like key (quoted or a collection) may have its value
            // right after the colon (`"a":1`); a plain one needs a space.
            if !json_like && b.get(i + 1) != Some(&b' ') {
                return None;
            }
            i = skip_ws(b, i + 1);
            if !matches!(b.get(i), Some(b',') | Some(b'}')) {
                i = skip_ws(b, flow_node(b, i, depth)?);
            }
        }
        match *b.get(i)? {
            b',' => i += 1,
            c if c == close => return Some(i + 1),
            _ => return None,
        }
        first = false;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// One node inside a flow collection: the index after it.
fn flow_node(b: &[u8], i: usize, depth: usize) -> Option<usize> {
    match *b.get(i)? {
        b'[' | b'{' => flow(b, i, depth + 1),
        b'"' | b'\'' => {
            // `quoted` works on str; the line is valid UTF-8 and `i` is at an ASCII quote.
            let s = std::str::from_utf8(&b[i..]).ok()?;
            quoted(s).map(|(_, end)| i + end)
        }
        b'-' if !matches!(b.get(i + 1), None | Some(b' ' | b',' | b']' | b'}' | b'[' | b'{')) => plain_flow(b, i),
        b'-' | b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
        | b'\t' => None,
        _ => plain_flow(b, i),
    }
}

/// A plain scalar inside a flow collection: up to `,[]{}`, a `:` that ends a
/// key, or a comment. Returns the index after it (trailing spaces included).
fn plain_flow(b: &[u8], mut i: usize) -> Option<usize> {
    while let Some(&c) = b.get(i) {
        match c {
            b',' | b'[' | b']' | b'{' | b'}' => break,
            b':' if matches!(b.get(i + 1), None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')) => break,
            b'#' if b[i - 1] == b' ' => return None,
            b'\t' => return None,
            _ => i += 1,
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_any3_finds_the_first_of_three_bytes() {
        let s = b"abcdefghijklmnop:qrs#tuv";
        for start in 0..s.len() {
            let want = s[start..].iter().position(|&c| c == b':' || c == b'#' || c == b'\t');
            assert_eq!(find_any3(&s[start..], b':', b'#', b'\t'), want);
        }
        // A byte just above a match must not shadow it (borrows only run upwards).
        assert_eq!(find_any3(b"\x01:xxxxxxxx", b':', b'#', b'\t'), Some(1));
        assert_eq!(find_any3(&[0x3b, 0x3a, 0, 0, 0, 0, 0, 0], b':', b'#', b'\t'), Some(1));
        assert_eq!(find_any3(b"", b':', b'#', b'\t'), None);
    }

    #[test]
    fn leading_spaces_in_blocks_of_eight() {
        for n in 0..20 {
            let s = " ".repeat(n) + "x ";
            assert_eq!(leading_spaces(s.as_bytes()), n);
            assert_eq!(leading_spaces(" ".repeat(n).as_bytes()), n);
        }
    }

    fn head(doc: &str) -> Head<'_> {
        match scan(doc) {
            Scan::Object(h) => h,
            other => panic!("expected an object, got {other:?} for:\n{doc}"),
        }
    }

    fn gives_up(doc: &str) {
        assert_eq!(scan(doc), Scan::GiveUp, "should give up on:\n{doc}");
    }

    const DEPLOYMENT: &str = "# Source: camunda-platform/templates/orchestration/importer-deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: camunda-zeebe-migration-importer
  labels:
    app: camunda-platform
    app.kubernetes.io/component: orchestration-importer
    app.kubernetes.io/version: \"8.8.36\"
  annotations:
spec:
  replicas: 1
  selector:
    matchLabels:
      app: camunda-platform
  template:
    metadata:
      annotations:
        checksum/config: 55d79b
    spec:
      imagePullSecrets:
        []
      initContainers:
      containers:
        - name: orchestration-migration-importer
          image: camunda/camunda:8.8.36
          command: [\"bash\", \"/usr/local/bin/startup.sh\"]
          env:
            - name: LC_ALL
              value: C.UTF-8
            
            - name: JAVA_TOOL_OPTIONS
              value: \"-XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/usr/local/camunda/data\"
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - podAffinityTerm:
              labelSelector:
                matchExpressions:
                - key: app.kubernetes.io/component
                  operator: In
                  values:
                  - zeebe-broker
            weight: 1
";

    #[test]
    fn helm_template_deployment() {
        let h = head(DEPLOYMENT);
        assert_eq!(h.api_version.as_deref(), Some("apps/v1"));
        assert_eq!(h.kind.as_deref(), Some("Deployment"));
        assert_eq!(h.name.as_deref(), Some("camunda-zeebe-migration-importer"));
        assert_eq!(h.label("app.kubernetes.io/component"), Some("orchestration-importer"));
        assert_eq!(h.label("app.kubernetes.io/version"), Some("8.8.36"));
        assert!(h.annotations.is_empty());
    }

    #[test]
    fn block_scalars_are_skipped_by_indentation() {
        let h = head(
            "kind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  application.yaml: |\n    a: [unclosed\n\n      \"x\n  \
             other: |-\n    # not a comment\n    key: value: bad\nbinaryData: {}\n",
        );
        assert_eq!(h.name.as_deref(), Some("cfg"));
    }

    #[test]
    fn helm4_shape_and_duplicates() {
        let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n  labels: {}\n  labels:\n    \
                   x: '1'\n    x: 'it''s'\n  annotations:\n    \
                   postrenderer.helm.sh/postrender-filename: 'templates/cm.yaml'\n    \
                   \"helm.sh/hook\": pre-upgrade\ndata:\n  key: value\n";
        let h = head(doc);
        assert_eq!(h.name.as_deref(), Some("b"));
        assert_eq!(h.labels, vec![("x".into(), "it's".into())]);
        assert_eq!(h.annotation("postrenderer.helm.sh/postrender-filename"), Some("templates/cm.yaml"));
        assert_eq!(h.annotation("helm.sh/hook"), Some("pre-upgrade"));
    }

    #[test]
    fn compact_sequences_and_nested_values() {
        let doc = "kind: Role\nrules:\n- apiGroups:\n  - \"\"\n  resources: [pods, \"services\"]\n- - nested\n  - x\n\
                   metadata:\n  name:\n    spread\n  labels:\n    a:\n      b: c\n    d: \"e\\u00e9\\tf\"\n";
        let h = head(doc);
        assert_eq!(h.kind.as_deref(), Some("Role"));
        assert_eq!(h.name.as_deref(), Some("spread"));
        assert_eq!(h.labels, vec![("d".into(), "e\u{e9}\tf".into())]);
    }

    #[test]
    fn plain_scalars_resolve_like_helm_and_comments_are_stripped() {
        let h = head("kind: Thing # trailing\nmetadata:\n  name: on\n  labels:\n    n: 0755\n    b: x#y\n    z: ~\n");
        assert_eq!(h.kind.as_deref(), Some("Thing"));
        assert_eq!(h.name.as_deref(), Some("true"));
        assert_eq!(h.labels, vec![("b".into(), "x#y".into()), ("n".into(), "493".into())]);
    }

    #[test]
    fn crlf_lines() {
        let h = head("kind: A\r\nmetadata:\r\n  name: b\r\ndata:\r\n  x: |\r\n    y\r\n");
        assert_eq!(h.name.as_deref(), Some("b"));
    }

    #[test]
    fn empty_documents() {
        assert_eq!(scan(""), Scan::Empty);
        assert_eq!(scan("# only a comment\n\n   \n"), Scan::Empty);
    }

    #[test]
    fn gives_up_outside_the_subset() {
        gives_up("{\"kind\": \"A\"}\n");
        gives_up("- a\n");
        gives_up("  kind: A\n");
        gives_up("kind: &k A\n");
        gives_up("kind: !!str A\n");
        gives_up("kind: *k\n");
        gives_up("<<: {a: 1}\nkind: A\n");
        gives_up("kind: A\n  continued\n");
        gives_up("kind: \"multi\n  line\"\n");
        gives_up("kind: a: b\n");
        gives_up("kind: A\n\tmetadata: x\n");
        gives_up("kind: A\nmetadata:\n  labels: {a: b}\n");
        gives_up("kind: A\n...\n");
        gives_up("kind: A\nspec:\n  x: [a, b\n");
        gives_up("kind: A\nspec:\n  x: [a, b] c\n");
        gives_up("kind: A\nspec:\n  x:\n   - a\n  - b\n");
        gives_up("kind: A\nspec: 1\n- a\n");
        gives_up("kind: A\nspec:\n    a: 1\n  b: 2\n");
        gives_up("kind: A\nspec: |2\n   x\n");
        gives_up("kind: A\nx: \"bad \\q escape\"\n");
        gives_up("kind: A\nx: \x01\n");
        gives_up("kind: A\nx: a\rb\n");
        gives_up("kind: A\nkey without colon\n");
        gives_up("kind: A\nkey: \tvalue\n");
    }

    #[test]
    fn quoted_and_flow_values() {
        head("kind: A\nx: \"a \\\"b\\\" \\\\ c\" # c\ny: 'it''s'\nz: [ ]\nw: { a: [1, {b: c}], \"d\":e, f: }\nv: []\n");
        head("kind: A\nx: -1\ny: -foo\nz: url://host:80/x\n");
        gives_up("kind: A\nx: [a, ]\n");
        gives_up("kind: A\nx: [a: b]\n");
        gives_up("kind: A\nx: \"a\"b\n");
    }
}

#[cfg(test)]
#[path = "scan_diff_tests.rs"]
mod diff_tests;
