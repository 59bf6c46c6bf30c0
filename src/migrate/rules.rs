//! The Camunda 8.7 -> 8.8 key rules: the one place that says where each old
//! key goes. The engine applies them, the report quotes their reasons, and the
//! README's key table is generated from them (`migrate --list-rules`).
//!
//! Patterns are dotted key paths; `*` matches one key and a trailing `**`
//! matches the rest of a path, which a `**` in the target receives.
//! The first rule (in table order) matching a path wins; a `**` rule applies
//! only where no more specific rule matches deeper down.

/// What happens to the keys a rule matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Move to the target, merging mappings key by key with what is there.
    Move(&'static str),
    /// Move, and write numbers as strings (the 13.x schema requires strings).
    MoveAsString(&'static str),
    /// Move, replacing text inside the value.
    MoveReplacing { to: &'static str, from: &'static str, with: &'static str },
    /// Drop when the effective value equals this (a 12.x default), otherwise move.
    DropIfDefault { default: &'static str, to: &'static str },
    /// Drop; the 8.8 chart has no equivalent or must not get the old value.
    Drop,
    /// Drop, and list what the user has to do instead as a manual step.
    Manual,
    /// Leave in place, listed as "not migrated yet".
    Pending,
    /// Computed from the merged values by the engine (see `engine::special`).
    Special(Special),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// Decided by a derivation on the merged view (`derive/`); the text names the target for the README.
    Derived(&'static str),
}

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub from: &'static str,
    pub action: Action,
    /// Why, in the user's terms; quoted in the report and the README.
    pub why: &'static str,
}

const fn r(from: &'static str, action: Action, why: &'static str) -> Rule {
    Rule { from, action, why }
}

use Action::*;

const IMAGE_WHY: &str =
    "an 8.7 image must not run as the 8.8 orchestration image; the 13.x chart's camunda/camunda image applies";
const RES_WHY: &str = "equal to the 12.x default; dropped so the 13.x default applies";
const STR_WHY: &str = "the 13.x schema requires a string";
const GW_WHY: &str = "the Zeebe Gateway is embedded in the orchestration pods in 8.8; this gateway setting has no equivalent";
const WEBAPP_WHY: &str = "Operate and Tasklist are served by the orchestration pods in 8.8; this setting has no equivalent";
const JOIN_WHY: &str = "joined with the same key of the other 8.7 components (duplicates collapse, conflicts are refused)";

/// The Camunda 12.x -> 13.x rules, most specific first.
pub static CAMUNDA: &[Rule] = &[
    // --- zeebe -> orchestration: everything moves, except what changed meaning.
    r("zeebe.enabled", Move("orchestration.profiles.broker"), "the broker is a profile of the orchestration cluster in 8.8"),
    r("zeebe.image.repository", Drop, IMAGE_WHY),
    r("zeebe.image.tag", Drop, IMAGE_WHY),
    r("zeebe.image.digest", Drop, IMAGE_WHY),
    r("zeebe.service.httpPort", Move("orchestration.service.managementPort"), "9600 was 8.7's monitoring port; 8.8's httpPort is the REST port"),
    r("zeebe.service.httpName", Move("orchestration.service.managementName"), "the monitoring port's name follows the port"),
    r("zeebe.resources.requests.cpu", DropIfDefault { default: "800m", to: "orchestration.resources.requests.cpu" }, RES_WHY),
    r("zeebe.resources.requests.memory", DropIfDefault { default: "1200Mi", to: "orchestration.resources.requests.memory" }, RES_WHY),
    r("zeebe.resources.limits.cpu", DropIfDefault { default: "960m", to: "orchestration.resources.limits.cpu" }, RES_WHY),
    r("zeebe.resources.limits.memory", DropIfDefault { default: "1920Mi", to: "orchestration.resources.limits.memory" }, RES_WHY),
    r("zeebe.javaOpts", MoveReplacing { to: "orchestration.javaOpts", from: "/usr/local/zeebe", with: "/usr/local/camunda" }, "8.8 images live under /usr/local/camunda"),
    r("zeebe.configuration", Special(Special::Derived("orchestration.configuration")), JOIN_WHY),
    r("zeebe.extraConfiguration", Special(Special::Derived("orchestration.extraConfiguration")), JOIN_WHY),
    r("zeebe.env", Special(Special::Derived("orchestration.env")), "joined as above; ZEEBE_GATEWAY_* env names become ZEEBE_BROKER_GATEWAY_*"),
    r("zeebe.envFrom", Special(Special::Derived("orchestration.envFrom")), JOIN_WHY),
    r("zeebe.initContainers", Special(Special::Derived("orchestration.initContainers")), JOIN_WHY),
    r("zeebe.extraInitContainers", Special(Special::Derived("orchestration.initContainers")), "deprecated in 13.x; joined into initContainers"),
    r("zeebe.sidecars", Special(Special::Derived("orchestration.sidecars")), JOIN_WHY),
    r("zeebe.extraVolumes", Special(Special::Derived("orchestration.extraVolumes")), JOIN_WHY),
    r("zeebe.extraVolumeMounts", Special(Special::Derived("orchestration.extraVolumeMounts")), JOIN_WHY),
    r("zeebe.clusterSize", MoveAsString("orchestration.clusterSize"), STR_WHY),
    r("zeebe.partitionCount", MoveAsString("orchestration.partitionCount"), STR_WHY),
    r("zeebe.replicationFactor", MoveAsString("orchestration.replicationFactor"), STR_WHY),
    r("zeebe.**", Move("orchestration.**"), "zeebe is renamed orchestration in 8.8"),
    // --- zeebeGateway: the gateway is embedded; its public settings move.
    r("zeebeGateway.enabled", Drop, "not a 12.x key; it only switches on the 13.x compatibility layer"),
    r("zeebeGateway.ingress.rest", Manual, "8.8 serves the REST API through the combined HTTP Ingress (global.ingress) under orchestration.contextPath; move any custom host or TLS there"),
    r("zeebeGateway.ingress.**", Move("orchestration.ingress.**"), "the gRPC Ingress belongs to the orchestration cluster in 8.8 (merged key by key, the 13.x defaults survive)"),
    r("zeebeGateway.contextPath", Move("orchestration.contextPath"), "the gateway's REST context path is the orchestration context path in 8.8"),
    r("zeebeGateway.service.restPort", Move("orchestration.service.httpPort"), "the REST port is orchestration.service.httpPort in 8.8"),
    r("zeebeGateway.service.restName", Move("orchestration.service.httpName"), "the REST port's name follows the port"),
    r("zeebeGateway.service.httpPort", Move("orchestration.service.managementPort"), "9600 was 8.7's monitoring port; it is managementPort in 8.8"),
    r("zeebeGateway.service.httpName", Move("orchestration.service.managementName"), "the monitoring port's name follows the port"),
    r("zeebeGateway.service.*", Move("orchestration.service.*"), "the gateway Service is the orchestration Service in 8.8"),
    r("zeebeGateway.configuration", Special(Special::Derived("orchestration.configuration")), JOIN_WHY),
    r("zeebeGateway.extraConfiguration", Special(Special::Derived("orchestration.extraConfiguration")), JOIN_WHY),
    r("zeebeGateway.env", Special(Special::Derived("orchestration.env")), JOIN_WHY),
    r("zeebeGateway.envFrom", Special(Special::Derived("orchestration.envFrom")), JOIN_WHY),
    r("zeebeGateway.initContainers", Special(Special::Derived("orchestration.initContainers")), JOIN_WHY),
    r("zeebeGateway.sidecars", Special(Special::Derived("orchestration.sidecars")), JOIN_WHY),
    r("zeebeGateway.extraVolumes", Special(Special::Derived("orchestration.extraVolumes")), JOIN_WHY),
    r("zeebeGateway.extraVolumeMounts", Special(Special::Derived("orchestration.extraVolumeMounts")), JOIN_WHY),
    r("zeebeGateway.extraInitContainers", Special(Special::Derived("orchestration.initContainers")), "deprecated in 13.x; joined into initContainers"),
    r("zeebeGateway.**", Drop, GW_WHY),
    // --- operate / tasklist: profiles of the orchestration cluster.
    r("operate.enabled", Move("orchestration.profiles.operate"), "Operate is a profile of the orchestration cluster in 8.8"),
    r("tasklist.enabled", Move("orchestration.profiles.tasklist"), "Tasklist is a profile of the orchestration cluster in 8.8"),
    r("operate.retention.**", Move("orchestration.history.retention.**"), "retention is set once for the orchestration cluster in 8.8"),
    r("tasklist.retention.**", Move("orchestration.history.retention.**"), "retention is set once for the orchestration cluster in 8.8"),
    r("operate.contextPath", Drop, "Operate is served at <orchestration.contextPath>/operate in 8.8"),
    r("tasklist.contextPath", Drop, "Tasklist is served at <orchestration.contextPath>/tasklist in 8.8"),
    r("operate.configuration", Special(Special::Derived("orchestration.configuration")), JOIN_WHY),
    r("operate.extraConfiguration", Special(Special::Derived("orchestration.extraConfiguration")), JOIN_WHY),
    r("operate.env", Special(Special::Derived("orchestration.env")), JOIN_WHY),
    r("operate.envFrom", Special(Special::Derived("orchestration.envFrom")), JOIN_WHY),
    r("operate.initContainers", Special(Special::Derived("orchestration.initContainers")), JOIN_WHY),
    r("operate.sidecars", Special(Special::Derived("orchestration.sidecars")), JOIN_WHY),
    r("operate.extraVolumes", Special(Special::Derived("orchestration.extraVolumes")), JOIN_WHY),
    r("operate.extraVolumeMounts", Special(Special::Derived("orchestration.extraVolumeMounts")), JOIN_WHY),
    r("operate.**", Drop, WEBAPP_WHY),
    r("tasklist.configuration", Special(Special::Derived("orchestration.configuration")), JOIN_WHY),
    r("tasklist.extraConfiguration", Special(Special::Derived("orchestration.extraConfiguration")), JOIN_WHY),
    r("tasklist.env", Special(Special::Derived("orchestration.env")), JOIN_WHY),
    r("tasklist.envFrom", Special(Special::Derived("orchestration.envFrom")), JOIN_WHY),
    r("tasklist.initContainers", Special(Special::Derived("orchestration.initContainers")), JOIN_WHY),
    r("tasklist.sidecars", Special(Special::Derived("orchestration.sidecars")), JOIN_WHY),
    r("tasklist.extraVolumes", Special(Special::Derived("orchestration.extraVolumes")), JOIN_WHY),
    r("tasklist.extraVolumeMounts", Special(Special::Derived("orchestration.extraVolumeMounts")), JOIN_WHY),
    r("tasklist.**", Drop, WEBAPP_WHY),
    // --- renamed and removed keys elsewhere.
    r("postgresql.**", Move("webModelerPostgresql.**"), "Web Modeler's PostgreSQL subchart is aliased webModelerPostgresql in 13.x"),
    r("global.elasticsearch.disableExporter", Special(Special::Derived("orchestration.exporters.{camunda,zeebe}.enabled")), "true becomes false for both exporters (multi-region defines them by hand); false is 8.8's default"),
    r("global.compatibility.orchestration.enabled", Special(Special::Derived("false")), "the values are migrated; the chart's compatibility layer must not run over them again"),
    r("global.identity.auth.zeebe.**", Special(Special::Derived("orchestration.security.authentication.oidc")), "clientId, audience, existingSecret -> secret.existingSecret, existingSecretKey -> secret.existingSecretKey, tokenScope -> scope"),
    r("global.identity.auth.connectors.**", Special(Special::Derived("connectors.security.authentication.oidc")), "same fields; the method is written as oidc"),
    r("global.identity.auth.operate.**", Special(Special::Derived("orchestration.security.authentication.oidc")), "audience -> backwardsCompatibleAudiences, redirectUrl -> the one redirectUrl; the rest has no equivalent"),
    r("global.identity.auth.tasklist.**", Special(Special::Derived("orchestration.security.authentication.oidc")), "as for operate"),
    r("global.identity.auth.enabled", Special(Special::Derived("global.security.authentication.method")), "12.x default true means OIDC: written as method oidc (basic otherwise), never switched"),
    r("global.multiregion.installationType", Special(Special::Derived("dropped")), "removed in 13.x; the chart fails on it"),
    r("global.elasticsearch.url", Special(Special::Derived("global.elasticsearch.url.{protocol,host,port}")), "a URL string is split into protocol, host and port"),
    r("global.elasticsearch.protocol", Move("global.elasticsearch.url.protocol"), "13.x reads the URL parts under url"),
    r("global.elasticsearch.host", Move("global.elasticsearch.url.host"), "13.x reads the URL parts under url"),
    r("global.elasticsearch.port", Move("global.elasticsearch.url.port"), "13.x reads the URL parts under url"),
    r("global.security.authorizations.**", Move("orchestration.security.authorizations.**"), "renamed in 13.x"),
    r("global.security.initialization.**", Move("orchestration.security.initialization.**"), "renamed in 13.x"),
    r("identity.keycloak.**", Move("identityKeycloak.**"), "renamed in 13.x"),
    r("identity.postgresql.**", Move("identityPostgresql.**"), "renamed in 13.x"),
    r("executionIdentity.**", Drop, "Execution Identity was removed in 13.x"),
    r("orchestration.importer.enabled", Special(Special::Derived("dropped")), "has no effect in any released 13.x chart; the importer starts with orchestration.migration.data.enabled"),
];

/// The four 8.7 components that became the orchestration cluster, in the order the 13.x chart
/// checks them (and the order their lists are joined in).
pub const OLD_COMPONENTS: [&str; 4] = ["zeebe", "zeebeGateway", "operate", "tasklist"];

/// The shapes the rules rely on; anything else is bad input, reported with its position.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Map,
    List,
    Str,
    /// Anything but a mapping or a list.
    Scalar,
}

macro_rules! per_component {
    ($key:literal, $shape:expr) => {
        [
            (concat!("zeebe.", $key), $shape),
            (concat!("zeebeGateway.", $key), $shape),
            (concat!("operate.", $key), $shape),
            (concat!("tasklist.", $key), $shape),
            (concat!("orchestration.", $key), $shape),
        ]
    };
}

/// Shapes of the Camunda keys the rules and derivations read.
pub static CAMUNDA_SHAPES: std::sync::LazyLock<Vec<(&'static str, Shape)>> = std::sync::LazyLock::new(|| {
    let mut v = vec![
        ("global", Shape::Map),
        ("zeebe", Shape::Map),
        ("zeebeGateway", Shape::Map),
        ("operate", Shape::Map),
        ("tasklist", Shape::Map),
        ("postgresql", Shape::Map),
        ("orchestration", Shape::Map),
        ("zeebe.clusterSize", Shape::Scalar),
        ("zeebe.partitionCount", Shape::Scalar),
        ("zeebe.replicationFactor", Shape::Scalar),
        ("zeebe.javaOpts", Shape::Str),
        ("zeebe.image", Shape::Map),
        ("zeebe.service", Shape::Map),
        ("zeebe.resources", Shape::Map),
        ("zeebeGateway.ingress", Shape::Map),
        ("zeebeGateway.service", Shape::Map),
        ("connectors.env", Shape::List),
    ];
    v.extend(per_component!("env", Shape::List));
    v.extend(per_component!("envFrom", Shape::List));
    v.extend(per_component!("initContainers", Shape::List));
    v.extend(per_component!("extraInitContainers", Shape::List));
    v.extend(per_component!("sidecars", Shape::List));
    v.extend(per_component!("extraVolumes", Shape::List));
    v.extend(per_component!("extraVolumeMounts", Shape::List));
    v.extend(per_component!("configuration", Shape::Str));
    v.extend(per_component!("extraConfiguration", Shape::Map));
    v
});

