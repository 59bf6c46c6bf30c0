//! Files written only once everything else succeeded: each is staged as a temporary file next
//! to its destination (owner-only when it holds secrets) and linked into place at the end, so
//! a failure on the way leaves nothing behind. A destination with other content is never
//! overwritten; the same content is left as it is.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::error::Refused;

pub struct Staged {
    tmp: Option<PathBuf>,
    pub dest: PathBuf,
}

impl Staged {
    /// Stage `bytes` for `dest` (mode 0600 when `private`). Refused when `dest` holds other content.
    pub fn new(dest: &Path, bytes: &[u8], private: bool, what: &str) -> Result<Staged> {
        match std::fs::read(dest) {
            Ok(existing) if existing == bytes => return Ok(Staged { tmp: None, dest: dest.to_path_buf() }),
            Ok(_) => anyhow::bail!(Refused(format!(
                "{} exists with other content and is not overwritten: remove it or choose another {what}",
                dest.display()
            ))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dest.display())),
        }
        let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = dest.file_name().with_context(|| format!("{} is not a file name", dest.display()))?;
        let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, if private { 0o600 } else { 0o644 });
        let staged = Staged { tmp: Some(tmp.clone()), dest: dest.to_path_buf() };
        let mut f = opts.open(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes).and_then(|()| f.sync_all()).with_context(|| format!("cannot write {}", tmp.display()))?;
        Ok(staged)
    }

    /// Was the same content already there?
    pub fn unchanged(&self) -> bool {
        self.tmp.is_none()
    }

    /// Put the file in place. A link, not a rename: a file that appeared meanwhile is not replaced.
    pub fn commit(mut self) -> Result<()> {
        if let Some(tmp) = self.tmp.take() {
            let r =
                std::fs::hard_link(&tmp, &self.dest).with_context(|| format!("cannot create {}", self.dest.display()));
            let _ = std::fs::remove_file(&tmp);
            r?;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_files_appear_only_on_commit() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("out.yaml");
        let s = Staged::new(&p, b"a", true, "--out").unwrap();
        assert!(!p.exists());
        s.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(Staged::new(&p, b"a", true, "--out").unwrap().unchanged());
        let err = Staged::new(&p, b"b", true, "--out").err().unwrap();
        assert!(err.to_string().contains("not overwritten"), "{err}");
        let q = d.path().join("q.yaml");
        drop(Staged::new(&q, b"x", false, "--overlay").unwrap());
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1, "a dropped stage leaves nothing");
    }
}
