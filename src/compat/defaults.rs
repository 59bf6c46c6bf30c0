//! The chart defaults the emulation needs: the 13.x keys the layer touches
//! (data in `defaults-13x.yaml`) and the 12.x resource defaults it detects.

use serde_json::Value;

use super::version::ChartVersion;
use crate::yaml;

const DEFAULTS_13X: &str = include_str!("defaults-13x.yaml");

/// Defaults among those in `defaults-13x.yaml` that were different before a
/// release: (first release with the 13.12.7 value, key path, older value;
/// `None` = the key did not exist).
const OLDER_DEFAULTS: [(ChartVersion, &[&str], Option<&str>); 3] = [
    // camunda-platform-helm PR #5107
    (ChartVersion { major: 13, minor: 5, patch: 0 }, &["orchestration", "service", "headless", "type"], None),
    // PR #4908
    (
        ChartVersion { major: 13, minor: 5, patch: 0 },
        &["orchestration", "ingress", "grpc", "tls", "secretName"],
        Some("camunda-platform-orchestration-grpc"),
    ),
    // PR #5207
    (
        ChartVersion { major: 13, minor: 5, patch: 3 },
        &["orchestration", "security", "authentication", "oidc", "groupsClaim"],
        Some("groups"),
    ),
];

/// `orchestration.image.tag` by release (from each release's values.yaml; a
/// row holds until the next). 13.12.7 and later: the data file's tag.
const IMAGE_TAGS: [((u64, u64), &str); 27] = [
    ((0, 0), "8.8.0"),
    ((1, 0), "8.8.1"),
    ((1, 1), "8.8.2"),
    ((1, 2), "8.8.3"),
    ((2, 0), "8.8.4"),
    ((2, 2), "8.8.5"),
    ((3, 0), "8.8.6"),
    ((3, 1), "8.8.8"),
    ((4, 0), "8.8.9"),
    ((4, 2), "8.8.11"),
    ((5, 0), "8.8.13"),
    ((5, 1), "8.8.14"),
    ((5, 3), "8.8.15"),
    ((5, 4), "8.8.16"),
    ((5, 5), "8.8.19"),
    ((6, 0), "8.8.21"),
    ((7, 1), "8.8.22"),
    ((7, 2), "8.8.23"),
    ((9, 0), "8.8.24"),
    ((10, 2), "8.8.27"),
    ((12, 0), "8.8.29"),
    ((12, 1), "8.8.30"),
    ((12, 2), "8.8.31"),
    ((12, 3), "8.8.32"),
    ((12, 4), "8.8.33"),
    ((12, 5), "8.8.34"),
    ((12, 6), "8.8.35"),
];

/// The 13.x defaults the layer sees in `version` (see the data file's header for what is in it).
pub fn chart_13x(version: ChartVersion) -> Value {
    let doc = yaml::parse_document(DEFAULTS_13X).expect("defaults-13x.yaml is valid YAML");
    let mut v = yaml::value::to_value(&doc).expect("defaults-13x.yaml has no aliases");
    for (since, path, older) in OLDER_DEFAULTS {
        if version >= since {
            continue;
        }
        let (last, parent) = path.split_last().expect("non-empty");
        let map = parent.iter().fold(&mut v, |cur, k| &mut cur[*k]).as_object_mut().expect("a mapping");
        match older {
            Some(old) => map.insert(last.to_string(), Value::String(old.into())),
            None => map.remove(*last),
        };
    }
    if version < super::version::LATEST {
        let row =
            IMAGE_TAGS.iter().rev().find(|((minor, patch), _)| (version.minor, version.patch) >= (*minor, *patch));
        if let Some((_, tag)) = row {
            v["orchestration"]["image"]["tag"] = Value::String(tag.to_string());
        }
    }
    v
}

/// Chart 12.x `zeebe.resources` defaults. The layer compares the user's
/// `zeebe.resources` with these and, on a match, keeps the 13.x value.
pub const RESOURCES_12X: [(&str, &str, &str); 4] = [
    ("requests", "cpu", "800m"),
    ("requests", "memory", "1200Mi"),
    ("limits", "cpu", "960m"),
    ("limits", "memory", "1920Mi"),
];

/// The top-level keys `compat` prints.
pub const PRINTED: [&str; 3] = ["orchestration", "connectors", "global"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::value::get_path;

    #[test]
    fn defaults_parse_with_helm_rules() {
        let d = chart_13x(super::super::version::LATEST);
        assert_eq!(get_path(&d, &["global", "compatibility", "orchestration", "enabled"]), Some(&Value::Bool(true)));
        assert_eq!(get_path(&d, &["orchestration", "clusterSize"]), Some(&Value::String("3".into())));
        assert_eq!(
            get_path(&d, &["orchestration", "javaOpts"]).and_then(Value::as_str),
            Some(
                "-XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/usr/local/camunda/data \
                 -XX:ErrorFile=/usr/local/camunda/data/camunda_error%p.log -XX:+ExitOnOutOfMemoryError"
            )
        );
        assert_eq!(get_path(&d, &["orchestration", "service", "httpPort"]), Some(&Value::from(8080)));
    }

    #[test]
    fn older_releases() {
        let d = chart_13x("13.5.0".parse().unwrap());
        assert_eq!(get_path(&d, &["orchestration", "service", "headless", "type"]), Some(&Value::from("ClusterIP")));
        assert_eq!(
            get_path(&d, &["orchestration", "security", "authentication", "oidc", "groupsClaim"]),
            Some(&Value::from("groups"))
        );
        assert_eq!(get_path(&d, &["orchestration", "image", "tag"]), Some(&Value::from("8.8.13")));
        let d = chart_13x("13.4.1".parse().unwrap());
        assert_eq!(get_path(&d, &["orchestration", "image", "tag"]), Some(&Value::from("8.8.9")));
        assert_eq!(get_path(&d, &["orchestration", "service", "headless", "type"]), None);
        assert_eq!(
            get_path(&d, &["orchestration", "ingress", "grpc", "tls", "secretName"]),
            Some(&Value::from("camunda-platform-orchestration-grpc"))
        );
    }
}