/// Does `pattern` match `path`? Returns the part of the path a trailing `**` took.
/// (Called for every key the walk visits: no allocation.)
pub fn matches<'p>(pattern: &str, path: &'p [String]) -> Option<&'p [String]> {
    let (fixed, glob) = match pattern.strip_suffix(".**") {
        Some(f) => (f, true),
        None => (pattern, false),
    };
    let mut n = 0;
    for seg in fixed.split('.') {
        let p = path.get(n)?;
        if seg != "*" && seg != p {
            return None;
        }
        n += 1;
    }
    // `a.**` covers `a` itself as well as everything below it.
    if !glob && path.len() != n {
        return None;
    }
    Some(&path[n..])
}

/// Could a rule match something strictly below `path` (so the walk must descend)?
pub fn has_rule_below(rules: &[Rule], path: &[String]) -> bool {
    rules.iter().any(|rule| {
        let fixed = rule.from.strip_suffix(".**").unwrap_or(rule.from);
        let mut segs = fixed.split('.');
        path.iter().all(|p| segs.next().is_some_and(|s| s == "*" || s == p)) && segs.next().is_some()
    })
}

/// The rule for exactly this path (no `**`), or else the `**` rule covering it.
pub fn exact_rule<'r>(rules: &'r [Rule], path: &[String]) -> Option<&'r Rule> {
    rules.iter().find(|rule| !rule.from.ends_with("**") && matches(rule.from, path).is_some())
}

