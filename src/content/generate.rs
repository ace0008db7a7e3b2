//! Realistic French articles in bulk, for benchmarks: `depeche generate`.
//! Twelve sections, two hundred authors, three hundred tags, photos, bodies
//! of about 700 words with accents, three related links each, publication
//! times spread over three years and written oldest first, as an archive
//! grows (the date indexes then grow at one end). Rows are written by the bulk path of the
//! article store (many rows per statement, search documents included), while
//! a second thread composes the next batch.

use std::collections::VecDeque;

use chrono::{Duration, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, IteratorRandom};
use rand::{Rng, SeedableRng};

use super::articles::write::{self, Link, NewArticle, Prepared};
use super::articles::{Access, Comments, Status};
use super::{Result, tags, text};
use crate::db::schema::{authors, photos, sections};
use crate::db::{Backend, Db, DbConnection, now};

const SECTIONS: [(&str, &str); 12] = [
    ("politique", "Politique"),
    ("economie", "Économie"),
    ("societe", "Société"),
    ("securite", "Sécurité"),
    ("medias", "Médias"),
    ("culture", "Culture"),
    ("sport", "Sport"),
    ("sante", "Santé"),
    ("education", "Éducation"),
    ("international", "International"),
    ("environnement", "Environnement"),
    ("regions", "Régions"),
];

const FIRST_NAMES: [&str; 20] = [
    "Aminata",
    "Boubacar",
    "Fatoumata",
    "Moussa",
    "Awa",
    "Seydou",
    "Mariam",
    "Ibrahim",
    "Kadiatou",
    "Oumar",
    "Djénéba",
    "Modibo",
    "Rokia",
    "Abdoulaye",
    "Hawa",
    "Souleymane",
    "Nana",
    "Bakary",
    "Assétou",
    "Lassana",
];
const LAST_NAMES: [&str; 10] = [
    "Traoré",
    "Keïta",
    "Coulibaly",
    "Diallo",
    "Maïga",
    "Sidibé",
    "Touré",
    "Koné",
    "Diarra",
    "Sangaré",
];

const WORDS: &[&str] = &[
    "ministère",
    "gouvernement",
    "développement",
    "économie",
    "sécurité",
    "migration",
    "convention",
    "partenariat",
    "région",
    "budget",
    "année",
    "réunion",
    "conseil",
    "décision",
    "projet",
    "jeunesse",
    "formation",
    "agriculture",
    "récolte",
    "élevage",
    "santé",
    "hôpital",
    "école",
    "université",
    "étudiants",
    "enseignants",
    "marché",
    "commerce",
    "entreprise",
    "emploi",
    "investissement",
    "croissance",
    "inflation",
    "énergie",
    "électricité",
    "route",
    "transport",
    "sécheresse",
    "pluie",
    "fleuve",
    "Niger",
    "Bamako",
    "Ségou",
    "Sikasso",
    "Kayes",
    "Mopti",
    "Tombouctou",
    "Gao",
    "coopération",
    "diaspora",
    "réintégration",
    "protection",
    "détresse",
    "humanitaire",
    "solidarité",
    "culture",
    "musique",
    "festival",
    "patrimoine",
    "langues",
    "nationales",
    "apprentissage",
    "presse",
    "journalistes",
    "agence",
    "communication",
    "numérique",
    "transformation",
    "innovation",
    "recherche",
    "résultats",
    "chiffres",
    "millions",
    "milliards",
    "francs",
    "population",
    "recensement",
    "citoyens",
    "autorités",
    "ministre",
    "président",
    "directeur",
    "secrétaire",
    "général",
    "session",
    "atelier",
    "rencontre",
    "cérémonie",
    "signature",
    "engagement",
    "initiative",
    "programme",
    "stratégie",
    "politique",
    "réforme",
    "loi",
    "assemblée",
    "transition",
    "élections",
];
const FILLER: &[&str] = &[
    "le", "la", "les", "de", "des", "du", "et", "à", "en", "pour", "sur", "dans", "avec", "par", "une", "un",
    "au", "aux", "a", "est", "ont", "sont", "qui", "que", "selon", "lors", "afin", "ainsi",
];

