//! Render-time failures of chart 13.x that do not depend on the compatibility
//! flag but that 8.7 values typically hit, checked on the values after the
//! layer (the chart renders its other templates after the layer's).
//!
//! Order = the order Helm renders the templates in (deeper paths first, then
//! reverse-alphabetical: `orchestration/` before `common/ingress-grpc.yaml`
//! before `common/constraints.tpl`), then file order inside constraints.tpl.
//! Templates not modelled here (e.g. Web Modeler's required mail settings)
//! can fail earlier in a real render.

use serde_json::Value;

use crate::yaml::value::get_path;

use super::gotpl::{self, TplError};
use super::version::ChartVersion;
use super::{Failure, FailureSource};

const UPGRADE_DOCS: &str = "https://docs.camunda.io/docs/self-managed/deployment/helm/upgrade/";

/// A condition as the template writes it.
#[derive(Clone, Copy)]
enum Cond {
    /// `if .Values.a.b` (a plain field chain).
    Field(&'static [&'static str]),
    /// `if ((.Values.a).b).c` (safe navigation).
    Paren(&'static [&'static str]),
    /// `hasKey .Values.<path> "<key>"`.
    HasKey(&'static [&'static str], &'static str),
    /// `and (hasKey .Values.<path> "<mid>") (hasKey .Values.<path>.<mid> "<key>")`.
    HasKey2(&'static [&'static str], &'static str, &'static str),
    /// `and (not .Values.a) .Values.b`.
    NotAnd(&'static [&'static str], &'static [&'static str]),
    /// Anything else.
    Custom(fn(&Value) -> Result<bool, TplError>),
}

#[derive(Clone, Copy)]
enum Msg {
    /// `camundaPlatform.keyRenamed`
    Renamed(&'static str, &'static str),
    /// `camundaPlatform.keyRemoved`
    Removed(&'static str),
    /// Own text, printed as is.
    Text(&'static str),
}

struct Rule {
    /// Releases the rule exists in: `[from, until)`.
    from: Option<ChartVersion>,
    until: Option<ChartVersion>,
    source: FailureSource,
    gate: Option<Cond>,
    cond: Cond,
    /// The user's key to point at.
    key: &'static [&'static str],
    msg: Msg,
}

const fn ver(minor: u64, patch: u64) -> Option<ChartVersion> {
    Some(ChartVersion { major: 13, minor, patch })
}

const IDENTITY_NOT_ENABLED_UNTIL: Option<ChartVersion> = ver(12, 3);

const fn rule(gate: Option<Cond>, cond: Cond, key: &'static [&'static str], msg: Msg) -> Rule {
    Rule { from: None, until: None, source: FailureSource::Constraints, gate, cond, key, msg }
}

/// `$identityEnabled := or .Values.identity.enabled .Values.global.identity.service.url`
fn identity_enabled(v: &Value) -> Result<Value, TplError> {
    Ok(go_or(&[
        gotpl::field_chain(v, &["identity", "enabled"])?,
        gotpl::field_chain(v, &["global", "identity", "service", "url"])?,
    ]))
}

/// Go's `or`: the first truthy argument, else the last one.
fn go_or(args: &[Option<&Value>]) -> Value {
    args.iter().find(|a| gotpl::truthy(**a)).or(args.last()).copied().flatten().cloned().unwrap_or(Value::Null)
}

fn multitenancy_unmet(v: &Value) -> Result<bool, TplError> {
    let on = gotpl::truthy(gotpl::field_chain(v, &["identity", "multitenancy", "enabled"])?)
        || gotpl::truthy(gotpl::field_chain(v, &["global", "multitenancy", "enabled"])?);
    if !on {
        return Ok(false);
    }
    let auth =
        go_or(&[Some(&identity_enabled(v)?), gotpl::field_chain(v, &["global", "identity", "auth", "enabled"])?]);
    let db = go_or(&[
        gotpl::field_chain(v, &["identityPostgresql", "enabled"])?,
        gotpl::field_chain(v, &["identity", "externalDatabase", "enabled"])?,
    ]);
    // `has false (list $auth $db)`: only an actual `false` counts.
    Ok(auth == Value::Bool(false) || db == Value::Bool(false))
}

