//! Differential tests: whatever the fast scanner accepts, the full parser must
//! accept too, with the same head. Documents are generated in the styles Helm
//! and kyaml write (block mappings, compact and indented sequences, quoted,
//! plain, flow and block scalars, comments, duplicates), then mutated with the
//! characters that matter to YAML so that many are invalid or odd.

use proptest::prelude::*;

use super::{scan, Scan};
use crate::check::head::Head;
use crate::yaml;

/// The full parser's verdict, in the scanner's terms (`None`: invalid).
fn full(doc: &str) -> Option<Scan<'_>> {
    let d = yaml::parse_document(doc).ok()?;
    match &d.root {
        None => Some(Scan::Empty),
        Some(r) if r.is_map() => Some(Scan::Object(Head::from_value(&yaml::value::to_value(&d).ok()?))),
        Some(_) => None,
    }
}

/// The property: the scanner never accepts what the full parser rejects, and
/// agrees on the head of what it accepts.
fn agree(doc: &str) -> Result<(), TestCaseError> {
    let fast = scan(doc);
    if fast == Scan::GiveUp {
        return Ok(());
    }
    let slow = full(doc);
    prop_assert_eq!(Some(fast), slow, "document:\n{}", doc);
    Ok(())
}

#[derive(Debug, Clone)]
enum Node {
    Scalar(usize),
    Map(Vec<(usize, Node)>),
    Seq(Vec<Node>),
}

const KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "spec",
    "a",
    "b",
    "\"q k\"",
    "'s k'",
    "app.kubernetes.io/component",
    "\"helm.sh/hook\"",
    "checksum/config",
    "-x",
    "a#b",
    "x:y",
];

const SCALARS: &[&str] = &[
    "camunda",
    "8.8.36",
    "\"8.8.36\"",
    "on",
    "0755",
    "-1",
    "~",
    "",
    "http://host:80/x",
    "a#b",
    "x y # comment",
    "'it''s'",
    "\"esc \\\" \\\\ \\u00e9 \\t\"",
    "[]",
    "{}",
    "[a, \"b\", [c]]",
    "{a: 1, \"b\": [x]}",
    "|\n  line one\n  key: value: still text\n\n  # not a comment",
    "|-\n    indented\n     more",
    ">\n  folded\n  text",
    "orchestration-importer",
    "pre-upgrade",
    "true",
    "null",
    "\"tab\there\"",
    "caf\u{e9} \u{2014} \u{1F600}",
    "'multi word' # c",
];

/// Values outside the scanner's subset (or invalid), spliced in by `mutate`.
const ODD: &[&str] = &[
    "\"unterminated",
    "&anchor value",
    "*alias",
    "!!str 8.8",
    "? complex",
    "a: b",
    "\"multi\n  line\"",
    "plain\n  continued",
    "- not a sequence here",
    "|2\n   explicit indent",
    "[unclosed, flow",
    "{a: 1}}",
    "'it''s' trailing",
];

fn node() -> impl Strategy<Value = Node> {
    let leaf = (0..SCALARS.len()).prop_map(Node::Scalar);
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec((0..KEYS.len(), inner.clone()), 1..5).prop_map(Node::Map),
            prop::collection::vec(inner, 1..4).prop_map(Node::Seq),
        ]
    })
}

/// A document: a root mapping that usually has a head.
fn document() -> impl Strategy<Value = Node> {
    prop::collection::vec((0..KEYS.len(), node()), 1..7).prop_map(|mut entries| {
        entries.insert(0, (1, Node::Scalar(0)));
        Node::Map(entries)
    })
}

/// Render a tree; `style` bytes pick indentation widths and sequence styles.
struct Writer<'s> {
    out: String,
    style: &'s [u8],
    at: usize,
}

