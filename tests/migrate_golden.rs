//! Golden cases for `migrate`: each folder under tests/migrate/cases/ holds
//! `cmd` (the arguments, one per line; file names relative to the folder),
//! the inputs, and the expected `stdout`, `stderr` and `exit` — compared byte
//! for byte. `BLESS=1 cargo test --test migrate_golden` rewrites the expectations.

use std::path::Path;

use assert_cmd::Command;

fn run_case(dir: &Path) -> Result<(), String> {
    let cmd = std::fs::read_to_string(dir.join("cmd")).map_err(|e| format!("{}: cmd: {e}", dir.display()))?;
    let args: Vec<&str> = cmd.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
    let mut c = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1").args(&args);
    if dir.join("stdin").exists() {
        c.write_stdin(std::fs::read(dir.join("stdin")).unwrap());
    }
    let out = c.output().unwrap();
    let got = [
        ("stdout", out.stdout.clone()),
        ("stderr", out.stderr.clone()),
        ("exit", format!("{}\n", out.status.code().unwrap_or(-1)).into_bytes()),
    ];
    // Files a case writes (with -o/--out-dir) are compared too: expected/<name>.
    let mut extra = Vec::new();
    if dir.join("expected").is_dir() {
        for e in std::fs::read_dir(dir.join("expected")).unwrap() {
            let e = e.unwrap();
            let written = dir.join("out").join(e.file_name());
            extra.push((e.path(), std::fs::read(&written).unwrap_or_default()));
        }
    }
    let _ = std::fs::remove_dir_all(dir.join("out"));
    let bless = std::env::var_os("BLESS").is_some();
    let mut errors = Vec::new();
    for (name, bytes) in got {
        let path = dir.join(name);
        if bless {
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_default();
        if want != bytes {
            errors.push(format!(
                "--- {}/{name} differs\n{}",
                dir.display(),
                similar_diff(&String::from_utf8_lossy(&want), &String::from_utf8_lossy(&bytes))
            ));
        }
    }
    for (path, bytes) in extra {
        if bless {
            std::fs::write(&path, &bytes).unwrap();
            continue;
        }
        if std::fs::read(&path).unwrap() != bytes {
            errors.push(format!("--- {} differs from what was written", path.display()));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors.join("\n")) }
}

fn similar_diff(a: &str, b: &str) -> String {
    let mut out = String::new();
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            out.push_str(&format!("line {}:\n  want: {x}\n  got:  {y}\n", i + 1));
        }
    }
    if a.lines().count() != b.lines().count() {
        out.push_str(&format!("want {} lines, got {} lines\n{b}", a.lines().count(), b.lines().count()));
    }
    out
}

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/migrate/cases");
    let mut dirs: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 10, "expected the golden cases under {}", root.display());
    let failures: Vec<String> = dirs.iter().filter_map(|d| run_case(d).err()).collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), dirs.len(), failures.join("\n"));
}