fn sentence(rng: &mut StdRng, words: usize) -> String {
    let mut out = String::with_capacity(words * 8);
    for i in 0..words {
        let word = if rng.random_bool(0.45) {
            FILLER.choose(rng)
        } else {
            WORDS.choose(rng)
        };
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word.unwrap_or(&"et"));
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

fn body(rng: &mut StdRng) -> String {
    (0..7)
        .map(|_| {
            let paragraph: Vec<String> = (0..5).map(|_| sentence(rng, 20)).collect();
            format!("<p>{}.</p>", paragraph.join(". "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ensure<F: FnOnce(&mut DbConnection) -> Result<i64>>(
    found: Option<i64>,
    conn: &mut DbConnection,
    create: F,
) -> Result<i64> {
    match found {
        Some(id) => Ok(id),
        None => create(conn),
    }
}

/// The reference data articles point to; created when missing.
struct Fixtures {
    sections: Vec<i64>,
    /// Ids and names.
    authors: Vec<(i64, String)>,
    tags: Vec<i64>,
    photos: Vec<i64>,
}

fn fixtures(conn: &mut DbConnection, rng: &mut StdRng, photo_key: &str) -> Result<Fixtures> {
    let now = now();
    let mut section_ids = Vec::new();
    for (position, (slug, name)) in SECTIONS.iter().enumerate() {
        let found = sections::table
            .filter(sections::slug.eq(slug))
            .select(sections::id)
            .first(conn)
            .optional()?;
        section_ids.push(ensure(found, conn, |conn| {
            Ok(diesel::insert_into(sections::table)
                .values((
                    sections::slug.eq(slug),
                    sections::name.eq(name),
                    sections::position.eq(i32::try_from(position).unwrap_or(0)),
                    sections::created_at.eq(now),
                    sections::updated_at.eq(now),
                ))
                .returning(sections::id)
                .get_result(conn)?)
        })?);
    }
    let mut author_ids = Vec::new();
    for i in 0..200 {
        let name = format!(
            "{} {}",
            FIRST_NAMES[i % FIRST_NAMES.len()],
            LAST_NAMES[i / FIRST_NAMES.len()]
        );
        let slug = text::slugify(&name);
        let found = authors::table
            .filter(authors::slug.eq(&slug))
            .select(authors::id)
            .first(conn)
            .optional()?;
        let id = ensure(found, conn, |conn| {
            Ok(diesel::insert_into(authors::table)
                .values((
                    authors::slug.eq(&slug),
                    authors::name.eq(&name),
                    authors::byline.eq(name.to_uppercase()),
                    authors::bio.eq(Some(format!("Journaliste, {}.", sentence(rng, 8)))),
                    authors::links.eq("[]"),
                    authors::created_at.eq(now),
                    authors::updated_at.eq(now),
                ))
                .returning(authors::id)
                .get_result(conn)?)
        })?;
        author_ids.push((id, name));
    }
    let mut tag_ids = Vec::new();
    for i in 0..300 {
        let name = format!("{} {}", WORDS[i % WORDS.len()], i / WORDS.len() + 1);
        tag_ids.push(tags::ensure(conn, &text::slugify(&name), &name)?);
    }
    let mut photo_ids: Vec<i64> = photos::table.select(photos::id).limit(20).load(conn)?;
    while photo_ids.len() < 20 {
        photo_ids.push(
            diesel::insert_into(photos::table)
                .values((
                    photos::storage_key.eq(photo_key),
                    photos::mime_type.eq("image/png"),
                    photos::byte_size.eq(29_834_i64),
                    photos::width.eq(1200),
                    photos::height.eq(675),
                    photos::caption.eq(Some(sentence(rng, 14))),
                    photos::credit.eq(Some("AMAP")),
                    photos::created_at.eq(now),
                    photos::updated_at.eq(now),
                ))
                .returning(photos::id)
                .get_result(conn)?,
        );
    }
    Ok(Fixtures {
        sections: section_ids,
        authors: author_ids,
        tags: tag_ids,
        photos: photo_ids,
    })
}

/// One generated article and what hangs off it.
struct Generated {
    article: Prepared,
    tags: Vec<i64>,
    /// Picks the articles its related links point to, among those written
    /// just before it (known only to the writer).
    link_seed: u64,
}

/// How many earlier articles related links choose from.
const LINK_WINDOW: usize = 50;

/// Publication times span this long before the generation started.
const SPAN_SECONDS: i64 = 3 * 365 * 24 * 3600;

/// When the `n`-th of `count` articles was published: oldest first, as an
/// archive grows, a little apart at random.
fn published_at(rng: &mut StdRng, started: NaiveDateTime, n: usize, count: usize) -> NaiveDateTime {
    let count = i64::try_from(count.max(1)).unwrap_or(i64::MAX);
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    let step = (SPAN_SECONDS / count).max(1);
    let age = SPAN_SECONDS - n.saturating_mul(SPAN_SECONDS) / count - rng.random_range(0..step);
    started - Duration::seconds(age.max(60))
}

fn compose(rng: &mut StdRng, fixtures: &Fixtures, published: NaiveDateTime, backend: Backend) -> Generated {
    let kicker = sentence(rng, 2);
    let title = sentence(rng, 9);
    let bylines = rng.random_range(1..=2);
    let authors: Vec<&(i64, String)> = fixtures.authors.choose_multiple(rng, bylines).collect();
    let names: Vec<String> = authors.iter().map(|(_, name)| name.clone()).collect();
    let new = NewArticle {
        slug: format!("{}-{:x}", text::slugify(&title), rng.random::<u32>()),
        status: Status::Published,
        access: if rng.random_bool(0.1) {
            Access::Subscribers
        } else {
            Access::Public
        },
        comments: Comments::SubscribersOnly,
        language: "fr".into(),
        kicker: Some(kicker),
        title,
        standfirst: Some(format!("{}.", sentence(rng, 30))),
        body_html: body(rng),
        excerpt: None,
        section_id: fixtures.sections.choose(rng).copied(),
        main_photo_id: fixtures.photos.choose(rng).copied(),
        published_at: Some(published),
        author_ids: authors.iter().map(|(id, _)| *id).collect(),
    };
    Generated {
        article: Prepared::new(new, &names, backend),
        tags: fixtures.tags.choose_multiple(rng, 3).copied().collect(),
        link_seed: rng.random(),
    }
}

/// Stores a batch; `recent` holds the last ids written, for related links.
fn store(
    conn: &mut DbConnection,
    batch: &[Generated],
    recent: &mut VecDeque<i64>,
    now: NaiveDateTime,
) -> Result<()> {
    if let DbConnection::Sqlite(c) = conn {
        // Rows land all over the slug and date indexes: a page cache of a
        // few MiB would read most pages back from the file at each batch.
        c.batch_execute("PRAGMA cache_size = -262144")?;
    }
    let ids = write::reserve_ids(conn, batch.len())?;
    let rows: Vec<_> = ids.iter().zip(batch).map(|(id, g)| (*id, &g.article)).collect();
    write::insert_many(conn, &rows, now)?;
    let tags: Vec<(i64, &[i64])> = ids
        .iter()
        .zip(batch)
        .map(|(id, g)| (*id, g.tags.as_slice()))
        .collect();
    write::add_tags(conn, &tags)?;
    let mut links = Vec::with_capacity(batch.len());
    for (id, generated) in ids.iter().zip(batch) {
        let mut pick = StdRng::seed_from_u64(generated.link_seed);
        let targets: Vec<Link> = recent
            .iter()
            .copied()
            .choose_multiple(&mut pick, 3)
            .into_iter()
            .map(|target| Link {
                target_article_id: Some(target),
                url: None,
                title: format!("Lire aussi {target}"),
                kicker: None,
                excerpt: None,
            })
            .collect();
        links.push((*id, targets));
        if recent.len() == LINK_WINDOW {
            recent.pop_front();
        }
        recent.push_back(*id);
    }
    let links: Vec<(i64, &[Link])> = links.iter().map(|(id, l)| (*id, l.as_slice())).collect();
    write::add_related_links(conn, &links)
}

/// Adds `count` published articles; returns how many were written.
pub fn articles(db: &Db, photo_key: &str, count: usize, seed: u64) -> anyhow::Result<usize> {
    const BATCH: usize = 500;
    let mut rng = StdRng::seed_from_u64(seed);
    let fixtures = db.write_blocking(|conn| fixtures(conn, &mut rng, photo_key))?;
    let started = now();
    let backend = db.backend();
    let (to_writer, batches) = std::sync::mpsc::sync_channel::<Vec<Generated>>(2);
    std::thread::scope(|scope| {
        // Composing text and its search terms costs about as much as storing
        // it: one core composes the next batch while the other writes.
        let fixtures = &fixtures;
        scope.spawn(move || {
            for first in (0..count).step_by(BATCH) {
                let batch = (first..count.min(first + BATCH))
                    .map(|n| {
                        let published = published_at(&mut rng, started, n, count);
                        compose(&mut rng, fixtures, published, backend)
                    })
                    .collect();
                if to_writer.send(batch).is_err() {
                    return;
                }
            }
        });
        let mut recent = VecDeque::with_capacity(LINK_WINDOW);
        let mut written = 0;
        for batch in batches {
            db.write_blocking(|conn| store(conn, &batch, &mut recent, started))?;
            written += batch.len();
        }
        Ok(written)
    })
}