impl Writer<'_> {
    fn pick(&mut self, n: u8) -> u8 {
        let b = self.style.get(self.at % self.style.len().max(1)).copied().unwrap_or(0);
        self.at += 1;
        b % n
    }

    fn value_after(&mut self, node: &Node, ind: usize) {
        match node {
            Node::Scalar(i) => {
                let s = SCALARS[*i];
                if s.is_empty() {
                    self.out.push('\n');
                } else {
                    self.out.push(' ');
                    // Block scalar bodies are indented under the current line.
                    let pad = " ".repeat(ind + 2);
                    self.out.push_str(&s.replace('\n', &format!("\n{pad}")).replace(&format!("\n{pad}\n"), "\n\n"));
                    self.out.push('\n');
                }
            }
            Node::Map(_) | Node::Seq(_) => {
                self.out.push('\n');
                let compact = matches!(node, Node::Seq(_)) && self.pick(2) == 0;
                let step = [2, 4, 1][self.pick(3) as usize];
                self.node(node, if compact { ind } else { ind + step });
            }
        }
    }

    fn node(&mut self, node: &Node, ind: usize) {
        let pad = " ".repeat(ind);
        match node {
            Node::Scalar(_) => {
                self.out.push_str(&pad);
                self.value_after(node, ind);
            }
            Node::Map(entries) => {
                for (k, v) in entries {
                    if self.pick(9) == 0 {
                        self.out.push_str(&format!("{pad}# comment\n"));
                    }
                    self.out.push_str(&format!("{pad}{}:", KEYS[*k]));
                    self.value_after(v, ind);
                }
            }
            Node::Seq(items) => {
                for item in items {
                    self.out.push_str(&pad);
                    self.out.push('-');
                    match item {
                        Node::Map(entries) if self.pick(2) == 0 => {
                            // `- key: value` with the rest of the mapping under it.
                            let (k, v) = &entries[0];
                            self.out.push_str(&format!(" {}:", KEYS[*k]));
                            self.value_after(v, ind + 2);
                            self.node(&Node::Map(entries[1..].to_vec()), ind + 2);
                        }
                        _ => self.value_after(item, ind),
                    }
                }
            }
        }
    }
}

fn render(doc: &Node, style: &[u8]) -> String {
    let mut w = Writer { out: String::new(), style, at: 0 };
    w.node(doc, 0);
    w.out
}

const NOISE: &[char] = &[
    ':', ' ', '-', '#', '"', '\'', '[', ']', '{', '}', '\t', '\n', '|', '>', '&', '*', '!', '?', ',', '\r', '\\', '.',
];

fn mutate(mut s: String, ops: &[(u8, usize, usize)]) -> String {
    for &(op, a, b) in ops {
        if s.is_empty() {
            break;
        }
        let mut at = a % s.len();
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match op % 5 {
            0 => s.insert(at, NOISE[b % NOISE.len()]),
            4 => {
                // Replace the rest of a `key: value` line with an odd value.
                if let Some(colon) = s[at..].find(": ").map(|i| at + i + 2) {
                    let end = s[colon..].find('\n').map_or(s.len(), |i| colon + i);
                    s.replace_range(colon..end, ODD[b % ODD.len()]);
                }
            }
            1 => {
                if at < s.len() {
                    s.remove(at);
                }
            }
            2 => {
                // Shift one line's indentation.
                let start = s[..at].rfind('\n').map_or(0, |i| i + 1);
                if b % 2 == 0 {
                    s.insert(start, ' ');
                } else if s[start..].starts_with(' ') {
                    s.remove(start);
                }
            }
            _ => {
                // Duplicate a line (duplicate keys, repeated entries).
                let start = s[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = s[at..].find('\n').map_or(s.len(), |i| at + i + 1);
                let line = s[start..end].to_string();
                s.insert_str(end, &line);
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn scanner_agrees_with_full_parser(doc in document(), style in prop::collection::vec(any::<u8>(), 1..16)) {
        agree(&render(&doc, &style))?;
    }

    #[test]
    fn scanner_agrees_on_mutated_documents(
        doc in document(),
        style in prop::collection::vec(any::<u8>(), 1..16),
        ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..4),
    ) {
        agree(&mutate(render(&doc, &style), &ops))?;
    }
}

/// The generated documents must mostly take the fast path, or the property
/// above would test little.
#[test]
fn most_generated_documents_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let (mut fast, total) = (0, 300);
    for _ in 0..total {
        let doc = document().new_tree(&mut runner).unwrap().current();
        let style = prop::collection::vec(any::<u8>(), 1..16).new_tree(&mut runner).unwrap().current();
        if matches!(scan(&render(&doc, &style)), Scan::Object(_)) {
            fast += 1;
        }
    }
    assert!(fast * 10 >= total * 6, "only {fast} of {total} generated documents took the fast path");
}

#[test]
fn known_tricky_documents_agree() {
    for doc in [
        "kind: A\nmetadata:\n  name: a\n  name:\n  labels:\n    x: 1\n  labels:\n    y: 2\n",
        "kind: A\nmetadata:\n  labels:\n    a: 1\n    a:\n      b: c\n",
        "kind: A\nx: |\n\n  text\n",
        "kind: A\nx: |\n   \n  text\n",
        "kind: A\nx: |\n\n",
        "kind: A\n\"q\" : 1\n",
        "kind: A\nkey:: v\n",
        "kind: A\na:\n- b:\n  - c\n- d\n",
        "kind: A\nmetadata:\n  annotations:\n    {}\n",
        "kind: A\nx: \"\\x41\\U0001F600\"\n",
        "kind: A\nx: [a, {b: c}]   # trailing\n",
        "kind: A\nmetadata: ~\nmetadata:\n  name: n\n",
    ] {
        agree(doc).unwrap();
    }
}
