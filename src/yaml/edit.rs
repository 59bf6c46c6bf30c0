//! Lossless editing of a values file.
//!
//! The file is cut into an editable tree of mapping entries, each owning its
//! original lines: the comment lines above it, its key line, its value lines
//! and the blank or comment lines after it. Untouched entries are written back
//! byte for byte; a moved entry keeps its comments and is re-indented as a
//! block; only new or changed values are rendered, with the quoting guard of
//! `scalar.rs`. Nothing ever re-serialises the whole file.

use serde_json::Value;

use super::scalar::{quote_str, render_scalar};
use super::tree::{Document, Kind, Node};

#[derive(Debug, Clone)]
pub struct EditDoc {
    /// Lines before the first entry (file header, `---`).
    preamble: Vec<String>,
    root: EMap,
    /// `\r` when the file uses CRLF (added to new lines).
    cr: bool,
    final_newline: bool,
    /// Indentation step of nested mappings (detected, default 2).
    pub step: usize,
    /// Whether block sequences under a key are indented (`key:\n  - a`) or not (`key:\n- a`).
    pub indent_sequences: bool,
}

#[derive(Debug, Clone)]
pub struct EMap {
    /// Column of this mapping's keys.
    indent: usize,
    /// Lines between the parent's key line and the first entry's leading comments.
    preamble: Vec<String>,
    pub entries: Vec<EEntry>,
}

#[derive(Debug, Clone)]
pub struct EEntry {
    pub key: String,
    /// Column of the key as written (lines are shifted by the difference on output).
    indent: usize,
    leading: Vec<String>,
    /// The key line.
    head: String,
    /// Byte offset just past the key token in `head` (the `:` follows).
    key_end: usize,
    pub body: Body,
    trailing: Vec<String>,
    /// The original value node, for rendering a flow collection as block when
    /// someone edits inside it. `None` for new entries.
    node: Option<Node>,
}

#[derive(Debug, Clone)]
pub enum Body {
    /// A block mapping, edited entry by entry.
    Map(EMap),
    /// Anything else: the value's lines after the key line (often none).
    Lines(Vec<String>),
}

/// What to do when a merged key already exists at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The incoming value replaces the existing one (a later `-f` file).
    Incoming,
    /// The existing value stays; the incoming one is dropped.
    Existing,
}

/// A leaf both sides had, reported by `merge`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// Path below the merge point.
    pub path: Vec<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct EditError(pub String);

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

fn shift_line(line: &str, delta: isize) -> String {
    if delta == 0 || is_blank(line) {
        return line.to_string();
    }
    if delta > 0 {
        format!("{}{}", spaces(delta as usize), line)
    } else {
        let cut = indent_of(line).min((-delta) as usize);
        line[cut..].to_string()
    }
}

/// Byte offset just past the key token that starts at char column `col`.
fn key_token_end(line: &str, col: usize) -> usize {
    let start = line.char_indices().nth(col).map(|(i, _)| i).unwrap_or(line.len());
    let rest = &line[start..];
    let bytes = rest.as_bytes();
    match bytes.first() {
        Some(b'"') => {
            let mut i = 1;
            while i < bytes.len() {
                match bytes[i] {
                    b'\\' => i += 2,
                    b'"' => return start + i + 1,
                    _ => i += 1,
                }
            }
            line.len()
        }
        Some(b'\'') => {
            let mut i = 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return start + i + 1;
                }
                i += 1;
            }
            line.len()
        }
        _ => {
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b':' && bytes.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\t' || *c == b'\r') {
                    return start + i;
                }
                i += 1;
            }
            line.len()
        }
    }
}

/// Split the text after `key:` into (value, comment) where comment starts at ` #`.
fn split_comment(after_colon: &str) -> (&str, &str) {
    let t = after_colon;
    let b = t.as_bytes();
    let lead = t.len() - t.trim_start().len();
    let mut i = lead;
    match b.get(i) {
        Some(b'"') => {
            i += 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => {
                        i += 1;
                        break;
                    }
                    _ => i += 1,
                }
            }
        }
        Some(b'\'') => {
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        Some(b'#') => return ("", &t[lead..]),
        _ => {}
    }
    let i = i.min(b.len());
    match t[i..].find(" #") {
        Some(p) => (&t[..i + p], &t[i + p..]),
        None => (t, ""),
    }
}

