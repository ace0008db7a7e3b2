//! Structured logs through `tracing`: readable text in development, JSON
//! lines in production, filtered by `RUST_LOG`.

use tracing_subscriber::EnvFilter;

use crate::config::Environment;

pub fn init(environment: Environment) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests building several apps) keeps the first.
    let _ = match environment {
        Environment::Production => builder.json().flatten_event(true).try_init(),
        Environment::Development => builder.try_init(),
    };
}
