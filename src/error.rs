//! Typed errors inside; `anyhow` at the edges. `main` maps these to exit codes.

use std::fmt;

use crate::exit::Exit;

/// Where in which input something is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    /// 1-based line and column; 0 when unknown.
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.col)
        }
    }
}

/// Bad input: the file, the place and (when known) the key path.
#[derive(Debug, Clone, thiserror::Error)]
pub struct InputError {
    pub location: Location,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if let Some(k) = &self.key {
            write!(f, "{k}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// The run was refused (a blocker, a failed check); the message says why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// Wrong use of the command line found after parsing (exit 2).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Map an error to its exit code.
pub fn exit_for(err: &anyhow::Error) -> Exit {
    for cause in err.chain() {
        if cause.downcast_ref::<InputError>().is_some() {
            return Exit::BadInput;
        }
        if cause.downcast_ref::<Refused>().is_some() {
            return Exit::Refused;
        }
        if cause.downcast_ref::<Usage>().is_some() {
            return Exit::Usage;
        }
    }
    Exit::Failure
}