impl EditDoc {
    /// Cut `text` (already parsed into `doc`) into an editable tree.
    pub fn new(text: &str, doc: &Document) -> EditDoc {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let final_newline = text.ends_with('\n');
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        if final_newline {
            lines.pop();
        }
        let cr = lines.first().is_some_and(|l| l.ends_with('\r'));
        let mut ed = EditDoc { preamble: Vec::new(), root: EMap { indent: 0, preamble: Vec::new(), entries: Vec::new() }, cr, final_newline, step: 2, indent_sequences: true };
        match &doc.root {
            Some(root @ Node { kind: Kind::Map { flow: false, entries }, .. }) if !entries.is_empty() => {
                let (pre, map) = build_map(&lines, root, None, lines.len());
                ed.preamble = pre;
                ed.root = map;
                ed.detect_style(root);
            }
            Some(Node { kind: Kind::Map { flow: true, entries }, .. }) if !entries.is_empty() => {
                // A flow mapping at the top: keep the comments before it, render the rest as block.
                let start = doc.root.as_ref().unwrap().start.line;
                ed.preamble = lines[..start].to_vec();
                let value = super::value::to_value(doc).unwrap_or(Value::Null);
                if let Value::Object(m) = value {
                    for (k, v) in m {
                        let e = ed.new_entry(&k, &v, 0);
                        ed.root.entries.push(e);
                    }
                }
            }
            _ => {
                // Empty document (or `{}`): every line is preamble; new keys are appended.
                ed.preamble = lines.into_iter().filter(|l| l.trim() != "{}").collect();
            }
        }
        ed
    }

    fn detect_style(&mut self, root: &Node) {
        let mut steps = Vec::new();
        let mut seq_indented = None;
        fn walk(n: &Node, steps: &mut Vec<usize>, seq: &mut Option<bool>) {
            if let Kind::Map { entries, flow: false } = &n.kind {
                for e in entries {
                    match &e.value.kind {
                        Kind::Map { entries: ce, flow: false } if !ce.is_empty()
                            && ce[0].key_pos.col > e.key_pos.col => {
                                steps.push(ce[0].key_pos.col - e.key_pos.col);
                            }
                        Kind::Seq { flow: false, items } if !items.is_empty() && seq.is_none() => {
                            *seq = Some(e.value.start.col > e.key_pos.col);
                        }
                        _ => {}
                    }
                    walk(&e.value, steps, seq);
                }
            }
        }
        walk(root, &mut steps, &mut seq_indented);
        if let Some(s) = mode(&steps) {
            self.step = s;
        }
        self.indent_sequences = seq_indented.unwrap_or(true);
    }

    /// Write the document out.
    pub fn render(&self) -> String {
        let mut out: Vec<String> = self.preamble.clone();
        let root_indent = self.root.indent;
        self.emit_map(&self.root, root_indent as isize - self.root.indent as isize, &mut out);
        let eol = "\n";
        let mut s = out.join(eol);
        if self.final_newline || !out.is_empty() {
            s.push('\n');
        }
        s
    }

    fn emit_map(&self, map: &EMap, delta: isize, out: &mut Vec<String>) {
        for l in &map.preamble {
            out.push(shift_line(l, delta));
        }
        let target = (map.indent as isize + delta) as usize;
        for e in &map.entries {
            self.emit_entry(e, target, out);
        }
    }

    fn emit_entry(&self, e: &EEntry, target: usize, out: &mut Vec<String>) {
        let delta = target as isize - e.indent as isize;
        for l in &e.leading {
            out.push(shift_line(l, delta));
        }
        match &e.body {
            // A mapping left with no entries must still read as a mapping, not null.
            Body::Map(m) if m.entries.is_empty() => {
                let (k, rest) = e.head.split_at(e.key_end);
                let rest = rest.strip_prefix(':').unwrap_or(rest);
                out.push(shift_line(&format!("{k}: {{}}{rest}"), delta));
            }
            _ => out.push(shift_line(&e.head, delta)),
        }
        match &e.body {
            Body::Map(m) => self.emit_map(m, delta, out),
            Body::Lines(ls) => out.extend(ls.iter().map(|l| shift_line(l, delta))),
        }
        for l in &e.trailing {
            out.push(shift_line(l, delta));
        }
    }