fn needs_identity(component: &'static str) -> impl Fn(&Value) -> Result<bool, TplError> {
    move |v| {
        Ok(gotpl::truthy(gotpl::field_chain(v, &[component, "enabled"])?)
            && !gotpl::truthy(Some(&identity_enabled(v)?)))
    }
}

fn console_needs_identity(v: &Value) -> Result<bool, TplError> {
    needs_identity("console")(v)
}

fn web_modeler_needs_identity(v: &Value) -> Result<bool, TplError> {
    needs_identity("webModeler")(v)
}

/// `orchestration.secondaryStorage` (templates/orchestration/_helpers.tpl), used by the unified config.
fn no_secondary_storage(v: &Value) -> Result<bool, TplError> {
    let on = |p: &[&str]| gotpl::field_chain(v, p).map(gotpl::truthy);
    Ok(!on(&["global", "noSecondaryStorage"])?
        && !on(&["global", "elasticsearch", "enabled"])?
        && !on(&["global", "opensearch", "enabled"])?)
}

/// templates/common/ingress-grpc.yaml: `.Values.orchestration.ingress.grpc.enabled`,
/// then (unless external) `.grpc.tls.enabled`. After the layer copied a
/// `zeebeGateway.ingress` without `grpc` or without `grpc.tls`, these fail.
fn grpc_ingress_unreadable(v: &Value) -> Result<bool, TplError> {
    if !gotpl::truthy(gotpl::field_chain(v, &["orchestration", "ingress", "grpc", "enabled"])?) {
        return Ok(false);
    }
    if gotpl::truthy(gotpl::field_chain(v, &["orchestration", "ingress", "grpc", "external"])?) {
        return Ok(false);
    }
    gotpl::field_chain(v, &["orchestration", "ingress", "grpc", "tls", "enabled"])?;
    Ok(false)
}

