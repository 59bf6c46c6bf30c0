//! Whole-output golden tests of `compat`: every folder in tests/compat/cases
//! holds the inputs, `args` (one argument per line, run in that folder) and
//! the expected `stdout`, `stderr` and `exit`. The spec's worked examples
//! E1-E7 are cases `e1-...` to `e7-...`; compat_examples.rs checks their
//! stated results one by one.
//!
//! After a deliberate change: `UPDATE_GOLDEN=1 cargo test --test compat_golden`,
//! then review the diff.

#[path = "compat/support.rs"]
mod support;

use std::fs;

#[test]
fn golden_cases() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut dirs: Vec<_> = fs::read_dir(support::cases_dir()).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    let mut failed = Vec::new();
    for dir in &dirs {
        let args_text =
            fs::read_to_string(dir.join("args")).unwrap_or_else(|_| panic!("{}: no args file", dir.display()));
        let args: Vec<&str> =
            args_text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        let run = support::compat_in(dir, &args);
        let actual =
            [("stdout", run.stdout.clone()), ("stderr", run.stderr.clone()), ("exit", format!("{}\n", run.code))];
        for (name, text) in actual {
            let path = dir.join(name);
            if update {
                fs::write(&path, &text).unwrap();
                continue;
            }
            let expected = fs::read_to_string(&path).unwrap_or_default();
            if expected != text {
                let diff = similar::TextDiff::from_lines(&expected, &text)
                    .unified_diff()
                    .header(&format!("{} (expected)", path.display()), "actual")
                    .to_string();
                failed.push(diff);
            }
        }
    }
    assert!(dirs.len() >= 8, "expected the E1-E7 cases, found {}", dirs.len());
    assert!(failed.is_empty(), "golden mismatch (UPDATE_GOLDEN=1 to accept):\n{}", failed.join("\n"));
}