pub fn glob_rule<'r>(rules: &'r [Rule], path: &[String]) -> Option<(&'r Rule, usize)> {
    rules.iter().filter(|rule| rule.from.ends_with("**")).find_map(|rule| {
        let rest = matches(rule.from, path)?;
        Some((rule, path.len() - rest.len()))
    })
}

/// Build the target path of a move: `*` and `**` in the target take the
/// matched key(s) of the source.
pub fn target(rule_from: &str, to: &str, path: &[String]) -> Vec<String> {
    let from: Vec<&str> = rule_from.split('.').collect();
    let mut stars: Vec<&String> = Vec::new();
    for (i, s) in from.iter().enumerate() {
        if *s == "*" {
            stars.push(&path[i]);
        }
    }
    let rest = matches(rule_from, path).unwrap_or(&[]);
    let mut out = Vec::new();
    let mut star_i = 0;
    for seg in to.split('.') {
        match seg {
            "*" => {
                out.push(stars.get(star_i).map(|s| s.to_string()).unwrap_or_default());
                star_i += 1;
            }
            "**" => out.extend(rest.iter().cloned()),
            s => out.push(s.to_string()),
        }
    }
    out
}

/// The README's key table, generated from the rules.
pub fn markdown_table(rules: &[Rule]) -> String {
    markdown_table_with(rules, ("8.7 key (chart 12.x)", "8.8 key (chart 13.x)"))
}