fn rules() -> Vec<Rule> {
    use Cond::*;
    use Msg::*;
    const IDENTITY_ENABLED: &[&str] = &["identity", "enabled"];
    let orch_enabled = Some(Field(&["orchestration", "enabled"]));
    let identity_enabled = Some(Field(IDENTITY_ENABLED));
    let removed = |comp: &'static [&'static str], old: &'static str| rule(None, Paren(comp), comp, Removed(old));
    vec![
        Rule {
            source: FailureSource::SecondaryStorage,
            ..rule(
                orch_enabled,
                Custom(no_secondary_storage),
                &["global", "elasticsearch", "enabled"],
                Text("Please enable a secondary storage type. Either Elasticsearch or OpenSearch"),
            )
        },
        Rule {
            // Fails only with a template error (see the function); it has no message of its own.
            source: FailureSource::IngressGrpc,
            ..rule(orch_enabled, Custom(grpc_ingress_unreadable), &["zeebeGateway", "ingress"], Text(""))
        },
        rule(
            None,
            Custom(multitenancy_unmet),
            &["global", "multitenancy", "enabled"],
            Text(
                "[camunda][error] The Multi-Tenancy feature \"identity.multitenancy\" requires Identity enabled and \
                 configured with database. Ensure that \"identity.enabled: true\" and \"global.identity.auth.enabled: \
                 true\" and Identity database is configured built-in PostgreSQL chart via \"identityPostgresql\" or \
                 configure an external database via \"identity.externalDatabase\".",
            ),
        ),
        rule(
            None,
            NotAnd(IDENTITY_ENABLED, &["identityKeycloak", "enabled"]),
            &["identityKeycloak", "enabled"],
            Text(
                "[camunda][error] Identity is disabled but identityKeycloak is enabled. Please ensure that if \
                 identityKeycloak is enabled, Identity must also be enabled.",
            ),
        ),
        Rule {
            until: IDENTITY_NOT_ENABLED_UNTIL,
            ..rule(
                None,
                NotAnd(IDENTITY_ENABLED, &["console", "enabled"]),
                &["console", "enabled"],
                Text(
                    "[camunda][error] Console is enabled but management Identity is not enabled. Please ensure that \
                     if Console is enabled, management Identity must also be enabled.",
                ),
            )
        },
        Rule {
            from: IDENTITY_NOT_ENABLED_UNTIL,
            ..rule(
                None,
                Custom(console_needs_identity),
                &["console", "enabled"],
                Text(
                    "[camunda][error] Console is enabled but management Identity is not configured. Enable local \
                     management Identity with \"identity.enabled: true\", or point to an external management \
                     Identity via \"global.identity.service.url\".",
                ),
            )
        },
        Rule {
            // camunda-platform-helm PR #4910 dropped this one in 13.4.0.
            until: ver(4, 0),
            ..rule(
                None,
                NotAnd(IDENTITY_ENABLED, &["optimize", "enabled"]),
                &["optimize", "enabled"],
                Text(
                    "[camunda][error] Optimize is enabled but management Identity is not enabled. Please ensure that \
                     if Optimize is enabled, management Identity must also be enabled.",
                ),
            )
        },
        Rule {
            until: IDENTITY_NOT_ENABLED_UNTIL,
            ..rule(
                None,
                NotAnd(IDENTITY_ENABLED, &["webModeler", "enabled"]),
                &["webModeler", "enabled"],
                Text(
                    "[camunda][error] Web Modeler is enabled but management Identity is not enabled. Please ensure \
                     that if Web Modeler is enabled, management Identity must also be enabled.",
                ),
            )
        },
        Rule {
            from: IDENTITY_NOT_ENABLED_UNTIL,
            ..rule(
                None,
                Custom(web_modeler_needs_identity),
                &["webModeler", "enabled"],
                Text(
                    "[camunda][error] Web Modeler is enabled but management Identity is not configured. Enable local \
                     management Identity with \"identity.enabled: true\", or point to an external management \
                     Identity via \"global.identity.service.url\".",
                ),
            )
        },
        rule(
            None,
            HasKey(&["global", "multiregion"], "installationType"),
            &["global", "multiregion", "installationType"],
            Text(
                "[camunda][error] The option \"global.multiregion.installationType\" has been removed. Use \
                 application API's for multi-region failover/failback operations. More details: \
                 https://docs.camunda.io/docs/self-managed/operational-guides/multi-region/\
                 dual-region-operational-procedure/",
            ),
        ),
        // (constraints.tpl also renames a string `global.elasticsearch.url`, but the
        // schema refuses that before any template runs: see `schema`.)
        rule(
            None,
            Field(&["global", "elasticsearch", "protocol"]),
            &["global", "elasticsearch", "protocol"],
            Renamed("global.elasticsearch.protocol", "global.elasticsearch.url.protocol"),
        ),
        rule(
            None,
            Field(&["global", "elasticsearch", "host"]),
            &["global", "elasticsearch", "host"],
            Renamed("global.elasticsearch.host", "global.elasticsearch.url.host"),
        ),
        rule(
            None,
            Field(&["global", "elasticsearch", "port"]),
            &["global", "elasticsearch", "port"],
            Renamed("global.elasticsearch.port", "global.elasticsearch.url.port"),
        ),
        rule(
            identity_enabled,
            Field(&["identity", "keycloak"]),
            &["identity", "keycloak"],
            Renamed("identity.keycloak", "identityKeycloak"),
        ),
        rule(
            identity_enabled,
            Field(&["identity", "postgresql"]),
            &["identity", "postgresql"],
            Renamed("identity.postgresql", "identityPostgresql"),
        ),
        rule(
            Some(Field(&["webModeler", "enabled"])),
            Field(&["postgresql"]),
            &["postgresql"],
            Renamed("postgresql", "webModelerPostgresql"),
        ),
        rule(
            Some(Paren(&["zeebe-gateway", "enabled"])),
            Field(&["zeebe-gateway"]),
            &["zeebe-gateway"],
            Renamed("zeebe-gateway", "zeebeGateway"),
        ),
        removed(&["identity", "ingress", "enabled"], "identity.ingress"),
        removed(&["console", "ingress", "enabled"], "console.ingress"),
        removed(&["webModeler", "ingress", "enabled"], "webModeler.ingress"),
        removed(&["connectors", "ingress", "enabled"], "connectors.ingress"),
        rule(
            None,
            Paren(&["orchestration", "ingress", "rest", "enabled"]),
            &["zeebeGateway", "ingress", "rest", "enabled"],
            Removed("orchestration.ingress.rest"),
        ),
        rule(
            orch_enabled,
            HasKey2(&["global"], "security", "authorizations"),
            &["global", "security", "authorizations"],
            Renamed("global.security.authorizations", "orchestration.security.authorizations"),
        ),
        rule(
            orch_enabled,
            HasKey2(&["global"], "security", "initialization"),
            &["global", "security", "initialization"],
            Renamed("global.security.initialization", "orchestration.security.initialization"),
        ),
    ]
}

