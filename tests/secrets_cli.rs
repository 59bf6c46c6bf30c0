//! `secrets plan` and `migrate --secret-name` without a cluster: golden cases under
//! tests/secrets/cases/ (`cmd` one argument per line, inputs, expected `stdout`, `stderr`,
//! `exit`; `BLESS=1` rewrites them), the README table, and reports that never hold a value.

use std::path::Path;

use assert_cmd::Command;

fn run_case(dir: &Path) -> Result<(), String> {
    let cmd = std::fs::read_to_string(dir.join("cmd")).map_err(|e| format!("{}: cmd: {e}", dir.display()))?;
    let args: Vec<&str> = cmd.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut c = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    c.current_dir(dir).env("NO_COLOR", "1").env_remove("HELM_NAMESPACE").args(&args);
    c.write_stdin(std::fs::read(dir.join("stdin")).unwrap_or_default());
    let out = c.output().unwrap();
    let got = [
        ("stdout", out.stdout),
        ("stderr", out.stderr),
        ("exit", format!("{}\n", out.status.code().unwrap_or(-1)).into_bytes()),
    ];
    let mut errors = Vec::new();
    for (name, bytes) in got {
        let path = dir.join(name);
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&path, &bytes).unwrap();
        } else if std::fs::read(&path).unwrap_or_default() != bytes {
            errors.push(format!("--- {}/{name} differs; got:\n{}", dir.display(), String::from_utf8_lossy(&bytes)));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

#[test]
fn golden_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secrets/cases");
    let mut dirs: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 7);
    let errors: Vec<String> = dirs.iter().filter_map(|d| run_case(d).err()).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_readme_table_is_the_one_the_code_uses() {
    let mut cmd = Command::cargo_bin("helm-camunda-upgrade").unwrap();
    let out = cmd.args(["secrets", "plan", "--table"]).output().unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().count() > 20);
    // docs/secrets.md, and the README once the section is folded in: whichever holds the table.
    let header = table.lines().next().unwrap();
    let mut found = 0;
    for doc in ["docs/secrets.md", "README.md"] {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(doc)).unwrap_or_default();
        if text.contains(header) {
            assert!(text.contains(&table), "{doc} lacks the current `secrets plan --table`:\n{table}");
            found += 1;
        }
    }
    assert!(found > 0, "no document holds the secrets table");
}

/// Every plaintext value of tests/secrets/cases/plan-values.
const PLANTED: [&str; 7] =
    ["optimize-plain", "es-plain", "smtp-plain", "wm-db-plain", "unused-plain", "Zq8#rT2!mW9xLp4K", "hook-plain"];

#[test]
fn plan_shows_no_value_and_migrate_reports_none() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/secrets/cases/plan-values");
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.json");
    let mut outputs = Vec::new();
    for args in [
        vec!["secrets", "plan", "values.yaml"],
        vec!["secrets", "plan", "values.yaml", "--output", "json"],
        vec!["migrate", "values.yaml", "--secret-name", "camunda-credentials", "--diff"],
        vec![
            "migrate",
            "values.yaml",
            "--secret-name",
            "camunda-credentials",
            "--report-json",
            report.to_str().unwrap(),
        ],
        vec![
            "migrate",
            "values.yaml",
            "--report-json",
            report.to_str().unwrap(),
            "-o",
            tmp.path().join("o.yaml").to_str().unwrap(),
        ],
    ] {
        let out = Command::cargo_bin("helm-camunda-upgrade").unwrap().current_dir(&dir).args(&args).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        // migrate's values on stdout are the product; only the diff, plan and reports are checked.
        if args[0] == "secrets" || args.contains(&"--diff") {
            outputs.push((format!("{args:?} stdout"), stdout));
        }
        outputs.push((format!("{args:?} stderr"), String::from_utf8(out.stderr).unwrap()));
        outputs.push((format!("{args:?} report"), std::fs::read_to_string(&report).unwrap_or_default()));
    }
    for (where_, text) in &outputs {
        for (i, v) in PLANTED.iter().enumerate() {
            assert!(!text.contains(v), "planted value #{i} appears in {where_}");
        }
    }
    // The report does say where every secret went.
    let with_secret_name = |(w, _): &&(String, String)| {
        w.contains("--secret-name") && w.contains("--report-json") && w.ends_with("report")
    };
    let json: serde_json::Value = serde_json::from_str(&outputs.iter().find(with_secret_name).unwrap().1).unwrap();
    let changed: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["reason"].as_str().is_some_and(|r| r.contains("now read from the Secret camunda-credentials")))
        .map(|i| i["from"].as_str().unwrap())
        .collect();
    for k in [
        "global.identity.auth.optimize.existingSecret",
        "global.elasticsearch.auth.password",
        "webModeler.restapi.mail.smtpPassword",
        "zeebe.env[1]",
        "zeebe.env[0]",
    ] {
        assert!(changed.contains(&k), "{k} not reported as replaced: {changed:?}");
    }
}

#[test]
fn migrate_refuses_a_bad_secret_name() {
    let out = Command::cargo_bin("helm-camunda-upgrade")
        .unwrap()
        .args(["migrate", "--secret-name", "Not_A_Name"])
        .write_stdin("identity:\n  firstUser:\n    password: x\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a valid Secret name"));
    assert!(out.stdout.is_empty());
}
