//! Background work: publishing scheduled articles when their time comes.
//! It runs at start-up too, so an article due while the server was down is
//! published as soon as it is back.

use std::pin::pin;
use std::time::Duration;

use actix_web::rt::task::JoinHandle;
use actix_web::web::Data;
use futures_util::future::{Either, select};
use tokio::sync::oneshot;

use crate::content::articles::workflow;
use crate::db::Db;
use crate::http::response_cache::ResponseCache;

/// The running loop; it ends when told to, or when this handle is dropped.
pub struct Scheduler {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Starts the loop on the current runtime.
pub fn spawn(db: Db, cache: Data<ResponseCache>, every: Duration) -> Scheduler {
    let (stop, mut stopped) = oneshot::channel::<()>();
    let task = actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(every);
        loop {
            // Stop between rounds, never in the middle of one.
            if let Either::Left(_) = select(&mut stopped, pin!(ticks.tick())).await {
                break;
            }
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
    Scheduler { stop, task }
}

impl Scheduler {
    /// Stops the loop once the round under way, if any, is done.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        if let Err(e) = self.task.await {
            tracing::warn!(error = %e, "the scheduler ended abnormally");
            return;
        }
        tracing::info!("scheduler stopped");
    }
}
