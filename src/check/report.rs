//! What `check` tells people (text on stderr) and scripts (`--output json`,
//! `--summary FILE`). One summary value; two renderings.

use std::fmt::Write as _;

use serde::Serialize;

use super::checks::{Finding, Outcome, Profile, Resource, Status};
use super::stream::Shape;
use crate::error::InputError;
use crate::exit::Exit;

#[derive(Debug, Serialize)]
pub struct Summary {
    pub command: &'static str,
    pub result: Overall,
    pub exit_code: u8,
    pub profile: Profile,
    pub input: InputInfo,
    pub chart: Option<String>,
    pub release: Option<String>,
    /// `--release`, or `label` (the stream's app.kubernetes.io/instance).
    pub release_from: Option<&'static str>,
    pub namespace: Option<String>,
    pub checks: Vec<CheckSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorSummary>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Overall {
    Passed,
    Failed,
    BadInput,
}

impl Overall {
    pub fn exit(self) -> Exit {
        match self {
            Overall::Passed => Exit::Ok,
            Overall::Failed => Exit::Refused,
            Overall::BadInput => Exit::BadInput,
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct InputInfo {
    pub bytes: usize,
    /// Documents, empty ones included.
    pub documents: usize,
    /// Documents holding an object.
    pub objects: usize,
    pub shape: Option<Shape>,
    /// Objects with a helm.sh/hook annotation (only Helm 4 passes hooks).
    pub hooks: usize,
    /// Documents the fast scanner left to the full parser.
    pub fallbacks: usize,
    /// Documents fully parsed (fallbacks, and those a check reads beyond the head).
    pub bodies: usize,
}

#[derive(Debug, Serialize)]
pub struct CheckSummary {
    pub id: &'static str,
    pub description: &'static str,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub found: Vec<Resource>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
pub struct ErrorSummary {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl CheckSummary {
    pub fn from_outcome(o: Outcome) -> CheckSummary {
        CheckSummary {
            id: o.check.id,
            description: o.check.description,
            status: o.status,
            reason: o.reason,
            found: o.verdict.found,
            findings: o.verdict.findings,
        }
    }
}

impl ErrorSummary {
    pub fn from_input_error(e: &InputError) -> ErrorSummary {
        ErrorSummary {
            file: e.location.file.clone(),
            line: e.location.line,
            column: e.location.col,
            message: e.message.clone(),
        }
    }
}

const PREFIX: &str = "helm-camunda-upgrade check";

fn resource(r: &Resource) -> String {
    let mut s = format!("document {}, line {}", r.document, r.line);
    if let Some(src) = &r.source {
        let _ = write!(s, " ({src})");
    }
    s
}

/// "26 objects, chart camunda-platform-13.12.7, release camunda (from the instance label), namespace camunda"
fn context_line(s: &Summary) -> String {
    let n = |count: usize, what: &str| format!("{count} {what}{}", if count == 1 { "" } else { "s" });
    let mut parts = vec![format!("{} in {}", n(s.input.objects, "object"), n(s.input.documents, "document"))];
    if let Some(c) = &s.chart {
        parts.push(format!("chart {c}"));
    }
    match (&s.release, s.release_from) {
        (Some(r), Some("label")) => parts.push(format!("release {r} (from app.kubernetes.io/instance)")),
        (Some(r), _) => parts.push(format!("release {r}")),
        _ => {}
    }
    if let Some(n) = &s.namespace {
        parts.push(format!("namespace {n}"));
    }
    parts.join(", ")
}

fn ids(s: &Summary, status: Status) -> Vec<&'static str> {
    s.checks.iter().filter(|c| c.status == status).map(|c| c.id).collect()
}

impl Summary {
    /// The human report: failures in full; a single line when all passed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for w in &self.warnings {
            let _ = writeln!(out, "{PREFIX}: warning: {w}");
        }
        if let Some(e) = &self.error {
            let _ = writeln!(out, "helm-camunda-upgrade: error: {}:{}:{}: {}", e.file, e.line, e.column, e.message);
            let _ = writeln!(out, "{PREFIX}: the stream was not checked; nothing was written to stdout");
            return out;
        }
        let failed: Vec<&CheckSummary> = self.checks.iter().filter(|c| c.status == Status::Failed).collect();
        if failed.is_empty() {
            let passed: Vec<String> = self
                .checks
                .iter()
                .map(|c| match c.found.first() {
                    _ if c.status == Status::NotRun => {
                        format!("{} (not run: {})", c.id, c.reason.as_deref().unwrap_or(""))
                    }
                    Some(r) if c.id != "orchestration-images" => format!("{} ({} {})", c.id, r.kind, r.name),
                    _ => c.id.to_string(),
                })
                .collect();
            let _ = writeln!(out, "{PREFIX}: passed: {} [{}]", passed.join(", "), context_line(self));
            return out;
        }
        let _ = writeln!(
            out,
            "{PREFIX}: upgrade stopped: {} of {} checks failed [{}]",
            failed.len(),
            self.checks.len(),
            context_line(self)
        );
        for c in failed {
            for f in &c.findings {
                let _ = writeln!(out, "\nFAILED {}: {}", c.id, f.message);
                if let Some(r) = &f.resource {
                    let _ = writeln!(out, "  at:       {}", resource(r));
                }
                if let Some(e) = &f.expected {
                    let _ = writeln!(out, "  expected: {e}");
                }
                let _ = writeln!(out, "  fix:      {}", f.fix);
            }
        }
        out.push('\n');
        let passed = ids(self, Status::Passed);
        if !passed.is_empty() {
            let _ = writeln!(out, "passed: {}", passed.join(", "));
        }
        for c in self.checks.iter().filter(|c| c.status == Status::NotRun) {
            let _ = writeln!(out, "not run: {} ({})", c.id, c.reason.as_deref().unwrap_or(""));
        }
        let _ = writeln!(out, "nothing was written to stdout (as a Helm post-renderer this stops the upgrade)");
        out
    }

    pub fn json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a summary serialises");
        s.push('\n');
        s
    }
}
