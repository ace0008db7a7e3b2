//! Dépêche: a headless news CMS. The library holds everything; the binary
//! only runs [`cli::run`].

pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod content;
pub mod db;
pub mod http;
pub mod media;
pub mod openapi;
pub mod scheduler;
pub mod startup;
pub mod syndication;
pub mod telemetry;
