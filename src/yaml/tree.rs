//! A span-annotated YAML tree built from saphyr-parser events.
//!
//! Every node knows where it starts and where its last content ends, so the
//! lossless editor can cut and paste whole lines and diagnostics can point at
//! `file:line:col`. Aliases are kept as references (never expanded here), so an
//! alias bomb costs nothing until someone asks for its value (see `value.rs`,
//! which expands under a budget).

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;
use std::fmt;

/// Hard limits for hostile input.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
pub const MAX_DEPTH: usize = 256;
pub const MAX_NODES: usize = 2_000_000;

/// A position in the source: 0-based line, 0-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    fn from_marker(m: &saphyr_parser::Marker) -> Pos {
        Pos { line: m.line().saturating_sub(1), col: m.col() }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line + 1, self.col + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl From<ScalarStyle> for Style {
    fn from(s: ScalarStyle) -> Self {
        match s {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    Scalar { value: String, style: Style },
    Map { entries: Vec<Entry>, flow: bool },
    Seq { items: Vec<Node>, flow: bool },
    Alias(usize),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    /// Where the node starts (the first character of its content; for an
    /// anchored or tagged node, the anchor/tag).
    pub start: Pos,
    /// The line of the node's last content character (0-based).
    pub last_line: usize,
    /// Anchor id defined on this node, if any.
    pub anchor: Option<usize>,
    /// Explicit tag, e.g. `!!str`, as `handle+suffix`.
    pub tag: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// The key as text (keys are scalars in Helm values).
    pub key: String,
    pub key_pos: Pos,
    pub value: Node,
}

impl Node {
    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map { .. })
    }
    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            Kind::Map { entries, .. } => entries,
            _ => &[],
        }
    }
    pub fn scalar(&self) -> Option<(&str, Style)> {
        match &self.kind {
            Kind::Scalar { value, style } => Some((value, *style)),
            _ => None,
        }
    }
    /// The entry for `key`; with duplicate keys, the last one (as Helm does).
    pub fn get_entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().rev().find(|e| e.key == key)
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|e| &e.value)
    }
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        let mut n = self;
        for k in path {
            n = n.get(k)?;
        }
        Some(n)
    }
    /// True for a block (indented) collection; flow collections and scalars are inline.
    pub fn is_block_collection(&self) -> bool {
        matches!(self.kind, Kind::Map { flow: false, .. } | Kind::Seq { flow: false, .. })
    }
    /// Does this subtree define an anchor or use an alias?
    pub fn has_anchor_or_alias(&self) -> bool {
        if self.anchor.is_some() || matches!(self.kind, Kind::Alias(_)) {
            return true;
        }
        match &self.kind {
            Kind::Map { entries, .. } => entries.iter().any(|e| e.value.has_anchor_or_alias()),
            Kind::Seq { items, .. } => items.iter().any(|n| n.has_anchor_or_alias()),
            _ => false,
        }
    }
}

/// A parse error with its position.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)
    }
}

/// A duplicate key found while building the tree (Helm keeps the last one).
#[derive(Debug, Clone)]
pub struct Duplicate {
    pub path: String,
    pub parts: Vec<String>,
    pub first: Pos,
    pub second: Pos,
}

/// One parsed YAML document.
#[derive(Debug, Clone)]
pub struct Document {
    /// `None` for an empty document (only comments / whitespace).
    pub root: Option<Node>,
    /// Anchors by id, pointing at the node that defines them.
    pub anchors: HashMap<usize, Node>,
    pub anchor_names: HashMap<usize, String>,
    pub duplicates: Vec<Duplicate>,
}

/// Parse a single-document YAML text (a values file). A stream with more than
/// one document is an error: Helm reads only one document from a values file.
pub fn parse_document(text: &str) -> Result<Document, ParseError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ParseError {
            pos: Pos::default(),
            message: format!(
                "input is {} bytes; the limit is {} bytes",
                text.len(),
                MAX_INPUT_BYTES
            ),
        });
    }
    let mut b = Builder::new(text);
    b.run()?;
    Ok(Document {
        root: b.root,
        anchors: b.anchors,
        anchor_names: b.anchor_names,
        duplicates: b.duplicates,
    })
}

