//! helm-camunda-upgrade: migrate Camunda 8.7 Helm values to 8.8, emulate the
//! 13.x chart's compatibility layer, and guard `helm upgrade` as a post-renderer.

pub mod check;
pub mod cli;
pub mod compat;
pub mod completion;
pub mod error;
pub mod exit;
pub mod helm;
pub mod kubectl;
pub mod migrate;
pub mod output;
pub mod preflight;
pub mod secrets;
pub mod upgrade;
pub mod values;
pub mod yaml;
