//! Secret values never leave the program: passwords, inline secrets, tokens
//! and license keys are replaced before values are printed or quoted in a
//! message. Names of Kubernetes Secrets (`existingSecret`, `...Key`) stay.

use serde_json::Value;

pub const MASK: &str = "<redacted>";

/// Does a key (with its parent key) hold a secret value?
pub fn is_secret_key(parent: Option<&str>, key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    if parent.is_some_and(|p| p.eq_ignore_ascii_case("license")) && k == "key" {
        return true;
    }
    let names_something = k.starts_with("existing") || k.ends_with("name") || k.ends_with("ref");
    if names_something || (k.ends_with("key") && k != "secretaccesskey") {
        return false;
    }
    k.contains("password") || k.ends_with("token") || matches!(k.as_str(), "inlinesecret" | "clientsecret" | "secretaccesskey" | "secret")
}

/// An env entry `{name: X_PASSWORD, value: ...}` holds a secret in `value`.
fn is_secret_env_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["PASSWORD", "SECRET", "TOKEN", "CREDENTIAL"].iter().any(|w| n.contains(w))
}

/// Is the value at this key path a secret? (For messages about one key.)
pub fn is_secret_path<S: AsRef<str>>(path: &[S]) -> bool {
    let Some((last, rest)) = path.split_last() else { return false };
    is_secret_key(rest.last().map(|p| p.as_ref()), last.as_ref())
}

/// Mask every secret string (and number) in `v`; returns how many were masked.
pub fn redact(v: &mut Value) -> usize {
    walk(v, None)
}

fn walk(v: &mut Value, parent: Option<&str>) -> usize {
    match v {
        Value::Object(m) => {
            let env_secret = m.get("name").and_then(Value::as_str).is_some_and(is_secret_env_name);
            let mut n = 0;
            for (k, child) in m.iter_mut() {
                let secret = is_secret_key(parent, k) || (env_secret && k == "value");
                if secret && (child.is_string() || child.is_number()) && child.as_str() != Some("") {
                    *child = Value::String(MASK.into());
                    n += 1;
                } else {
                    n += walk(child, Some(k));
                }
            }
            n
        }
        Value::Array(a) => a.iter_mut().map(|x| walk(x, parent)).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_values_not_names() {
        let mut v = json!({
            "global": {"license": {"key": "abc", "existingSecret": "lic"},
                       "elasticsearch": {"auth": {"password": "pw", "existingSecretKey": "password"}}},
            "oidc": {"secret": {"inlineSecret": "s3", "existingSecret": "camunda-credentials"}, "existingSecretKey": "x-token"},
            "env": [{"name": "DB_PASSWORD", "value": "p"}, {"name": "LOG_LEVEL", "value": "debug"}],
            "keycloak": {"auth": {"adminPassword": "a", "passwordSecretKey": "k"}},
            "empty": {"password": ""},
        });
        assert_eq!(redact(&mut v), 5);
        assert_eq!(v["global"]["license"]["key"], MASK);
        assert_eq!(v["global"]["license"]["existingSecret"], "lic");
        assert_eq!(v["global"]["elasticsearch"]["auth"]["existingSecretKey"], "password");
        assert_eq!(v["oidc"]["secret"]["existingSecret"], "camunda-credentials");
        assert_eq!(v["oidc"]["existingSecretKey"], "x-token");
        assert_eq!(v["env"][1]["value"], "debug");
        assert_eq!(v["keycloak"]["auth"]["passwordSecretKey"], "k");
        assert!(is_secret_path(&["global", "license", "key"]));
        assert!(!is_secret_path(&["zeebe", "pvcSize"]));
    }
}
