//! The command line: `depeche [serve [--demo]] | migrate | demo | openapi`.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::content::demo;
use crate::db::Db;
use crate::media::LocalDir;
use crate::startup::{Application, Options};
use crate::{openapi, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "depeche",
    version,
    about = "A headless news CMS: the JSON API of a daily newspaper"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (the default command).
    Serve {
        /// Load the demo content first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load the demo content (idempotent), then exit.
    Demo,
    /// Print the OpenAPI document.
    Openapi,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command.unwrap_or(Command::Serve { demo: false })) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("depeche: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command) -> anyhow::Result<()> {
    if let Command::Openapi = command {
        print!("{}", openapi::document_json());
        return Ok(());
    }
    let settings = Settings::from_env()?;
    telemetry::init(settings.environment);
    match command {
        Command::Serve { demo } => serve(&settings, Options { demo }),
        Command::Migrate => {
            let applied = connect(&settings)?.migrate()?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::Demo => {
            let db = connect(&settings)?;
            db.migrate()?;
            let loaded = demo::load(&db, &LocalDir::new(&settings.media_dir))?;
            println!(
                "demo content loaded: {} section(s), {} author(s), {} article(s) created",
                loaded.sections, loaded.authors, loaded.articles
            );
            println!("main article: {}", settings.urls.article(&loaded.main_slug));
            Ok(())
        }
        Command::Openapi => unreachable!("handled above"),
    }
}

fn connect(settings: &Settings) -> anyhow::Result<Db> {
    Db::connect(&settings.database_url, 1, settings.db_timeout)
}

fn serve(settings: &Settings, options: Options) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async {
        let app = Application::build(settings, options).await?;
        tracing::info!(
            address = %settings.bind,
            port = app.port(),
            public_url = settings.urls.base(),
            "serving; API description at {}/docs/",
            settings.urls.base()
        );
        app.run_until_stopped().await.context("server failed")
    })
}
