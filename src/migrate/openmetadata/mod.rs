//! The OpenMetadata 1.11 migrations on the shared engine: the dependencies
//! chart's Airflow refactor (`deps`) and the openmetadata chart's pipeline
//! service client (`server`). Their own rule tables; the engine, the lossless
//! editor and the report are the same as for Camunda.

pub(crate) mod deps;
pub(crate) mod server;
