//! Settings, read once from the environment (and a `.env` file) at start-up and
//! passed to whatever needs them. `.env.example` documents every variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Which browser origins may read the API from scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// Any origin (`*`), without credentials.
    Any,
    /// Exactly these origins; none when empty.
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: SocketAddr,
    pub environment: Environment,
    pub jwt_secret: Option<String>,
    pub cors_origins: CorsOrigins,
    pub media_dir: PathBuf,
    pub urls: PublicUrls,
    /// How feeds, sitemaps and structured data name the publication.
    pub publication: Publication,
    pub db_pool_size: u32,
    pub db_timeout: Duration,
    /// HTTP worker threads; one per core when unset.
    pub workers: Option<usize>,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest image upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// How often scheduled articles are checked for publication.
    pub scheduler_interval: Duration,
    /// Memory for cached public responses, in bytes; 0 turns the cache off.
    pub cache_bytes: u64,
    /// Writes one account may make per minute; 0 for no limit.
    pub writes_per_minute: u32,
}

/// The publication as syndication formats name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    /// Title of feeds, name in news sitemaps, publisher in JSON-LD.
    pub name: String,
    /// What feeds say about the publication.
    pub description: String,
    /// BCP 47 tag of the publication's language.
    pub language: String,
}

pub const DEFAULT_PUBLICATION_NAME: &str = "Dépêche";
pub const DEFAULT_PUBLICATION_LANGUAGE: &str = "fr";

/// Builds the absolute links the API hands out.
#[derive(Debug, Clone)]
pub struct PublicUrls {
    base: String,
}

impl PublicUrls {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// The base itself, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn media(&self, key: &str) -> String {
        format!("{}/media/{key}", self.base)
    }

    pub fn article(&self, slug: &str) -> String {
        format!("{}/api/v1/articles/slug/{slug}", self.base)
    }

    /// The article's address by id: stable across slug changes.
    pub fn article_by_id(&self, id: i64) -> String {
        format!("{}/api/v1/articles/{id}", self.base)
    }

    pub fn section(&self, slug: &str) -> String {
        format!("{}/api/v1/sections/{slug}", self.base)
    }

    pub fn author(&self, slug: &str) -> String {
        format!("{}/api/v1/authors/{slug}", self.base)
    }

    /// An absolute URL for a path starting with `/`.
    pub fn absolute(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }
}

pub const DEFAULT_DATABASE_URL: &str = "data/depeche.sqlite3";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_MEDIA_DIR: &str = "data/media";

