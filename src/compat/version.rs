//! Chart 13.x releases whose compatibility layer behaves differently.

use std::fmt;
use std::str::FromStr;

/// A chart 13.x release, e.g. `13.2.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChartVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

/// The release the defaults in `defaults-13x.yaml` were taken from.
pub const LATEST: ChartVersion = ChartVersion { major: 13, minor: 12, patch: 7 };

const fn v(minor: u64, patch: u64) -> ChartVersion {
    ChartVersion { major: 13, minor, patch }
}

/// camunda-platform-helm PR #4587: the broker profile is taken from
/// `zeebe.enabled` only when that key exists (before, any `zeebe:` key did).
const BROKER_PROFILE_FIX: ChartVersion = v(2, 0);
/// camunda-platform-helm PR #4955: the refusal message points at the new docs URL.
const NEW_DOCS_URL: ChartVersion = v(4, 1);

const OLD_URL: &str =
    "https://docs.camunda.io/docs/next/self-managed/installation-methods/helm/upgrade/upgrade-hc-870-880/";
const NEW_URL: &str = "https://docs.camunda.io/docs/self-managed/deployment/helm/upgrade/upgrade-hc-870-880/";

impl ChartVersion {
    /// Does step 4 (broker profile) require `zeebe` to have the key `enabled`?
    pub fn broker_profile_needs_enabled_key(self) -> bool {
        self >= BROKER_PROFILE_FIX
    }

    /// The documentation URL at the end of the layer's refusal message.
    pub fn refusal_url(self) -> &'static str {
        if self >= NEW_DOCS_URL {
            NEW_URL
        } else {
            OLD_URL
        }
    }
}

impl fmt::Display for ChartVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for ChartVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches('v');
        let parts: Vec<&str> = t.split('.').collect();
        let nums: Option<Vec<u64>> = parts.iter().map(|p| p.parse::<u64>().ok()).collect();
        match nums.as_deref() {
            Some([major, minor, patch]) if parts.len() == 3 => {
                if *major != 13 {
                    return Err(format!("{s}: the compatibility layer exists only in chart 13.x (Camunda 8.8)"));
                }
                Ok(ChartVersion { major: *major, minor: *minor, patch: *patch })
            }
            _ => Err(format!("{s}: expected a chart release like 13.2.0 (pre-releases are not supported)")),
        }
    }
}

/// The Helm client that renders. Helm 3.16.0 moved to sprig 3.3.0, whose
/// `mergeOverwrite` is dario.cat/mergo 1.0.1; before, mergo 0.3.12/0.3.13
/// kept a non-empty non-map value where the old key had a map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HelmVersion {
    pub major: u64,
    pub minor: u64,
}

/// How sprig's `mergeOverwrite` treats a map from `src` over a non-map in `dst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mergo {
    /// dario.cat/mergo 1.0 (Helm >= 3.16): the map replaces it.
    V1,
    /// imdario/mergo 0.3.12-0.3.13 (Helm < 3.16): a non-empty non-map stays.
    Legacy,
}

impl HelmVersion {
    pub const DEFAULT: HelmVersion = HelmVersion { major: 3, minor: 17 };

    pub fn mergo(self) -> Mergo {
        if (self.major, self.minor) < (3, 16) {
            Mergo::Legacy
        } else {
            Mergo::V1
        }
    }
}

impl fmt::Display for HelmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for HelmVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let num = |p: Option<&str>| p.and_then(|x| x.parse::<u64>().ok());
        match (num(parts.next()), num(parts.next()), parts.next().map(|p| p.parse::<u64>().is_ok()), parts.next()) {
            (Some(major @ 3..=4), Some(minor), None | Some(true), None) => Ok(HelmVersion { major, minor }),
            _ => Err(format!("{s}: expected a Helm 3 or 4 release like 3.17 or 3.15.4")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_switches() {
        let old: ChartVersion = "13.1.3".parse().unwrap();
        let fixed: ChartVersion = "v13.2.0".parse().unwrap();
        assert!(!old.broker_profile_needs_enabled_key());
        assert!(fixed.broker_profile_needs_enabled_key());
        assert_eq!("13.4.0".parse::<ChartVersion>().unwrap().refusal_url(), OLD_URL);
        assert_eq!("13.4.1".parse::<ChartVersion>().unwrap().refusal_url(), NEW_URL);
        assert!("12.13.3".parse::<ChartVersion>().is_err());
        assert!("13.0.0-alpha8".parse::<ChartVersion>().is_err());
        assert!("13.1".parse::<ChartVersion>().is_err());
        assert_eq!(LATEST.to_string(), "13.12.7");
    }

    #[test]
    fn helm_versions() {
        assert_eq!("3.15.4".parse::<HelmVersion>().unwrap().mergo(), Mergo::Legacy);
        assert_eq!("v3.16.0".parse::<HelmVersion>().unwrap().mergo(), Mergo::V1);
        assert_eq!("4.0".parse::<HelmVersion>().unwrap().mergo(), Mergo::V1);
        assert!("2.17.0".parse::<HelmVersion>().is_err());
        assert!("3".parse::<HelmVersion>().is_err());
    }
}