    fn line(&self, s: String) -> String {
        if self.cr {
            format!("{s}\r")
        } else {
            s
        }
    }

    /// A new entry `key: value` at column `indent`, rendered block style.
    pub fn new_entry(&self, key: &str, value: &Value, indent: usize) -> EEntry {
        let k = quote_str(key);
        // `key:` plus whatever follows the colon on the key line, and the body.
        let entry = |after_colon: String, body: Body| EEntry {
            key: key.into(),
            indent,
            leading: vec![],
            head: self.line(format!("{}{}:{}", spaces(indent), k, after_colon)),
            key_end: indent + k.len(),
            body,
            trailing: vec![],
            node: None,
        };
        match value {
            Value::Object(m) if !m.is_empty() => {
                let child_indent = indent + self.step;
                let entries = m.iter().map(|(ck, cv)| self.new_entry(ck, cv, child_indent)).collect();
                entry(String::new(), Body::Map(EMap { indent: child_indent, preamble: vec![], entries }))
            }
            Value::Array(a) if !a.is_empty() => {
                let item_indent = if self.indent_sequences { indent + self.step } else { indent };
                let mut lines = Vec::new();
                for item in a {
                    self.render_item(item, item_indent, &mut lines);
                }
                entry(String::new(), Body::Lines(lines.into_iter().map(|l| self.line(l)).collect()))
            }
            Value::String(text) if literal_ok(text) => {
                // Multi-line text (application YAML, scripts) reads best as a literal block.
                let body = text.trim_end_matches('\n');
                let chomp = match text.len() - body.len() {
                    0 => "|-",
                    1 => "|",
                    _ => "|+",
                };
                let pad = spaces(indent + self.step);
                let mut lines: Vec<String> = body.split('\n').map(|l| if l.is_empty() { String::new() } else { format!("{pad}{l}") }).collect();
                for _ in 1..(text.len() - body.len()) {
                    lines.push(String::new());
                }
                entry(format!(" {chomp}"), Body::Lines(lines.into_iter().map(|l| self.line(l)).collect()))
            }
            other => entry(format!(" {}", inline(other)), Body::Lines(vec![])),
        }
    }

