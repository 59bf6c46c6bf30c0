//! Exit codes, stable for scripts (documented in the README).

use std::process::ExitCode;

/// What a run ended with. The numbers never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Done, nothing left for the user to do.
    Ok = 0,
    /// An unexpected failure (I/O, a helm or kubectl call that failed).
    Failure = 1,
    /// Wrong command-line usage (clap's own code).
    Usage = 2,
    /// Done and output written, but the report lists manual steps.
    ManualSteps = 3,
    /// Refused: a blocker in the values, a failed check, or (compat) the chart's
    /// layer would fail or silently drop keys.
    Refused = 4,
    /// Bad input: malformed YAML, wrong types, limits exceeded.
    BadInput = 5,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}