impl Settings {
    /// Reads the process environment, after loading `.env` if there is one.
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is normal; a malformed one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(e).context("reading .env"),
        }
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Builds settings from any source of variables, so tests can pass theirs.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let environment = match var("DEPECHE_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => bail!("DEPECHE_ENV must be development or production, not {other:?}"),
        };
        let bind: SocketAddr = var("DEPECHE_BIND")
            .as_deref()
            .unwrap_or(DEFAULT_BIND)
            .parse()
            .context("DEPECHE_BIND must be an address and port, like 127.0.0.1:8080")?;
        let public_url = var("DEPECHE_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("DEPECHE_PUBLIC_URL must be an absolute http(s) URL, not {public_url:?}");
        }
        let cors_origins = match var("DEPECHE_CORS_ORIGINS").as_deref().map(str::trim) {
            Some("*") => CorsOrigins::Any,
            Some(list) => CorsOrigins::List(
                list.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    .filter(|o| !o.is_empty())
                    .collect(),
            ),
            None => CorsOrigins::List(Vec::new()),
        };
        let jwt_secret = var("DEPECHE_JWT_SECRET");
        if environment == Environment::Production
            && jwt_secret
                .as_ref()
                .is_none_or(|s| s.len() < crate::auth::tokens::MIN_SECRET_BYTES)
        {
            bail!(
                "DEPECHE_JWT_SECRET must be set to at least {} bytes in production",
                crate::auth::tokens::MIN_SECRET_BYTES
            );
        }
        if let Some(secret) = &jwt_secret
            && secret.len() < crate::auth::tokens::MIN_SECRET_BYTES
        {
            bail!(
                "DEPECHE_JWT_SECRET is too short: at least {} bytes",
                crate::auth::tokens::MIN_SECRET_BYTES
            );
        }
        let language = var("DEPECHE_PUBLICATION_LANGUAGE")
            .map(|l| l.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_PUBLICATION_LANGUAGE.to_owned());
        let is_tag = language
            .split('-')
            .all(|part| (1..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !is_tag {
            bail!(
                "DEPECHE_PUBLICATION_LANGUAGE must be a BCP 47 language tag like fr or fr-ML, not {language:?}"
            );
        }
        let name = var("DEPECHE_PUBLICATION_NAME")
            .map(|n| n.trim().to_owned())
            .unwrap_or_else(|| DEFAULT_PUBLICATION_NAME.to_owned());
        let publication = Publication {
            description: var("DEPECHE_PUBLICATION_DESCRIPTION")
                .map(|d| d.trim().to_owned())
                .unwrap_or_else(|| name.clone()),
            name,
            language,
        };
        let db_pool_size = parse_number(&var, "DEPECHE_DB_POOL_SIZE", 8)?;
        let db_timeout_ms = parse_number(&var, "DEPECHE_DB_TIMEOUT_MS", 3000)?;
        Ok(Self {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            bind,
            environment,
            jwt_secret,
            cors_origins,
            media_dir: var("DEPECHE_MEDIA_DIR")
                .unwrap_or_else(|| DEFAULT_MEDIA_DIR.to_owned())
                .into(),
            urls: PublicUrls::new(&public_url),
            publication,
            db_pool_size: u32::try_from(db_pool_size.max(1)).unwrap_or(u32::MAX),
            db_timeout: Duration::from_millis(db_timeout_ms),
            workers: var("DEPECHE_WORKERS")
                .map(|_| parse_number(&var, "DEPECHE_WORKERS", 1))
                .transpose()?
                .map(|n| usize::try_from(n.max(1)).unwrap_or(1)),
            access_token_ttl: Duration::from_secs(
                parse_number(&var, "DEPECHE_ACCESS_TOKEN_TTL_SECS", 900)?.max(1),
            ),
            refresh_token_ttl: Duration::from_secs(
                parse_number(&var, "DEPECHE_REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?.max(1),
            ),
            max_body_bytes: usize::try_from(parse_number(&var, "DEPECHE_MAX_BODY_BYTES", 1024 * 1024)?)
                .unwrap_or(usize::MAX),
            max_upload_bytes: usize::try_from(parse_number(
                &var,
                "DEPECHE_MAX_UPLOAD_BYTES",
                25 * 1024 * 1024,
            )?)
            .unwrap_or(usize::MAX),
            cache_bytes: parse_number(&var, "DEPECHE_CACHE_BYTES", 64 * 1024 * 1024)?,
            writes_per_minute: u32::try_from(parse_number(&var, "DEPECHE_WRITES_PER_MINUTE", 600)?)
                .unwrap_or(u32::MAX),
            scheduler_interval: Duration::from_millis(
                parse_number(&var, "DEPECHE_SCHEDULER_INTERVAL_MS", 5000)?.max(10),
            ),
        })
    }
}

fn parse_number(var: &impl Fn(&str) -> Option<String>, name: &str, default: u64) -> anyhow::Result<u64> {
    var(name).map_or(Ok(default), |v| {
        v.trim()
            .parse()
            .with_context(|| format!("{name} must be a whole number, not {v:?}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        Settings::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_need_nothing() {
        let s = from(&[]).unwrap();
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.bind.to_string(), DEFAULT_BIND);
        assert_eq!(s.environment, Environment::Development);
        assert_eq!(s.urls.base(), "http://127.0.0.1:8080");
        assert_eq!(s.cors_origins, CorsOrigins::List(vec![]));
        assert_eq!(s.publication.name, "Dépêche");
        assert_eq!(s.publication.language, "fr");
        assert_eq!(s.writes_per_minute, 600);
    }

    #[test]
    fn reads_the_publication() {
        let s = from(&[
            ("DEPECHE_PUBLICATION_NAME", "L’Essor"),
            ("DEPECHE_PUBLICATION_LANGUAGE", "fr-ML"),
        ])
        .unwrap();
        assert_eq!(s.publication.name, "L’Essor");
        assert_eq!(s.publication.description, "L’Essor", "the name when not set");
        assert_eq!(s.publication.language, "fr-ML");
        assert!(from(&[("DEPECHE_PUBLICATION_LANGUAGE", "le français")]).is_err());
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        assert!(from(&[("DEPECHE_ENV", "staging")]).is_err());
        assert!(from(&[("DEPECHE_BIND", "8080")]).is_err());
        assert!(from(&[("DEPECHE_PUBLIC_URL", "example.org")]).is_err());
        assert!(from(&[("DEPECHE_DB_POOL_SIZE", "many")]).is_err());
        assert!(from(&[("DEPECHE_WRITES_PER_MINUTE", "-1")]).is_err());
        assert!(from(&[("DEPECHE_JWT_SECRET", "short")]).is_err());
        assert!(
            from(&[("DEPECHE_ENV", "production")]).is_err(),
            "production needs a secret"
        );
        let secret = "s".repeat(32);
        assert!(from(&[("DEPECHE_ENV", "production"), ("DEPECHE_JWT_SECRET", &secret)]).is_ok());
    }

    #[test]
    fn reads_origins_and_public_url() {
        let s = from(&[
            ("DEPECHE_CORS_ORIGINS", "https://a.example, https://b.example/"),
            ("DEPECHE_PUBLIC_URL", "https://news.example/"),
        ])
        .unwrap();
        assert_eq!(
            s.cors_origins,
            CorsOrigins::List(vec!["https://a.example".into(), "https://b.example".into()])
        );
        assert_eq!(s.urls.article("x"), "https://news.example/api/v1/articles/slug/x");
        assert_eq!(
            from(&[("DEPECHE_CORS_ORIGINS", "*")]).unwrap().cors_origins,
            CorsOrigins::Any
        );
    }
}
