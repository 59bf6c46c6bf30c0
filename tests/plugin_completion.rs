//! `helm camunda-upgrade completion bash|zsh|fish`: scripts for the binary's own name, listing
//! every subcommand; the bash one must parse.

use assert_cmd::Command;

fn completion(shell: &str) -> String {
    let out = Command::cargo_bin("helm-camunda-upgrade").unwrap().args(["completion", shell]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "completion writes only the script");
    String::from_utf8(out.stdout).unwrap()
}

/// Subcommands every script must offer (from the CLI definition, so new ones are covered).
fn subcommands() -> Vec<String> {
    use clap::CommandFactory;
    let cmd = helm_camunda_upgrade::cli::Cli::command();
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    assert!(names.len() >= 4, "{names:?}");
    names
}

#[test]
fn bash_completion_parses_and_offers_every_subcommand() {
    let s = completion("bash");
    assert!(s.contains("_helm__camunda__upgrade() {"), "{s}");
    assert!(s.contains("complete -F _helm__camunda__upgrade "), "no `complete` registration");
    for c in subcommands() {
        assert!(s.contains(&format!("helm__camunda__upgrade,{c})")) || s.contains(&format!(" {c} ")), "{c}");
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.bash");
    std::fs::write(&f, &s).unwrap();
    let st = std::process::Command::new("bash").arg("-n").arg(&f).status().unwrap();
    assert!(st.success(), "bash -n rejects the completion script");
}

#[test]
fn zsh_and_fish_completions_name_the_binary_and_every_subcommand() {
    let zsh = completion("zsh");
    assert!(zsh.starts_with("#compdef helm-camunda-upgrade"), "{zsh}");
    let fish = completion("fish");
    assert!(fish.contains("complete -c helm-camunda-upgrade"), "{fish}");
    for c in subcommands() {
        assert!(zsh.contains(&format!("'{c}:")), "zsh lacks {c}");
        assert!(fish.contains(&format!("-a \"{c}\"")), "fish lacks {c}");
    }
}

#[test]
fn unknown_shell_is_a_usage_error() {
    Command::cargo_bin("helm-camunda-upgrade").unwrap().args(["completion", "tcsh"]).assert().code(2);
}

/// Run the bash completion function as bash would for the words typed so far.
fn complete_bash(words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.bash");
    std::fs::write(&f, completion("bash")).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_helm__camunda__upgrade helm-camunda-upgrade '{}' '{}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        f.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = std::process::Command::new("bash").arg("-c").arg(script).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect()
}

#[test]
fn bash_completes_subcommands_and_their_options() {
    let top = complete_bash(&["helm-camunda-upgrade", ""]);
    for c in subcommands() {
        assert!(top.contains(&c), "{c} not offered: {top:?}");
    }
    // Options of a subcommand (clap-rs/clap#6421 broke these for hyphenated binary names).
    let opts = complete_bash(&["helm-camunda-upgrade", "completion", "--"]);
    assert!(opts.contains(&"--help".to_string()), "{opts:?}");
    let shells = complete_bash(&["helm-camunda-upgrade", "completion", ""]);
    for s in ["bash", "zsh", "fish"] {
        assert!(shells.contains(&s.to_string()), "{shells:?}");
    }
}