/// The key table with the given headings for the old and new key columns.
pub fn markdown_table_with(rules: &[Rule], (old, new): (&str, &str)) -> String {
    let mut s = format!("| {old} | {new} | why |\n|---|---|---|\n");
    for rule in rules {
        let to = match rule.action {
            Move(t) | MoveAsString(t) | MoveReplacing { to: t, .. } => format!("`{t}`"),
            DropIfDefault { to, default } => format!("`{to}` (dropped when `{default}`)"),
            Drop => "dropped".into(),
            Manual => "dropped, manual step".into(),
            Pending => "kept in place, not migrated yet".into(),
            Special(Special::Derived(t)) => format!("`{t}`"),
        };
        let extra = match rule.action {
            MoveAsString(_) => " (written as a string)".to_string(),
            MoveReplacing { from, with, .. } => format!(" (`{from}` -> `{with}`)"),
            _ => String::new(),
        };
        s.push_str(&format!("| `{}` | {}{} | {} |\n", rule.from, to, extra, rule.why));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split('.').map(str::to_string).collect()
    }

    #[test]
    fn patterns() {
        assert!(matches("zeebe.**", &p("zeebe.a.b")).is_some());
        assert_eq!(matches("zeebe.**", &p("zeebe")).unwrap().len(), 0);
        assert_eq!(target("zeebe.**", "orchestration.**", &p("zeebe.a.b")), p("orchestration.a.b"));
        assert_eq!(target("zeebeGateway.service.*", "orchestration.service.*", &p("zeebeGateway.service.grpcPort")), p("orchestration.service.grpcPort"));
        assert_eq!(exact_rule(CAMUNDA, &p("zeebe.image.tag")).unwrap().action, Drop);
        assert!(exact_rule(CAMUNDA, &p("zeebe.image")).is_none());
        assert!(has_rule_below(CAMUNDA, &p("zeebe.image")));
        assert!(!has_rule_below(CAMUNDA, &p("zeebe.podLabels")));
        assert_eq!(glob_rule(CAMUNDA, &p("zeebe.podLabels")).unwrap().1, 1);
    }

    #[test]
    fn every_rule_is_reachable() {
        // A rule shadowed by an earlier one is a bug in the table.
        for (i, rule) in CAMUNDA.iter().enumerate() {
            let probe: Vec<String> = rule.from.split('.').map(|s| if s == "*" || s == "**" { "x".to_string() } else { s.to_string() }).collect();
            let first = CAMUNDA.iter().position(|r| {
                if r.from.ends_with("**") == rule.from.ends_with("**") { matches(r.from, &probe).is_some() } else { false }
            });
            assert_eq!(first, Some(i), "rule {} is shadowed", rule.from);
        }
    }
}