fn eval(cond: Cond, v: &Value) -> Result<bool, TplError> {
    match cond {
        Cond::Field(p) => gotpl::field_chain(v, p).map(gotpl::truthy),
        Cond::Paren(p) => gotpl::paren_chain(Some(v), p).map(gotpl::truthy),
        Cond::HasKey(p, key) => Ok(gotpl::as_map_arg(gotpl::field_chain(v, p)?)?.contains_key(key)),
        Cond::HasKey2(p, mid, key) => {
            let m = gotpl::as_map_arg(gotpl::field_chain(v, p)?)?;
            Ok(m.contains_key(mid) && gotpl::as_map_arg(m.get(mid))?.contains_key(key))
        }
        Cond::NotAnd(not, and) => {
            Ok(!gotpl::truthy(gotpl::field_chain(v, not)?) && gotpl::truthy(gotpl::field_chain(v, and)?))
        }
        Cond::Custom(f) => f(v),
    }
}

fn message(msg: Msg) -> String {
    match msg {
        Msg::Renamed(old, new) => format!(
            "[camunda][error] The Helm values file key changed from \"{old}\" to \"{new}\". For more details, please \
             check Camunda Helm chart documentation. {UPGRADE_DOCS}"
        ),
        Msg::Removed(old) => format!(
            "[camunda][error] The Helm values file key \"{old}\" has been removed. For more details, please check \
             Camunda Helm chart documentation. {UPGRADE_DOCS}"
        ),
        Msg::Text(t) => t.to_string(),
    }
}

/// Helm checks the values against the chart's values.schema.json before any
/// template runs. Of the schema, only what 8.7 values are known to break is
/// checked here: `global.elasticsearch.url` was a string in older charts.
pub fn schema(before: &Value) -> Vec<Failure> {
    let url = get_path(before, &["global", "elasticsearch", "url"]);
    let given = match url {
        None | Some(Value::Object(_)) | Some(Value::Null) => return Vec::new(),
        Some(Value::String(_)) => "string",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(n)) if n.is_f64() => "number",
        Some(Value::Number(_)) => "integer",
        Some(Value::Array(_)) => "array",
    };
    let message = format!(
        "values don't meet the specifications of the schema(s) in the following chart(s):\ncamunda-platform:\n\
         - global.elasticsearch.url: Invalid type. Expected: object, given: {given}"
    );
    vec![Failure::chart(FailureSource::Schema, &["global", "elasticsearch", "url"], message)]
}

/// The failures of the templates rendered after the layer, in render order;
/// only the first unless `all`.
pub fn check(after: &Value, version: ChartVersion, all: bool) -> Vec<Failure> {
    let mut out = Vec::new();
    for r in rules() {
        if r.from.is_some_and(|f| version < f) || r.until.is_some_and(|u| version >= u) {
            continue;
        }
        let hit = match r.gate.map(|g| eval(g, after)).unwrap_or(Ok(true)) {
            Ok(true) => eval(r.cond, after),
            other => other,
        };
        let failure = match hit {
            Ok(false) => continue,
            Ok(true) => Failure::chart(r.source, r.key, message(r.msg)),
            Err(e) => Failure::template(r.source, r.key, e.0),
        };
        out.push(failure);
        if !all {
            break;
        }
    }
    out
}
