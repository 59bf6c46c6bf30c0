//! Writing results: atomic file writes and unified diffs.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

impl Color {
    /// `auto` colours only a terminal, and never when NO_COLOR is set.
    pub fn enabled(self, is_terminal: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Write `bytes` to `path` atomically: a temporary file in the same directory,
/// flushed to disk, then renamed over the target. Keeps the permissions of
/// `like` (the file being replaced) when given, else of an existing target.
pub fn write_atomic(path: &Path, bytes: &[u8], like: Option<&Path>) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        let perms_from = like.filter(|p| p.exists()).or(path.exists().then_some(path));
        if let Some(src) = perms_from {
            if let Ok(meta) = std::fs::metadata(src) {
                std::fs::set_permissions(&tmp, meta.permissions())?;
            }
        }
        std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// Write a file that holds secrets atomically, readable by its owner only
/// from the first byte on (unix mode 0600).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path.file_name().with_context(|| format!("{} is not a file name", path.display()))?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let result = (|| -> Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("writing {}", path.display()))
}

/// A unified diff of `old` against `new`, labelled like git's.
pub fn unified_diff(old: &str, new: &str, name: &str, color: bool) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}")).to_string();
    if !color {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let (start, end) = match line.as_bytes().first() {
            Some(b'+') if !line.starts_with("+++") => ("\x1b[32m", "\x1b[0m"),
            Some(b'-') if !line.starts_with("---") => ("\x1b[31m", "\x1b[0m"),
            Some(b'@') => ("\x1b[36m", "\x1b[0m"),
            _ => ("", ""),
        };
        let body = line.strip_suffix('\n').unwrap_or(line);
        out.push_str(start);
        out.push_str(body);
        out.push_str(end);
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
