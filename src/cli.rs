//! The command line: `depeche [serve [--demo]] | migrate | demo | openapi |
//! users | generate`. No command serves, with the demo content in development.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::auth::{Role, passwords};
use crate::config::{Environment, Settings};
use crate::content::users::{self, NewUser, UserPatch};
use crate::content::{self, demo, search};
use crate::db::Db;
use crate::media::LocalDir;
use crate::startup::{Application, Options};
use crate::{backup, openapi, telemetry};

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
    /// Serve the API. Without a command, in development, the API is served
    /// with the demo content loaded first.
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
    /// Manage editorial accounts.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Add generated French articles (for benchmarks).
    Generate {
        /// How many articles to add.
        #[arg(long)]
        articles: usize,
        /// Seed of the generator: the same seed gives the same articles.
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Write every row and media file to a portable archive folder.
    Export {
        /// The folder to write (created; must be empty).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Load an archive made by `export` into an empty database.
    Import {
        /// The folder `export` wrote.
        #[arg(long)]
        from: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create an account. The password is asked for, or read from standard
    /// input with --password-stdin; it is never taken as an argument.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// The name shown in the editorial tools; defaults to the e-mail.
        #[arg(long)]
        name: Option<String>,
        /// Slug of the author byline the account writes under.
        #[arg(long)]
        author: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (and end the account's sessions).
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it can no longer sign in, and its tokens fail.
    Disable {
        #[arg(long)]
        email: String,
    },
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| "must be admin, editor or writer".to_owned())
}

/// Reads a new password from standard input (first line) or, on a terminal,
/// asks for it twice without echo.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("New password: ").context("reading the password")?;
        let again = rpassword::prompt_password("Again: ").context("reading the password")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        first
    };
    passwords::check_policy("password", &password)
        .map_err(|e| anyhow::anyhow!("the password {}", e.message))?;
    Ok(password)
}

fn users_command(db: &Db, command: UsersCommand) -> anyhow::Result<()> {
    match command {
        UsersCommand::Create {
            email,
            role,
            name,
            author,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let hash = passwords::hash(&password)?;
            let new = NewUser {
                display_name: name.unwrap_or_else(|| email.clone()),
                email,
                role,
                password: String::new(),
                author,
            };
            let user = db.write_blocking(|conn| users::create(conn, &new, &hash))?;
            println!(
                "created {} account {} ({})",
                user.role.as_str(),
                user.id,
                user.email
            );
        }
        UsersCommand::ResetPassword {
            email,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            let hash = passwords::hash(&password)?;
            db.write_blocking(|conn| {
                let user = users::row_by_email(conn, &email)?.ok_or_else(|| no_account(&email))?;
                users::update(conn, user.id, &UserPatch::default(), Some(&hash), None)
            })?;
            println!("password changed for {email}; its sessions are ended");
        }
        UsersCommand::Disable { email } => {
            db.write_blocking(|conn| {
                let user = users::row_by_email(conn, &email)?.ok_or_else(|| no_account(&email))?;
                let patch = UserPatch {
                    disabled: Some(true),
                    ..UserPatch::default()
                };
                users::update(conn, user.id, &patch, None, None)
            })?;
            println!("disabled {email}");
        }
    }
    Ok(())
}

fn no_account(email: &str) -> content::Error {
    content::Error::NotFound(format!("no account {email}"))
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("depeche: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Option<Command>) -> anyhow::Result<()> {
    if let Some(Command::Openapi) = command {
        print!("{}", openapi::document_json());
        return Ok(());
    }
    let settings = Settings::from_env()?;
    telemetry::init(settings.environment);
    // `cargo run` alone shows a working site; production serves only what it holds.
    let command = command.unwrap_or(Command::Serve {
        demo: settings.environment == Environment::Development,
    });
    match command {
        Command::Serve { demo } => serve(&settings, Options { demo }),
        Command::Migrate => {
            let db = connect(&settings)?;
            let applied = db.migrate()?;
            println!("{} migration(s) applied", applied.len());
            let indexed = db.write_blocking(|c| search::index::after_migrations(c, &applied))?;
            if indexed > 0 {
                println!("{indexed} article(s) indexed for search");
            }
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
        Command::Users(command) => {
            let db = connect(&settings)?;
            db.migrate()?;
            users_command(&db, command)
        }
        Command::Generate { articles, seed } => {
            let db = connect(&settings)?;
            db.migrate()?;
            let started = std::time::Instant::now();
            let key = demo::store_photo(&LocalDir::new(&settings.media_dir))?;
            let written = content::generate::articles(&db, &key, articles, seed)?;
            db.optimize()?;
            println!(
                "{written} articles generated in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Export { to } => {
            let db = connect(&settings)?;
            db.migrate()?;
            let tables = backup::export(&db, &LocalDir::new(&settings.media_dir), &to)?;
            report("exported", &tables, &to);
            Ok(())
        }
        Command::Import { from } => {
            let db = connect(&settings)?;
            db.migrate()?;
            let tables = backup::import(&db, &LocalDir::new(&settings.media_dir), &from)?;
            report("imported", &tables, &from);
            Ok(())
        }
        Command::Openapi => unreachable!("handled above"),
    }
}

fn report(done: &str, tables: &[(String, usize)], dir: &std::path::Path) {
    let rows: usize = tables.iter().map(|(_, n)| n).sum();
    println!(
        "{done} {rows} rows in {} tables ({})",
        tables.len(),
        dir.display()
    );
    for (table, n) in tables {
        println!("  {table:<18} {n}");
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
