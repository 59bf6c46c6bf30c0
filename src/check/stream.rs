//! The rendered stream as objects: each document's byte range, head and,
//! for the few documents a check looks into, the fully parsed body.
//!
//! Every document is either accepted by the fast scanner (certainly valid, head
//! known) or parsed by the full parser (`crate::yaml::tree`, saphyr events:
//! positions, duplicate keys with last-wins, Helm's scalar rules), which also
//! rejects invalid YAML with its line and column.

use std::cell::OnceCell;

use serde_json::Value;

use super::head::Head;
use super::scan::{scan, Scan};
use super::split::{count_lines, line_of, split, Segment};
use crate::error::{InputError, Location};
use crate::yaml::{self, tree::Kind};

/// The name stdin has in messages.
pub const STDIN: &str = "<stdin>";

/// Helm 4 marks every document it hands to a post-renderer with this.
pub const HELM4_FILENAME: &str = "postrenderer.helm.sh/postrender-filename";
pub const HOOK: &str = "helm.sh/hook";

/// Streams from this size on are read on several threads (a chart's render is
/// far smaller; big generated streams are where it pays).
const PARALLEL_FROM: usize = 4 << 20;
const MAX_THREADS: usize = 4;

#[derive(Debug)]
pub struct Object<'a> {
    /// 1-based position in the stream, empty documents included.
    pub index: usize,
    /// Byte offset of the document (its `---` line, if any).
    pub offset: usize,
    /// The document's text, its `---` line included.
    pub text: &'a str,
    /// The YAML the parsers read: after the `---` line, or (Helm's reading of
    /// `--- kind: X`) after the `---` and the blanks that follow it.
    yaml: &'a str,
    /// `None` for an empty (blank or comment-only) document.
    pub head: Option<Head<'a>>,
    /// The `# Source:` comment (Helm 3 `template`), if any.
    pub source_comment: Option<&'a str>,
    /// The full value, for documents a check asked for (see `Stream::load_bodies`).
    pub body: Option<Value>,
    /// The scanner gave up on it and the full parser read it.
    pub fallback: bool,
}

#[derive(Debug)]
pub struct Stream<'a> {
    pub input: &'a [u8],
    pub objects: Vec<Object<'a>>,
    /// The line each document starts on, counted once when first asked.
    lines: OnceCell<Vec<usize>>,
}

/// Which Helm produced the stream, as far as the stream shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// `# Source:` comments: Helm 3 (`template`, `install`, `upgrade`); no hooks.
    Helm3,
    /// The post-render filename annotation: Helm 4; hooks included.
    Helm4,
    /// Neither (a plain multi-document stream).
    Plain,
    /// Nothing in it.
    Empty,
}

impl<'a> Object<'a> {
    pub fn kind(&self) -> &str {
        self.head.as_ref().and_then(|h| h.kind.as_deref()).unwrap_or("")
    }
    pub fn name(&self) -> &str {
        self.head.as_ref().and_then(|h| h.name.as_deref()).unwrap_or("")
    }
    pub fn label(&self, key: &str) -> Option<&str> {
        self.head.as_ref()?.label(key)
    }
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.head.as_ref()?.annotation(key)
    }
    /// The template file it came from: Helm 4's annotation or Helm 3's comment.
    pub fn source(&self) -> Option<&str> {
        self.annotation(HELM4_FILENAME).or(self.source_comment)
    }
    pub fn is_hook(&self) -> bool {
        self.annotation(HOOK).is_some()
    }
    /// A path into the fully parsed body (only for loaded bodies).
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        yaml::value::get_path(self.body.as_ref()?, path)
    }
}

