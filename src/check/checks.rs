//! The check table. A check is data: an id for `--require`/`--skip`, the
//! profile it belongs to, whether it runs by default, the checks it depends
//! on, which documents it needs fully parsed, and the function that judges
//! the stream. A new check (or profile) is one more entry.

use serde::Serialize;

use super::stream::{Object, Stream};

/// The product whose upgrade is guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Camunda 8.7 -> 8.8 (chart camunda-platform 12.x -> 13.x).
    Camunda,
    /// OpenMetadata: openmetadata-dependencies <= 1.11.2 -> >= 1.11.3 (Airflow 3), and the openmetadata chart.
    Openmetadata,
}

impl Profile {
    /// The `helm.sh/chart` label prefix of the profile's main chart.
    pub fn chart_prefix(self) -> &'static str {
        match self {
            Profile::Camunda => "camunda-platform-",
            Profile::Openmetadata => "openmetadata-",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Profile::Camunda => "camunda",
            Profile::Openmetadata => "openmetadata",
        }
    }
}

/// What a check knows besides the stream.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The release name: `--release`, else the stream's `app.kubernetes.io/instance` label.
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// The main chart's `helm.sh/chart` label, e.g. `camunda-platform-13.12.7`.
    pub chart: Option<String>,
    /// The release's current manifest (`--previous`), for checks of fields Kubernetes will not change.
    pub previous: Option<std::sync::Arc<Previous>>,
    /// Set when `previous` was read from the cluster (`--release` with `immutable-fields`): the
    /// context in which kubectl can tell whether a flagged object still exists.
    pub live: Option<crate::helm::HelmContext>,
}

/// The manifest of the release being upgraded (`helm get manifest RELEASE`):
/// its objects with the fully parsed bodies the checks compare with.
#[derive(Debug, Default)]
pub struct Previous {
    /// The file name, for reports.
    pub file: String,
    pub objects: Vec<PreviousObject>,
}

#[derive(Debug)]
pub struct PreviousObject {
    pub kind: String,
    pub name: String,
    /// 1-based document number and start line in the file.
    pub document: usize,
    pub line: usize,
    pub body: serde_json::Value,
}

impl Previous {
    /// Read a manifest; only objects `want` picks keep their bodies.
    pub fn read(
        file: &str,
        input: &[u8],
        want: impl Fn(&Object) -> bool,
    ) -> Result<Previous, crate::error::InputError> {
        let named = |mut e: crate::error::InputError| {
            e.location.file = file.to_string();
            e
        };
        let mut stream = Stream::read(input).map_err(named)?;
        stream.load_bodies(&want).map_err(named)?;
        let objects = stream
            .objects()
            .filter(|o| o.body.is_some())
            .map(|o| PreviousObject {
                kind: o.kind().to_string(),
                name: o.name().to_string(),
                document: o.index,
                line: stream.line(o),
                body: o.body.clone().unwrap_or_default(),
            })
            .collect();
        Ok(Previous { file: file.to_string(), objects })
    }

    pub fn find(&self, kind: &str, name: &str) -> Option<&PreviousObject> {
        self.objects.iter().find(|o| o.kind == kind && o.name == name)
    }
}

/// One resource, as reports name it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Resource {
    pub kind: String,
    pub name: String,
    /// 1-based document number in the stream.
    pub document: usize,
    /// 1-based line where the document starts.
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Resource {
    pub fn of(stream: &Stream, o: &Object) -> Resource {
        Resource {
            kind: o.kind().to_string(),
            name: o.name().to_string(),
            document: o.index,
            line: stream.line(o),
            source: o.source().map(str::to_string),
        }
    }
}

/// Something a check found wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<Resource>,
    /// What was looked for (for something missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The values key (or action) that fixes it.
    pub fix: String,
}

/// A check's answer: no findings means it passed; `found` lists the resources
/// it relied on (for the report).
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub findings: Vec<Finding>,
    pub found: Vec<Resource>,
    /// The check does not apply to this stream (reported as not run, with this reason).
    pub skipped: Option<String>,
}

impl Verdict {
    pub fn skipped(reason: &str) -> Verdict {
        Verdict { skipped: Some(reason.to_string()), ..Verdict::default() }
    }
}

