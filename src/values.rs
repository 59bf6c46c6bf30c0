//! Values files as the user gave them: read, parsed with positions, merged the
//! way Helm merges `-f a.yaml -f b.yaml`, and asked where a key came from.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;

use crate::error::{InputError, Location};
use crate::yaml::{self, tree::MAX_INPUT_BYTES, Document, Node, Pos};

/// One input: a file or stdin.
#[derive(Debug, Clone)]
pub struct Source {
    /// As shown in messages: the path as given, or `<stdin>`.
    pub name: String,
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    pub text: String,
    pub doc: Document,
    /// Plain values as Helm reads them (`{}` for an empty file).
    pub value: Value,
}

impl Source {
    /// Read `-` (stdin) or a file.
    pub fn read(arg: &str) -> Result<Source> {
        if arg == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .take(MAX_INPUT_BYTES as u64 + 1)
                .read_to_end(&mut buf)
                .context("reading values from stdin")?;
            Source::from_bytes("<stdin>", None, buf)
        } else {
            let path = Path::new(arg);
            let meta = std::fs::metadata(path).with_context(|| format!("cannot read {arg}"))?;
            if meta.is_dir() {
                anyhow::bail!(InputError { location: loc(arg, None), key: None, message: "is a directory, not a values file".into() });
            }
            if meta.len() > MAX_INPUT_BYTES as u64 {
                anyhow::bail!(too_big(arg));
            }
            let buf = std::fs::read(path).with_context(|| format!("cannot read {arg}"))?;
            Source::from_bytes(arg, Some(path.to_path_buf()), buf)
        }
    }

    pub fn from_bytes(name: &str, path: Option<PathBuf>, buf: Vec<u8>) -> Result<Source> {
        if buf.len() > MAX_INPUT_BYTES {
            anyhow::bail!(too_big(name));
        }
        let text = String::from_utf8(buf).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            InputError { location: Location { file: name.into(), line, col: 0 }, key: None, message: "not valid UTF-8".into() }
        })?;
        Source::from_text(name, path, text)
    }

    pub fn from_text(name: &str, path: Option<PathBuf>, text: String) -> Result<Source> {
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let doc = yaml::parse_document(body).map_err(|e| InputError {
            location: loc(name, Some(e.pos)),
            key: None,
            message: format!("malformed YAML: {}", e.message),
        })?;
        let value = yaml::value::to_value(&doc).map_err(|e| InputError { location: loc(name, Some(e.pos)), key: None, message: e.message })?;
        let value = match value {
            Value::Null => Value::Object(Default::default()),
            v @ Value::Object(_) => v,
            other => {
                let pos = doc.root.as_ref().map(|r| r.start);
                anyhow::bail!(InputError {
                    location: loc(name, pos),
                    key: None,
                    message: format!("the top level of a values file must be a mapping, found {}", kind_name(&other)),
                })
            }
        };
        Ok(Source { name: name.into(), path, text, doc, value })
    }

    pub fn location(&self, pos: Pos) -> Location {
        loc(&self.name, Some(pos))
    }

    /// The node at a key path, if this file defines it.
    pub fn node(&self, path: &[&str]) -> Option<&Node> {
        self.doc.root.as_ref()?.get_path(path)
    }

    /// Where the key at `path` is written in this file.
    pub fn key_pos(&self, path: &[&str]) -> Option<Pos> {
        let (last, parent) = path.split_last()?;
        self.node(parent)?.get_entry(last).map(|e| e.key_pos)
    }
}

fn too_big(name: &str) -> InputError {
    InputError { location: loc(name, None), key: None, message: format!("larger than the {MAX_INPUT_BYTES}-byte limit") }
}

pub fn loc(name: &str, pos: Option<Pos>) -> Location {
    match pos {
        Some(p) => Location { file: name.into(), line: p.line + 1, col: p.col + 1 },
        None => Location { file: name.into(), line: 0, col: 0 },
    }
}

pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Several sources in Helm's `-f` order.
#[derive(Debug, Clone)]
pub struct Sources {
    pub files: Vec<Source>,
    /// The merged view, as Helm merges user values files.
    pub merged: Value,
}

impl Sources {
    /// Read the files named on the command line (none = stdin).
    pub fn read(args: &[String]) -> Result<Sources> {
        let args: Vec<String> = if args.is_empty() { vec!["-".into()] } else { args.to_vec() };
        if args.iter().filter(|a| *a == "-").count() > 1 {
            anyhow::bail!(InputError { location: loc("<stdin>", None), key: None, message: "stdin (`-`) can be named only once".into() });
        }
        let files = args.iter().map(|a| Source::read(a)).collect::<Result<Vec<_>>>()?;
        Ok(Sources::new(files))
    }

    pub fn new(files: Vec<Source>) -> Sources {
        let mut merged = Value::Object(Default::default());
        for f in &files {
            yaml::value::merge_user_values(&mut merged, &f.value);
        }
        Sources { files, merged }
    }

    /// The file and position that decide the value at `path` in the merged
    /// view: the last file that writes it (or, failing that, its nearest parent).
    pub fn origin(&self, path: &[&str]) -> Option<Location> {
        for n in (1..=path.len()).rev() {
            for f in self.files.iter().rev() {
                if let Some(p) = f.key_pos(&path[..n]) {
                    return Some(f.location(p));
                }
            }
        }
        None
    }
}