impl<'a> Stream<'a> {
    /// Split, scan and (where needed) fully parse a stream.
    pub fn read(input: &'a [u8]) -> Result<Stream<'a>, InputError> {
        let text = std::str::from_utf8(input).map_err(|e| {
            let at = e.valid_up_to();
            let line_start = input[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            input_error(line_of(input, at), at - line_start + 1, "not valid UTF-8 (YAML streams are Unicode text)")
        })?;
        let segments = split(input);
        let read_all = |first: usize, segs: &[Segment]| -> Result<Vec<Object<'a>>, InputError> {
            segs.iter().enumerate().map(|(i, seg)| read_document(input, text, first + i + 1, seg)).collect()
        };
        // Big streams are read on all cores, in contiguous parts of about the
        // same size in bytes; the first error in stream order wins, as it
        // would reading in one pass.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(MAX_THREADS);
        let objects = if input.len() < PARALLEL_FROM || threads < 2 {
            read_all(0, &segments)?
        } else {
            let mut cuts: Vec<usize> = (1..threads)
                .map(|k| segments.partition_point(|g| g.start < input.len() * k / threads))
                .filter(|&c| c > 0 && c < segments.len())
                .collect();
            cuts.dedup();
            let bounds: Vec<(usize, usize)> = std::iter::once(0)
                .chain(cuts.iter().copied())
                .zip(cuts.iter().copied().chain([segments.len()]))
                .collect();
            let segments = &segments;
            let parts: Vec<Result<Vec<Object<'a>>, InputError>> = std::thread::scope(|s| {
                let handles: Vec<_> =
                    bounds.iter().map(|&(a, b)| s.spawn(move || read_all(a, &segments[a..b]))).collect();
                handles.into_iter().map(|h| h.join().expect("a reader thread panicked")).collect()
            });
            let mut objects = Vec::with_capacity(segments.len());
            for part in parts {
                objects.extend(part?);
            }
            objects
        };
        Ok(Stream { input, objects, lines: OnceCell::new() })
    }

    /// Fully parse the documents `want` picks (if not parsed yet).
    pub fn load_bodies(&mut self, want: impl Fn(&Object) -> bool) -> Result<(), InputError> {
        for i in 0..self.objects.len() {
            let o = &self.objects[i];
            if o.head.is_some() && o.body.is_none() && want(o) {
                let v = parse_full(self.input, o)?;
                self.objects[i].body = v;
            }
        }
        Ok(())
    }

    /// Documents that hold an object (not empty ones).
    pub fn objects(&self) -> impl Iterator<Item = &Object<'a>> {
        self.objects.iter().filter(|o| o.head.is_some())
    }

    /// The 1-based line where a document starts.
    pub fn line(&self, o: &Object) -> usize {
        let lines = self.lines.get_or_init(|| {
            let mut line = 1;
            let mut from = 0;
            self.objects
                .iter()
                .map(|o| {
                    line += count_lines(&self.input[from..o.offset]);
                    from = o.offset;
                    line
                })
                .collect()
        });
        lines[o.index - 1]
    }

    pub fn shape(&self) -> Shape {
        if self.objects().next().is_none() {
            Shape::Empty
        } else if self.objects().any(|o| o.annotation(HELM4_FILENAME).is_some()) {
            Shape::Helm4
        } else if self.objects().any(|o| o.source_comment.is_some()) {
            Shape::Helm3
        } else {
            Shape::Plain
        }
    }
}

/// One document: scanned, or fully parsed where the scanner gives up.
fn read_document<'a>(input: &'a [u8], text: &'a str, index: usize, seg: &Segment) -> Result<Object<'a>, InputError> {
    let doc = &text[seg.start..seg.end];
    let yaml = if !seg.marker {
        doc
    } else {
        let nl = doc.find('\n').map_or(doc.len(), |i| i + 1);
        if marker_is_plain(&doc[3..nl]) {
            &doc[nl..]
        } else {
            // Helm's splitter takes text after `--- ` as the document's first line.
            doc[3..].trim_start_matches([' ', '\t'])
        }
    };
    let mut obj = Object {
        index,
        offset: seg.start,
        text: doc,
        yaml,
        head: None,
        source_comment: source_comment(yaml),
        body: None,
        fallback: false,
    };
    match scan(yaml) {
        Scan::Empty => {}
        Scan::Object(h) => obj.head = Some(h),
        Scan::GiveUp => {
            let v = parse_full(input, &obj)?;
            obj.head = v.as_ref().map(Head::from_value);
            obj.body = v;
            obj.fallback = true;
        }
    }
    Ok(obj)
}

/// After `---`: nothing, blanks, or a comment.
fn marker_is_plain(rest: &str) -> bool {
    let t = rest.trim_end_matches(['\n', '\r']);
    let u = t.trim_start_matches([' ', '\t']);
    u.is_empty() || (u.starts_with('#') && u.len() < t.len())
}

/// Helm 3's `# Source: <chart>/templates/<file>` among the leading comments.
fn source_comment(body: &str) -> Option<&str> {
    for line in body.lines().take(8) {
        let line = line.trim_end_matches('\r');
        if let Some(s) = line.strip_prefix("# Source: ") {
            return Some(s.trim());
        }
        if !(line.trim().is_empty() || line.trim_start().starts_with('#')) {
            break;
        }
    }
    None
}

fn input_error(line: usize, col: usize, message: impl Into<String>) -> InputError {
    InputError { location: Location { file: STDIN.into(), line, col }, key: None, message: message.into() }
}

