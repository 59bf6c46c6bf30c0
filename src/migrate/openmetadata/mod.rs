//! The OpenMetadata 1.11 migrations on the shared engine: the dependencies
//! chart's Airflow refactor (`deps`) and the openmetadata chart's pipeline
//! service client (`server`). Their own rule tables; the engine, the lossless
//! editor and the report are the same as for Camunda.

pub(crate) mod deps;
pub(crate) mod server;

#[cfg(test)]
mod tests {
    use crate::migrate::rules::{matches, Rule};

    /// A rule shadowed by an earlier one is a bug in the table.
    fn assert_reachable(rules: &[Rule]) {
        for (i, rule) in rules.iter().enumerate() {
            let probe: Vec<String> = rule
                .from
                .split('.')
                .map(|s| if s == "*" || s == "**" { "x".to_string() } else { s.to_string() })
                .collect();
            let first = rules
                .iter()
                .position(|r| r.from.ends_with("**") == rule.from.ends_with("**") && matches(r.from, &probe).is_some());
            assert_eq!(first, Some(i), "rule {} is shadowed", rule.from);
        }
    }

    #[test]
    fn every_rule_is_reachable() {
        assert_reachable(super::deps::rules::RULES);
        assert_reachable(super::server::RULES);
    }

    #[test]
    fn detection_does_not_overlap() {
        use serde_json::json;
        let deps = json!({"airflow": {"airflow": {"executor": "KubernetesExecutor"}}, "mysql": {"enabled": true}});
        let om = json!({"global": {"airflow": {"host": "http://x-web:8080"}}});
        let om11 = json!({"openmetadata": {"config": {"logLevel": "INFO"}}});
        for (v, want) in [(&deps, "openmetadata-deps-1.11"), (&om, "openmetadata-1.11"), (&om11, "openmetadata-1.11")] {
            let hits: Vec<&str> = crate::migrate::MIGRATIONS.iter().filter(|m| (m.detect)(v)).map(|m| m.id).collect();
            assert_eq!(hits, vec![want], "{v}");
        }
        let camunda = json!({"zeebe": {"clusterSize": 3}, "global": {"identity": {"auth": {"enabled": true}}}});
        let hits: Vec<&str> =
            crate::migrate::MIGRATIONS.iter().filter(|m| (m.detect)(&camunda)).map(|m| m.id).collect();
        assert_eq!(hits, vec!["camunda-8.7-to-8.8"]);
    }
}