    /// Render one sequence item (`- ...`) at column `indent`.
    fn render_item(&self, item: &Value, indent: usize, out: &mut Vec<String>) {
        match item {
            Value::Object(m) if !m.is_empty() => {
                let mut first = true;
                for (k, v) in m {
                    let e = self.new_entry(k, v, indent + 2);
                    let mut lines = Vec::new();
                    self.emit_entry(&e, indent + 2, &mut lines);
                    for l in lines {
                        let l = l.trim_end_matches('\r').to_string();
                        if first {
                            out.push(format!("{}- {}", spaces(indent), &l[indent + 2..]));
                            first = false;
                        } else {
                            out.push(l);
                        }
                    }
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let mut lines = Vec::new();
                for i in a {
                    self.render_item(i, indent + 2, &mut lines);
                }
                for (n, l) in lines.into_iter().enumerate() {
                    if n == 0 {
                        out.push(format!("{}- {}", spaces(indent), &l[indent + 2..]));
                    } else {
                        out.push(l);
                    }
                }
            }
            other => out.push(format!("{}- {}", spaces(indent), inline(other))),
        }
    }

    // ----- navigation -----

    fn map_at_mut(&mut self, path: &[String], create: bool) -> Option<&mut EMap> {
        let step = self.step;
        let cr = self.cr;
        let root_blank_sep = self.root.entries.iter().any(|e| e.trailing.last().is_some_and(|l| is_blank(l)));
        let mut map = &mut self.root;
        for (depth, k) in path.iter().enumerate() {
            let idx = match map.entries.iter().rposition(|e| &e.key == k) {
                Some(i) => i,
                None => {
                    if !create {
                        return None;
                    }
                    let indent = map.indent;
                    let head = format!("{}{}:", spaces(indent), quote_str(k));
                    let head = if cr { format!("{head}\r") } else { head };
                    let mut leading = vec![];
                    if depth == 0 && root_blank_sep && !map.entries.is_empty() {
                        // Keep the file's habit of a blank line between top-level sections.
                        let last = map.entries.last_mut().unwrap();
                        if !last.trailing.last().is_some_and(|l| is_blank(l)) {
                            leading.push(if cr { "\r".into() } else { String::new() });
                        }
                    }
                    map.entries.push(EEntry {
                        key: k.clone(),
                        indent,
                        leading,
                        key_end: indent + quote_str(k).len(),
                        head,
                        body: Body::Map(EMap { indent: indent + step, preamble: vec![], entries: vec![] }),
                        trailing: vec![],
                        node: None,
                    });
                    map.entries.len() - 1
                }
            };
            let entry = &mut map.entries[idx];
            if !matches!(entry.body, Body::Map(_)) {
                if !create && !entry.node.as_ref().is_some_and(|n| matches!(n.kind, Kind::Map { .. })) {
                    return None;
                }
                to_block_map(entry, step, cr)?;
            }
            map = match &mut entry.body {
                Body::Map(m) => m,
                Body::Lines(_) => unreachable!(),
            };
        }
        Some(map)
    }

    /// Is there an entry at `path`?
    pub fn contains(&mut self, path: &[String]) -> bool {
        let Some((last, parent)) = path.split_last() else { return false };
        self.map_at_mut(parent, false).is_some_and(|m| m.entries.iter().any(|e| &e.key == last))
    }

    /// Remove the entry at `path` (all duplicates of the key), returning the last one.
    pub fn remove(&mut self, path: &[String]) -> Option<EEntry> {
        let (last, parent) = path.split_last()?;
        let map = self.map_at_mut(parent, false)?;
        let mut removed = None;
        let mut i = 0;
        while i < map.entries.len() {
            if &map.entries[i].key == last {
                let e = map.entries.remove(i);
                // Keep comment lines that followed the removed entry; they may describe what comes next.
                if e.trailing.iter().any(|l| is_comment(l)) {
                    let keep: Vec<String> = e.trailing.clone();
                    if i > 0 {
                        map.entries[i - 1].trailing.extend(keep);
                    } else {
                        map.preamble.extend(keep);
                    }
                } else if i > 0 && e.trailing.last().is_some_and(|l| is_blank(l)) && i == map.entries.len() {
                    // The removed entry ended the mapping: let the previous one take its blank separator.
                    let prev = &mut map.entries[i - 1];
                    if !prev.trailing.last().is_some_and(|l| is_blank(l)) {
                        prev.trailing.push(e.trailing.last().unwrap().clone());
                    }
                }
                removed = Some(e);
            } else {
                i += 1;
            }
        }
        removed
    }

    /// Keep only the last of several entries with the same key (Helm's choice).
    pub fn dedupe(&mut self, path: &[String]) {
        let Some((last, parent)) = path.split_last() else { return };
        let Some(map) = self.map_at_mut(parent, false) else { return };
        while map.entries.iter().filter(|e| &e.key == last).count() > 1 {
            let first = map.entries.iter().position(|e| &e.key == last).unwrap();
            map.entries.remove(first);
        }
    }

    /// Remove mappings at `path` and above that have become empty.
    pub fn prune_empty(&mut self, path: &[String]) {
        for n in (1..=path.len()).rev() {
            let p = &path[..n];
            let empty = {
                let Some((last, parent)) = p.split_last() else { return };
                match self.map_at_mut(parent, false) {
                    Some(m) => m.entries.iter().any(|e| &e.key == last && matches!(&e.body, Body::Map(cm) if cm.entries.is_empty())),
                    None => false,
                }
            };
            if !empty {
                return;
            }
            self.remove(p);
        }
    }

    /// Rename the key at `path` in place (same parent), keeping its line and comments.
    pub fn rename(&mut self, path: &[String], new_key: &str) -> bool {
        let Some((last, parent)) = path.split_last() else { return false };
        let cr = self.cr;
        let Some(map) = self.map_at_mut(parent, false) else { return false };
        let Some(e) = map.entries.iter_mut().rev().find(|e| &e.key == last) else { return false };
        let k = quote_str(new_key);
        let start = e.head.char_indices().nth(e.indent).map(|(i, _)| i).unwrap_or(0);
        let mut head = format!("{}{}{}", &e.head[..start], k, &e.head[e.key_end..]);
        if cr && !head.ends_with('\r') {
            head.push('\r');
        }
        e.key_end = start + k.len();
        e.head = head;
        e.key = new_key.to_string();
        true
    }

    /// Insert `entry` (already keyed as it should be) into the mapping at
    /// `parent`, merging mappings key by key. Returns the leaves both had.
    pub fn merge(&mut self, parent: &[String], entry: EEntry, policy: Policy) -> Vec<Collision> {
        let step = self.step;
        let cr = self.cr;
        let Some(map) = self.map_at_mut(parent, true) else {
            return vec![Collision { path: vec![entry.key.clone()] }];
        };
        merge_into(map, entry, policy, step, cr)
    }

    /// Set a scalar (or any plain value) at `path`, creating parents. An
    /// existing key keeps its place, its comments and its inline comment.
    pub fn set(&mut self, path: &[String], value: &Value) {
        let Some((last, parent)) = path.split_last() else { return };
        let step = self.step;
        let new_template = self.new_entry(last, value, 0);
        let Some(map) = self.map_at_mut(parent, true) else { return };
        let indent = map.indent;
        if let Some(e) = map.entries.iter_mut().rev().find(|e| &e.key == last) {
            let after = &e.head[e.key_end..];
            let after_colon = after.strip_prefix(':').unwrap_or(after);
            let single_line = matches!(&e.body, Body::Lines(l) if l.is_empty());
            let after_colon = after_colon.trim_end_matches('\r');
            let (val, comment) = if single_line { split_comment(after_colon) } else { ("", "") };
            // Keep the spacing before the comment as written.
            let comment = if comment.is_empty() { String::new() } else { after_colon[val.trim_end().len()..].to_string() };
            let mut fresh = shift_entry(new_template, indent as isize);
            // Keep the original key token (its quoting) and the inline comment.
            let key_tok = e.head[..e.key_end].to_string();
            let rest = fresh.head[fresh.key_end..].trim_end_matches('\r').to_string();
            let shift = e.indent as isize - indent as isize;
            fresh.head = format!("{key_tok}{rest}{comment}");
            if e.head.ends_with('\r') {
                fresh.head.push('\r');
            }
            if shift != 0 {
                fresh.body = shift_body(fresh.body, shift);
            }
            e.body = fresh.body;
            e.head = fresh.head;
            e.node = None;
            let _ = step;
        } else {
            map.entries.push(shift_entry(new_template, indent as isize));
        }
    }

    /// Replace `from` by `to` inside the value text at `path` (not its key or comments).
    pub fn replace_in_value(&mut self, path: &[String], from: &str, to: &str) -> bool {
        let Some((last, parent)) = path.split_last() else { return false };
        let Some(map) = self.map_at_mut(parent, false) else { return false };
        let Some(e) = map.entries.iter_mut().rev().find(|e| &e.key == last) else { return false };
        let mut changed = false;
        let (k, v) = e.head.split_at(e.key_end);
        if v.contains(from) {
            e.head = format!("{k}{}", v.replace(from, to));
            changed = true;
        }
        if let Body::Lines(ls) = &mut e.body {
            for l in ls.iter_mut() {
                if !is_comment(l) && l.contains(from) {
                    *l = l.replace(from, to);
                    changed = true;
                }
            }
        }
        changed
    }

    /// Take out all top-level entries (to overlay them on another document).
    pub fn take_root_entries(&mut self) -> Vec<EEntry> {
        std::mem::take(&mut self.root.entries)
    }

    /// Build a detached entry for `value` keyed `key` (for `merge`).
    pub fn detached(&self, key: &str, value: &Value) -> EEntry {
        self.new_entry(key, value, 0)
    }
}

impl EEntry {
    /// Give the entry another key (for moves), keeping its lines.
    pub fn rekey(mut self, new_key: &str) -> EEntry {
        if new_key == self.key {
            return self;
        }
        let k = quote_str(new_key);
        let start = self.head.char_indices().nth(self.indent).map(|(i, _)| i).unwrap_or(0);
        self.head = format!("{}{}{}", &self.head[..start], k, &self.head[self.key_end..]);
        self.key_end = start + k.len();
        self.key = new_key.to_string();
        self
    }

