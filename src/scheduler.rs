//! Background work: publishing scheduled articles when their time comes.
//! It runs at start-up too, so an article due while the server was down is
//! published as soon as it is back.

use std::time::Duration;

use actix_web::web::Data;

use crate::content::articles::workflow;
use crate::db::Db;
use crate::http::response_cache::ResponseCache;

/// Starts the loop on the current runtime; it stops with the runtime.
pub fn spawn(db: Db, cache: Data<ResponseCache>, every: Duration) {
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(every);
        loop {
            ticks.tick().await;
            match db.write(workflow::publish_due).await {
                Ok(0) => {}
                Ok(n) => {
                    cache.invalidate();
                    tracing::info!(published = n, "scheduled articles published");
                }
                Err(e) => tracing::warn!(error = %e, "scheduled publication failed; will retry"),
            }
        }
    });
}