#[derive(Debug)]
pub struct Check {
    pub id: &'static str,
    pub profile: Profile,
    /// Runs unless skipped; otherwise only with `--require`.
    pub default: bool,
    pub description: &'static str,
    /// Checks that must pass first; if one fails, this one is not run.
    pub after: &'static [&'static str],
    /// Documents this check reads beyond their head.
    pub needs_body: fn(&Object) -> bool,
    pub run: fn(&Stream, &Context) -> Verdict,
}

/// Every check of every profile.
pub fn all() -> impl Iterator<Item = &'static Check> {
    super::camunda::CHECKS.iter().chain(super::openmetadata::CHECKS)
}

pub fn all_ids() -> Vec<&'static str> {
    all().map(|c| c.id).collect()
}

/// The checks to run: the profile's defaults, plus `require`, minus `skip`.
/// Errors are usage errors.
pub fn select(profile: Profile, require: &[String], skip: &[String]) -> Result<Vec<&'static Check>, String> {
    for id in require.iter().chain(skip) {
        match all().find(|c| c.id == id) {
            None => return Err(format!("unknown check `{id}`; known checks: {}", all_ids().join(", "))),
            Some(c) if c.profile != profile => {
                return Err(format!("check `{id}` belongs to profile {}, not {}", c.profile.name(), profile.name()))
            }
            Some(_) => {}
        }
        if require.contains(id) && skip.contains(id) {
            return Err(format!("check `{id}` is both required and skipped"));
        }
    }
    Ok(all()
        .filter(|c| c.profile == profile)
        .filter(|c| (c.default || require.iter().any(|r| r == c.id)) && !skip.iter().any(|s| s == c.id))
        .collect())
}

/// How a check ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Passed,
    Failed,
    /// A check it depends on failed, or it does not apply to the stream.
    NotRun,
}

pub struct Outcome {
    pub check: &'static Check,
    pub status: Status,
    pub verdict: Verdict,
    /// Why it was not run.
    pub reason: Option<String>,
}

/// Run the selected checks in table order.
pub fn run_all(checks: &[&'static Check], stream: &Stream, ctx: &Context) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = Vec::new();
    for &check in checks {
        let failed_dep =
            check.after.iter().find(|dep| out.iter().any(|o| o.check.id == **dep && o.status != Status::Passed));
        if let Some(dep) = failed_dep {
            out.push(Outcome {
                check,
                status: Status::NotRun,
                verdict: Verdict::default(),
                reason: Some(format!("not run because `{dep}` did not pass")),
            });
            continue;
        }
        let mut verdict = (check.run)(stream, ctx);
        if let Some(reason) = verdict.skipped.take() {
            out.push(Outcome { check, status: Status::NotRun, verdict, reason: Some(reason) });
            continue;
        }
        let status = if verdict.findings.is_empty() { Status::Passed } else { Status::Failed };
        out.push(Outcome { check, status, verdict, reason: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&Check]) -> Vec<&'static str> {
        v.iter().map(|c| c.id).collect()
    }

    #[test]
    fn ids_are_unique_and_dependencies_known() {
        let ids = all_ids();
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids[i + 1..].contains(id), "duplicate check id {id}");
        }
        for c in all() {
            for dep in c.after {
                let d = all().position(|x| x.id == *dep).expect("known dependency");
                assert!(d < all().position(|x| x.id == c.id).unwrap(), "{} must come after {dep}", c.id);
            }
        }
    }

    #[test]
    fn selection() {
        let s = |r: &[&str], k: &[&str]| {
            let r: Vec<String> = r.iter().map(|s| s.to_string()).collect();
            let k: Vec<String> = k.iter().map(|s| s.to_string()).collect();
            select(Profile::Camunda, &r, &k)
        };
        let defaults = ids(&s(&[], &[]).unwrap());
        assert!(defaults.contains(&"importer") && !defaults.contains(&"identity-migration"));
        let more = ids(&s(&["identity-migration"], &["importer"]).unwrap());
        assert!(more.contains(&"identity-migration") && !more.contains(&"importer"));
        assert!(s(&["nope"], &[]).unwrap_err().contains("unknown check `nope`"));
        assert!(s(&["importer"], &["importer"]).unwrap_err().contains("both required and skipped"));
    }
}
