//! Splitting a rendered stream into documents by byte offsets, so the stream
//! can be written back untouched.
//!
//! A document marker is a line that is exactly `---` or starts with `---`
//! followed by a space or tab (`--- # comment`), as in YAML and in Helm's own
//! splitter. Column-0 markers cannot occur inside a scalar, so no parse is
//! needed to find them.

use memchr::memmem;

/// The UTF-8 byte order mark; tolerated at the start of the stream.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One document: `start..end` of the stream, its marker line (if any) included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub start: usize,
    pub end: usize,
    /// The document starts with a `---` line.
    pub marker: bool,
}

/// Is the line starting at `at` a document marker?
fn is_marker(input: &[u8], at: usize) -> bool {
    input[at..].starts_with(b"---") && matches!(input.get(at + 3), None | Some(b'\n' | b'\r' | b' ' | b'\t'))
}

/// Split `input` into documents. Text before the first marker is a document of
/// its own unless it is empty (or only a BOM); every marker starts a document.
pub fn split(input: &[u8]) -> Vec<Segment> {
    let first = if input.starts_with(BOM) { BOM.len() } else { 0 };
    let mut starts: Vec<usize> = Vec::new();
    if first < input.len() {
        starts.push(first);
    }
    let lead_is_doc = !starts.is_empty() && !is_marker(input, first);
    for nl in memmem::find_iter(&input[first..], b"\n---") {
        let at = first + nl + 1;
        if is_marker(input, at) {
            starts.push(at);
        }
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(input.len());
        let marker = !(i == 0 && lead_is_doc);
        out.push(Segment { start, end, marker });
    }
    out
}

/// 1-based line number of byte `offset`.
pub fn line_of(input: &[u8], offset: usize) -> usize {
    count_lines(&input[..offset.min(input.len())]) + 1
}

/// Line feeds in `b`, counted in 64-byte blocks so the compiler vectorises it.
pub fn count_lines(b: &[u8]) -> usize {
    let mut blocks = b.chunks_exact(64);
    let mut n: usize = (&mut blocks).map(|c| c.iter().map(|&x| (x == b'\n') as u8).sum::<u8>() as usize).sum();
    n += blocks.remainder().iter().filter(|&&c| c == b'\n').count();
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(s: &str) -> Vec<(String, bool)> {
        split(s.as_bytes()).iter().map(|g| (s[g.start..g.end].to_string(), g.marker)).collect()
    }

    #[test]
    fn helm3_stream() {
        let s = "---\n# Source: a\nkind: A\n---\n# Source: b\nkind: B\n";
        assert_eq!(
            docs(s),
            vec![("---\n# Source: a\nkind: A\n".into(), true), ("---\n# Source: b\nkind: B\n".into(), true)]
        );
    }

    #[test]
    fn helm4_stream_has_no_leading_marker() {
        let s = "kind: A\n---\nkind: B\n";
        assert_eq!(docs(s), vec![("kind: A\n".into(), false), ("---\nkind: B\n".into(), true)]);
    }

    #[test]
    fn markers_need_a_break_or_blank_after_them() {
        let s = "a: 1\n---x: 2\n--- # c\nb: 3\n---\t\nc: 4\n---\r\nd: 5";
        let d = docs(s);
        assert_eq!(d.len(), 4);
        assert_eq!(d[0].0, "a: 1\n---x: 2\n");
        assert_eq!(d[3].0, "---\r\nd: 5");
    }

    #[test]
    fn bom_and_empty_input() {
        assert!(split(b"").is_empty());
        assert!(split(BOM).is_empty());
        let s = "\u{feff}---\nkind: A\n";
        let g = split(s.as_bytes());
        assert_eq!(g, vec![Segment { start: 3, end: s.len(), marker: true }]);
    }

    #[test]
    fn segments_cover_the_input() {
        let s = "x\n---\n---\n\n--- \ny\n";
        let g = split(s.as_bytes());
        assert_eq!(g.first().unwrap().start, 0);
        assert_eq!(g.last().unwrap().end, s.len());
        for w in g.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
        assert_eq!(g.len(), 4);
    }

    #[test]
    fn counts_lines_in_blocks() {
        let s = "a\n".repeat(100) + "tail\n\n";
        assert_eq!(count_lines(s.as_bytes()), 102);
        assert_eq!(count_lines(&s.as_bytes()[..63]), 31);
    }

    #[test]
    fn lines() {
        assert_eq!(line_of(b"a\nb\nc", 0), 1);
        assert_eq!(line_of(b"a\nb\nc", 2), 2);
        assert_eq!(line_of(b"a\nb\nc", 4), 3);
    }
}