enum Frame {
    Map {
        start: Pos,
        anchor: Option<usize>,
        tag: Option<String>,
        flow: bool,
        entries: Vec<Entry>,
        pending_key: Option<(String, Pos)>,
        /// Index of keys, for large mappings (duplicate checks stay linear overall).
        index: HashMap<String, Pos>,
    },
    Seq { start: Pos, anchor: Option<usize>, tag: Option<String>, flow: bool, items: Vec<Node> },
}

struct Builder<'a> {
    text: &'a str,
    lines: Vec<&'a str>,
    stack: Vec<Frame>,
    root: Option<Node>,
    docs: usize,
    nodes: usize,
    anchors: HashMap<usize, Node>,
    anchor_names: HashMap<usize, String>,
    duplicates: Vec<Duplicate>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            lines: text.split('\n').collect(),
            stack: Vec::new(),
            root: None,
            docs: 0,
            nodes: 0,
            anchors: HashMap::new(),
            anchor_names: HashMap::new(),
            duplicates: Vec::new(),
        }
    }

    fn err(&self, pos: Pos, message: impl Into<String>) -> ParseError {
        ParseError { pos, message: message.into() }
    }

    /// The anchor name as written (`&name`) right before `pos`, for messages.
    fn anchor_name_at(&self, pos: Pos) -> Option<String> {
        let line = self.lines.get(pos.line)?;
        let rest: String = line.chars().skip(pos.col).collect();
        let rest = rest.strip_prefix('&')?;
        Some(rest.chars().take_while(|c| !c.is_whitespace() && *c != ',' && *c != ']' && *c != '}').collect())
    }

    /// The last line holding content of a scalar spanning `span`.
    fn scalar_last_line(&self, span: &Span, style: Style) -> usize {
        let start = Pos::from_marker(&span.start).line;
        let end = Pos::from_marker(&span.end);
        let mut last = end.line;
        if matches!(style, Style::Literal | Style::Folded) {
            // Block scalars end where the next token starts (often the next
            // key's line): that line is not theirs.
            let at_line_start = self.lines.get(last).is_none_or(|l| end.col <= l.len() - l.trim_start().len());
            if at_line_start && last > start {
                last -= 1;
            }
            while last > start && self.lines.get(last).is_none_or(|l| l.trim().is_empty()) {
                last -= 1;
            }
        }
        last
    }

    fn run(&mut self) -> Result<(), ParseError> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(ev) = parser.next_event() {
            let (ev, span) = ev.map_err(|e| {
                let m = e.marker();
                self.err(Pos { line: m.line().saturating_sub(1), col: m.col() }, e.info().to_string())
            })?;
            let pos = Pos::from_marker(&span.start);
            match ev {
                Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => {}
                Event::DocumentStart(_) => {
                    self.docs += 1;
                    if self.docs > 1 {
                        return Err(self.err(pos, "a values file holds one YAML document; found a second one (`---`)"));
                    }
                }
                Event::Alias(id) => {
                    let node = Node { kind: Kind::Alias(id), start: pos, last_line: pos.line, anchor: None, tag: None };
                    self.push_node(node, pos)?;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let style: Style = style.into();
                    let last_line = self.scalar_last_line(&span, style);
                    let node = Node {
                        kind: Kind::Scalar { value: value.into_owned(), style },
                        start: pos,
                        last_line,
                        anchor: (anchor != 0).then_some(anchor),
                        tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                    };
                    self.push_node(node, pos)?;
                }
                Event::MappingStart(anchor, tag) => {
                    self.enter(pos)?;
                    let flow = self.is_flow_start(pos, '{');
                    self.stack.push(Frame::Map {
                        start: pos,
                        anchor: (anchor != 0).then_some(anchor),
                        tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                        flow,
                        entries: Vec::new(),
                        pending_key: None,
                        index: HashMap::new(),
                    });
                }
                Event::SequenceStart(anchor, tag) => {
                    self.enter(pos)?;
                    let flow = self.is_flow_start(pos, '[');
                    self.stack.push(Frame::Seq {
                        start: pos,
                        anchor: (anchor != 0).then_some(anchor),
                        tag: tag.map(|t| format!("{}{}", t.handle, t.suffix)),
                        flow,
                        items: Vec::new(),
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    let end = Pos::from_marker(&span.end);
                    let frame = self.stack.pop().expect("balanced events");
                    let node = match frame {
                        Frame::Map { start, anchor, tag, flow, entries, .. } => {
                            let last = if flow { end.line } else { entries.iter().map(|e| e.value.last_line).max().unwrap_or(start.line) };
                            Node { kind: Kind::Map { entries, flow }, start, last_line: last.max(start.line), anchor, tag }
                        }
                        Frame::Seq { start, anchor, tag, flow, items } => {
                            let last = if flow { end.line } else { items.iter().map(|n| n.last_line).max().unwrap_or(start.line) };
                            Node { kind: Kind::Seq { items, flow }, start, last_line: last.max(start.line), anchor, tag }
                        }
                    };
                    let start = node.start;
                    self.push_node(node, start)?;
                }
            }
        }
        Ok(())
    }

    /// Flow collections start at their bracket; block ones at their first key or dash.
    fn is_flow_start(&self, pos: Pos, bracket: char) -> bool {
        let Some(line) = self.lines.get(pos.line) else { return false };
        // Skip an anchor or tag written before the bracket.
        let rest: String = line.chars().skip(pos.col).collect();
        let mut s = rest.trim_start();
        while s.starts_with('&') || s.starts_with('!') {
            s = s.split_once(char::is_whitespace).map(|(_, r)| r.trim_start()).unwrap_or("");
        }
        s.starts_with(bracket)
    }

    fn enter(&mut self, pos: Pos) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.err(pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn path_of_stack(&self) -> Vec<String> {
        let mut parts = Vec::new();
        for f in &self.stack {
            match f {
                Frame::Map { pending_key: Some((k, _)), .. } => parts.push(k.clone()),
                Frame::Seq { items, .. } => parts.push(format!("[{}]", items.len())),
                _ => {}
            }
        }
        parts
    }

    fn push_node(&mut self, node: Node, pos: Pos) -> Result<(), ParseError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(self.err(pos, format!("more than {MAX_NODES} nodes")));
        }
        if let Some(id) = node.anchor {
            if let Some(name) = self.anchor_name_at(node.start) {
                self.anchor_names.insert(id, name);
            }
            self.anchors.insert(id, node.clone());
        }
        if let Kind::Alias(id) = node.kind {
            if !self.anchors.contains_key(&id) {
                return Err(self.err(pos, "alias refers to an unknown anchor"));
            }
        }
        // The key path is only needed to report a duplicate key; build it only then.
        let duplicate_path = match self.stack.last() {
            Some(Frame::Map { index, pending_key: Some((key, _)), .. }) if index.contains_key(key) => Some(self.path_of_stack()),
            _ => None,
        };
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, pending_key, index, .. }) => match pending_key.take() {
                None => {
                    let key = match &node.kind {
                        Kind::Scalar { value, .. } => value.clone(),
                        Kind::Alias(_) => return Err(ParseError { pos, message: "an alias used as a mapping key is not supported".into() }),
                        _ => return Err(ParseError { pos, message: "a collection used as a mapping key is not supported".into() }),
                    };
                    *pending_key = Some((key, node.start));
                }
                Some((key, key_pos)) => {
                    if let Some(first) = index.get(&key).copied() {
                        let path = duplicate_path.unwrap_or_default();
                        self.duplicates.push(Duplicate { path: crate::yaml::join_path(&path), parts: path, first, second: key_pos });
                    } else {
                        index.insert(key.clone(), key_pos);
                    }
                    entries.push(Entry { key, key_pos, value: node });
                }
            },
        }
        Ok(())
    }
}