/// The full parser on one document: its value (`None` if empty), or the
/// error with its position in the stream.
fn parse_full(input: &[u8], o: &Object) -> Result<Option<Value>, InputError> {
    // Lines are counted only for an error: counting them costs a pass over the stream.
    let start = o.offset + (o.text.len() - o.yaml.len());
    let line_start = input[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let position = |pos: yaml::Pos| {
        let shift = if pos.line == 0 { start - line_start } else { 0 };
        (line_of(input, start) + pos.line, pos.col + 1 + shift)
    };
    let which = match o.source() {
        Some(src) => format!("document {} ({src})", o.index),
        None => format!("document {}", o.index),
    };
    let at = |pos: yaml::Pos, msg: String| {
        let (line, col) = position(pos);
        input_error(line, col, format!("{which}: invalid YAML: {msg}"))
    };
    let parsed = yaml::parse_document(o.yaml).map_err(|e| {
        // The tree's reader is written for values files; say it for streams.
        let msg = if e.message.starts_with("a values file holds one YAML document") {
            "a second document starts here without a `---` line".to_string()
        } else {
            e.message
        };
        at(e.pos, msg)
    })?;
    let Some(root) = &parsed.root else { return Ok(None) };
    let what = match &root.kind {
        Kind::Map { .. } => None,
        Kind::Seq { .. } => Some("a list"),
        Kind::Scalar { .. } => Some("a scalar"),
        Kind::Alias(_) => Some("an alias"),
    };
    if let Some(what) = what {
        let (line, col) = position(root.start);
        return Err(input_error(
            line,
            col,
            format!("{which}: {what}, not a Kubernetes object (a mapping with apiVersion, kind and metadata)"),
        ));
    }
    let v = yaml::value::to_value(&parsed).map_err(|e| at(e.pos, e.message))?;
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_and_shapes() {
        let s = b"---\n# Source: c/templates/a.yaml\nkind: A\nmetadata:\n  name: a\n\
                  ---\n---\n# just a comment\n--- # c\nkind: B\n";
        let st = Stream::read(s).unwrap();
        assert_eq!(st.objects.len(), 4);
        let objs: Vec<_> = st.objects().collect();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].source(), Some("c/templates/a.yaml"));
        assert_eq!(objs[1].kind(), "B");
        assert_eq!(objs[1].index, 4);
        assert_eq!(st.line(objs[1]), 9);
        assert_eq!(st.shape(), Shape::Helm3);
        assert!(objs.iter().all(|o| !o.fallback));
    }

    #[test]
    fn falls_back_to_the_full_parser() {
        let s = b"{\"kind\": \"A\", \"metadata\": {\"name\": \"x\"}}\n--- !!map\nkind: B\n";
        let st = Stream::read(s).unwrap();
        let objs: Vec<_> = st.objects().collect();
        assert_eq!(objs[0].name(), "x");
        assert!(objs[0].fallback && objs[1].fallback);
        assert_eq!(objs[1].kind(), "B");
        assert_eq!(st.shape(), Shape::Plain);
    }

    #[test]
    fn invalid_yaml_has_a_stream_position() {
        let s = b"---\nkind: A\n---\nkind: B\nspec:\n  x: [1, 2\n";
        let e = Stream::read(s).unwrap_err();
        assert_eq!(e.location.line, 7, "{e}");
        assert!(e.message.starts_with("document 2: invalid YAML"), "{e}");
    }

    #[test]
    fn text_after_the_marker_starts_the_document_like_in_helm() {
        let st = Stream::read(b"--- kind: A\nmetadata:\n  name: a\n").unwrap();
        assert_eq!(st.objects[0].name(), "a");
        assert!(!st.objects[0].fallback);
        // Errors on that first line count columns from the start of the stream's line.
        let e = Stream::read(b"kind: A\n---   a: b: c\n").unwrap_err();
        assert_eq!((e.location.line, e.location.col), (2, 11), "{e}");
    }

    #[test]
    fn non_objects_and_bad_utf8_are_bad_input() {
        let e = Stream::read(b"kind: A\n---\n- a\n").unwrap_err();
        assert_eq!((e.location.line, e.location.col), (3, 1));
        assert!(e.message.contains("a list, not a Kubernetes object"), "{e}");
        let e = Stream::read(b"kind: A\nx: \xff\n").unwrap_err();
        assert_eq!((e.location.line, e.location.col), (2, 4));
    }

    #[test]
    fn big_streams_read_in_parallel_like_in_one_pass() {
        let mut s = String::new();
        let mut n = 0;
        while s.len() <= PARALLEL_FROM {
            n += 1;
            let body = "    line\n".repeat(500);
            s.push_str(&format!("---\nkind: ConfigMap\nmetadata:\n  name: cm{n}\ndata:\n  x: |\n{body}"));
        }
        let st = Stream::read(s.as_bytes()).unwrap();
        assert_eq!(st.objects.len(), n);
        assert!(st.objects.iter().enumerate().all(|(i, o)| o.index == i + 1 && o.name() == format!("cm{}", i + 1)));
        // An error late in the stream is reported with its own position.
        s.push_str("---\nkind: A\nspec: [\n");
        let e = Stream::read(s.as_bytes()).unwrap_err();
        assert!(e.message.starts_with(&format!("document {}:", n + 1)), "{e}");
    }

    #[test]
    fn bodies_load_on_demand() {
        let mut st = Stream::read(b"kind: Job\nspec:\n  x: 1\n---\nkind: B\n").unwrap();
        st.load_bodies(|o| o.kind() == "Job").unwrap();
        assert_eq!(st.objects[0].get(&["spec", "x"]), Some(&serde_json::json!(1)));
        assert!(st.objects[1].body.is_none());
    }
}