    /// Drop the comment lines above the entry (when they describe the old key).
    pub fn without_leading_blank(mut self) -> EEntry {
        while self.leading.first().is_some_and(|l| is_blank(l)) {
            self.leading.remove(0);
        }
        self
    }
}

fn shift_entry(mut e: EEntry, delta: isize) -> EEntry {
    if delta == 0 {
        return e;
    }
    e.leading = e.leading.iter().map(|l| shift_line(l, delta)).collect();
    let old_start = e.head.char_indices().nth(e.indent).map(|(i, _)| i).unwrap_or(0);
    e.head = shift_line(&e.head, delta);
    let new_start = (old_start as isize + delta).max(0) as usize;
    e.key_end = e.key_end - old_start + new_start;
    e.indent = (e.indent as isize + delta).max(0) as usize;
    e.body = shift_body(e.body, delta);
    e.trailing = e.trailing.iter().map(|l| shift_line(l, delta)).collect();
    e
}

fn shift_body(b: Body, delta: isize) -> Body {
    match b {
        Body::Lines(ls) => Body::Lines(ls.iter().map(|l| shift_line(l, delta)).collect()),
        Body::Map(mut m) => {
            m.preamble = m.preamble.iter().map(|l| shift_line(l, delta)).collect();
            m.indent = (m.indent as isize + delta).max(0) as usize;
            m.entries = m.entries.into_iter().map(|e| shift_entry(e, delta)).collect();
            Body::Map(m)
        }
    }
}

fn merge_into(map: &mut EMap, entry: EEntry, policy: Policy, step: usize, cr: bool) -> Vec<Collision> {
    let delta = map.indent as isize - entry.indent as isize;
    let entry = shift_entry(entry, delta);
    let Some(pos) = map.entries.iter().rposition(|e| e.key == entry.key) else {
        map.entries.push(entry);
        return vec![];
    };
    let existing = &mut map.entries[pos];
    let both_maps = is_mapish(existing) && is_mapish(&entry);
    if both_maps {
        if to_block_map(existing, step, cr).is_none() {
            return vec![Collision { path: vec![entry.key.clone()] }];
        }
        let mut entry = entry;
        if to_block_map(&mut entry, step, cr).is_none() {
            return vec![Collision { path: vec![entry.key.clone()] }];
        }
        let key = entry.key.clone();
        let Body::Map(incoming) = entry.body else { unreachable!() };
        let Body::Map(target) = &mut existing.body else { unreachable!() };
        let mut out = Vec::new();
        for child in incoming.entries {
            for mut c in merge_into(target, child, policy, step, cr) {
                c.path.insert(0, key.clone());
                out.push(c);
            }
        }
        return out;
    }
    let collision = Collision { path: vec![entry.key.clone()] };
    if policy == Policy::Incoming {
        let mut entry = entry;
        if entry.leading.is_empty() {
            entry.leading = std::mem::take(&mut existing.leading);
        }
        if entry.trailing.is_empty() {
            entry.trailing = std::mem::take(&mut existing.trailing);
        }
        *existing = entry;
    }
    vec![collision]
}

fn is_mapish(e: &EEntry) -> bool {
    match &e.body {
        Body::Map(_) => true,
        Body::Lines(_) => e.node.as_ref().is_some_and(|n| matches!(n.kind, Kind::Map { .. })),
    }
}

/// Turn an entry whose value is a flow mapping (or `{}`) into a block mapping
/// so entries can be added or removed inside it.
fn to_block_map(e: &mut EEntry, step: usize, cr: bool) -> Option<()> {
    if matches!(e.body, Body::Map(_)) {
        return Some(());
    }
    let node = e.node.as_ref()?;
    let Kind::Map { entries, .. } = &node.kind else { return None };
    // Values are rebuilt from the flow text; comments inside `{...}` cannot survive.
    let tmp = Document { root: Some(node.clone()), anchors: Default::default(), anchor_names: Default::default(), duplicates: vec![] };
    if node.has_anchor_or_alias() {
        return None;
    }
    let value = super::value::to_value(&tmp).ok()?;
    let helper = EditDoc { preamble: vec![], root: EMap { indent: 0, preamble: vec![], entries: vec![] }, cr, final_newline: true, step, indent_sequences: true };
    let child_indent = e.indent + step;
    let mut children = Vec::new();
    if let Value::Object(m) = value {
        for (k, v) in m {
            children.push(helper.new_entry(&k, &v, child_indent));
        }
    }
    let _ = entries;
    let after = &e.head[e.key_end..];
    let after_colon = after.strip_prefix(':').unwrap_or(after).trim_end_matches('\r');
    let (_, comment) = split_comment(after_colon);
    let mut head = format!("{}:{}", &e.head[..e.key_end], if comment.is_empty() { String::new() } else { comment.to_string() });
    if cr {
        head.push('\r');
    }
    e.head = head;
    e.body = Body::Map(EMap { indent: child_indent, preamble: vec![], entries: children });
    e.node = None;
    Some(())
}

/// Can `text` be written as a literal block scalar and read back unchanged?
fn literal_ok(text: &str) -> bool {
    text.contains('\n')
        && !text.starts_with([' ', '\t', '\n'])
        && !text.chars().any(|c| c == '\r' || c == '\t' || (c.is_control() && c != '\n'))
        && !text.trim_end_matches('\n').lines().any(|l| l.ends_with(' '))
}

/// Render a mapping as block YAML text (for values that are themselves YAML,
/// like an application configuration), quoting as Helm and Spring need.
pub fn render_value(value: &Value) -> String {
    let ed = EditDoc {
        preamble: vec![],
        root: EMap { indent: 0, preamble: vec![], entries: vec![] },
        cr: false,
        final_newline: true,
        step: 2,
        indent_sequences: true,
    };
    let mut out = Vec::new();
    if let Value::Object(m) = value {
        for (k, v) in m {
            ed.emit_entry(&ed.new_entry(k, v, 0), 0, &mut out);
        }
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

fn inline(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => render_scalar(other),
    }
}

fn mode(v: &[usize]) -> Option<usize> {
    let mut counts = std::collections::BTreeMap::new();
    for x in v {
        *counts.entry(*x).or_insert(0) += 1;
    }
    counts.into_iter().max_by_key(|(_, c)| *c).map(|(k, _)| k)
}

/// Build the editable map for a block mapping node. `head_line` is the line of
/// the parent key (None for the root); lines up to `end` (exclusive) belong to it.
/// Returns the lines before the first entry's comments, and the map.
fn build_map(lines: &[String], node: &Node, head_line: Option<usize>, end: usize) -> (Vec<String>, EMap) {
    let Kind::Map { entries, .. } = &node.kind else { unreachable!() };
    let first_line = head_line.map_or(0, |h| h + 1);
    let indent = entries.first().map_or(0, |e| e.key_pos.col);
    let mut out = Vec::with_capacity(entries.len());
    // Start line of each entry's leading comment block.
    let mut starts = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let floor = if i == 0 { first_line } else { entries[i - 1].value.last_line.max(entries[i - 1].key_pos.line) + 1 };
        let mut s = e.key_pos.line;
        while s > floor && is_comment(&lines[s - 1]) {
            s -= 1;
        }
        starts.push(s);
    }
    let preamble = lines[first_line..starts.first().copied().unwrap_or(end).max(first_line)].to_vec();
    for (i, e) in entries.iter().enumerate() {
        let key_line = e.key_pos.line;
        let content_end = e.value.last_line.max(key_line);
        let next = if i + 1 < entries.len() { starts[i + 1] } else { end };
        let leading = lines[starts[i]..key_line].to_vec();
        let head = lines[key_line].clone();
        let key_end = key_token_end(&head, e.key_pos.col);
        let body = match &e.value.kind {
            Kind::Map { flow: false, entries: ce } if !ce.is_empty() && e.value.start.line > key_line => {
                let (pre, mut m) = build_map(lines, &e.value, Some(key_line), content_end + 1);
                m.preamble = pre;
                Body::Map(m)
            }
            _ => Body::Lines(lines[key_line + 1..=content_end].to_vec()),
        };
        let trailing = lines[(content_end + 1).min(next)..next].to_vec();
        // Only flow mappings need their node later (to become block when edited inside).
        let node = matches!(&e.value.kind, Kind::Map { flow: true, .. }).then(|| e.value.clone());
        out.push(EEntry { key: e.key.clone(), indent: e.key_pos.col, leading, head, key_end, body, trailing, node });
    }
    (preamble, EMap { indent, preamble: vec![], entries: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_document;
    use serde_json::json;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    fn ed(text: &str) -> EditDoc {
        EditDoc::new(text, &parse_document(text).unwrap())
    }

    const SAMPLE: &str = "# header\n\n# about zeebe\nzeebe:  # engine\n  clusterSize: 3 # three\n  image:\n    tag: 8.7.1\n  env:\n    - name: A\n      value: \"on\"\n\nother:\n  x: yes\n";

    #[test]
    fn untouched_round_trip() {
        assert_eq!(ed(SAMPLE).render(), SAMPLE);
        let odd = "a: 1\r\nb:\r\n  c: 'x' # c\r\n";
        assert_eq!(ed(odd).render(), odd);
        let no_nl = "a:\n  b: 1";
        assert_eq!(ed(no_nl).render(), "a:\n  b: 1\n");
    }

    #[test]
    fn rename_in_place_keeps_comments() {
        let mut d = ed(SAMPLE);
        assert!(d.rename(&p("zeebe"), "orchestration"));
        assert_eq!(d.render(), SAMPLE.replace("zeebe:  # engine", "orchestration:  # engine"));
    }

    #[test]
    fn move_reindents_and_merges() {
        let mut d = ed(SAMPLE);
        let e = d.remove(&p("zeebe.image")).unwrap();
        let c = d.merge(&p("other.deep"), e, Policy::Existing);
        assert!(c.is_empty());
        let out = d.render();
        assert_eq!(out, "# header\n\n# about zeebe\nzeebe:  # engine\n  clusterSize: 3 # three\n  env:\n    - name: A\n      value: \"on\"\n\nother:\n  x: yes\n  deep:\n    image:\n      tag: 8.7.1\n");
    }

    #[test]
    fn set_keeps_inline_comment_and_quotes() {
        let mut d = ed(SAMPLE);
        d.set(&p("zeebe.clusterSize"), &json!("3"));
        d.set(&p("global.compat.enabled"), &json!(false));
        d.set(&p("other.flag"), &json!("on"));
        let out = d.render();
        assert!(out.contains("  clusterSize: \"3\" # three\n"), "{out}");
        assert!(out.contains("  flag: \"on\"\n"), "{out}");
        assert!(out.ends_with("\nglobal:\n  compat:\n    enabled: false\n"), "{out}");
    }

    #[test]
    fn flow_maps_become_block_when_edited() {
        let mut d = ed("a: {b: 1, c: {d: x}}\n");
        d.set(&p("a.c.e"), &json!(2));
        assert_eq!(d.render(), "a:\n  b: 1\n  c:\n    d: x\n    e: 2\n");
    }

    #[test]
    fn merge_collisions() {
        let mut d = ed("t:\n  a: 1\n  m:\n    x: 1\n");
        let incoming = ed("s:\n  a: 2\n  m:\n    x: 2\n    y: 3\n").remove(&p("s")).unwrap().rekey("t");
        let c = d.merge(&[], incoming, Policy::Existing);
        assert_eq!(c, vec![Collision { path: p("t.a") }, Collision { path: p("t.m.x") }]);
        assert_eq!(d.render(), "t:\n  a: 1\n  m:\n    x: 1\n    y: 3\n");
    }

    #[test]
    fn remove_and_prune() {
        let mut d = ed("a:\n  b:\n    c: 1\nz: 2\n");
        d.remove(&p("a.b.c"));
        d.prune_empty(&p("a.b"));
        assert_eq!(d.render(), "z: 2\n");
    }

    #[test]
    fn new_sequences_render_block() {
        let d = ed("a: 1\n");
        let e = d.new_entry("env", &json!([{"name": "A", "value": "on"}, {"name": "B"}]), 0);
        let mut out = Vec::new();
        d.emit_entry(&e, 2, &mut out);
        assert_eq!(out.join("\n"), "  env:\n    - name: A\n      value: \"on\"\n    - name: B");
    }
}
