//! HTTP tests over the real application, each run on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests need `DEPECHE_TEST_POSTGRES_URL` (an account that may
//! create databases); without it they are reported as ignored, and said so.

mod admin;
mod auth;
mod backup;
mod caching;
mod editorial;
mod errors;
mod faults;
mod feeds;
mod fixtures;
mod formats;
mod generate;
mod helpers;
mod input;
mod listing;
mod openapi;
mod ops;
mod outage;
mod photos;
mod rate_limit;
mod resources;
mod search;
mod seed_page;
mod sitemaps;
mod syndication;
mod visibility;
mod xml;

use std::process::ExitCode;

use helpers::{Backend, postgres_admin_url};
use libtest_mimic::{Arguments, Trial};

type TestFn = fn(Backend) -> futures_util::future::LocalBoxFuture<'static, ()>;

/// Every test that runs against a backend, by module and name.
macro_rules! backend_tests {
    ($($module:ident :: $name:ident),+ $(,)?) => {
        vec![$((
            concat!(stringify!($module), "::", stringify!($name)),
            (|backend| Box::pin($module::$name(backend))) as TestFn,
        )),+]
    };
}

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let postgres = postgres_admin_url().is_some();
    if !postgres && !args.list {
        eprintln!(
            "\nNOTE: DEPECHE_TEST_POSTGRES_URL is not set: the PostgreSQL half of this suite is \
             SKIPPED (reported as ignored). Set it, e.g. to \
             postgres://postgres@127.0.0.1:5432/postgres, to run it.\n"
        );
    }
    let tests = backend_tests![
        seed_page::main_article_field_by_field,
        seed_page::author_page_lists_articles_newest_first,
        seed_page::demo_loading_is_idempotent,
        listing::pages_have_no_gaps_or_duplicates_while_articles_arrive,
        listing::filters_by_section_tag_and_time,
        listing::teasers_carry_no_body,
        visibility::drafts_and_future_articles_are_invisible,
        visibility::trashed_articles_are_gone,
        visibility::old_slugs_redirect_to_the_current_one,
        errors::bad_query_parameters_are_named,
        errors::unknown_things_are_404_problems,
        errors::wrong_methods_are_405_with_allow,
        errors::oversized_heads_are_refused_by_name,
        caching::conditional_get_answers_304,
        caching::head_answers_like_get_without_body,
        caching::cors_admits_configured_origins_only,
        caching::cached_reads_never_outlive_a_write,
        caching::metrics_and_security_headers,
        caching::conditional_misses_fill_the_cache,
        caching::a_write_refreshes_what_shows_the_article_and_nothing_else,
        resources::sections_nest_one_level,
        resources::authors_page_by_name,
        resources::related_puts_curated_links_first,
        resources::photos_and_media_files,
        ops::health_and_readiness,
        ops::documentation_is_served_offline,
        openapi::served_document_is_the_committed_one,
        editorial::life_of_the_demo_article,
        editorial::concurrent_edits_never_overwrite,
        editorial::concurrent_creates_share_a_new_tag,
        editorial::retried_creates_are_not_duplicated,
        editorial::slugs_are_generated_unique_and_redirect,
        editorial::scheduled_articles_appear_on_time,
        editorial::transitions_that_make_no_sense_conflict,
        auth::tokens_are_checked_strictly,
        auth::refresh_tokens_rotate_and_reuse_ends_the_session,
        auth::failed_logins_reveal_nothing_and_slow_down,
        auth::every_role_does_only_what_it_may,
        rate_limit::writes_are_limited_per_account,
        input::bad_bodies_are_named_and_change_nothing,
        input::html_is_sanitised_and_text_survives,
        admin::sections_authors_and_tags,
        admin::admins_manage_accounts,
        admin::accounts_from_the_command_line,
        photos::uploads_are_checked_cleaned_and_served,
        photos::bad_files_leave_nothing_behind,
        photos::duplicate_uploads_share_one_file,
        photos::renditions_are_made_once_and_negotiated,
        photos::photos_in_use_are_kept,
        faults::acknowledged_writes_survive_a_kill,
        faults::sigterm_lets_the_request_in_flight_finish,
        generate::generated_articles_are_complete_and_searchable,
        feeds::site_feed_in_every_format,
        feeds::section_and_author_feeds,
        feeds::feeds_answer_304,
        sitemaps::index_lists_every_published_article,
        sitemaps::news_sitemap_has_the_last_two_days,
        formats::jsonld_of_the_demo_article,
        formats::ninjs_of_the_demo_article,
        search::demo_article_is_found_however_it_is_typed,
        search::word_forms_and_bambara_letters_match,
        search::title_matches_rank_above_body_matches,
        search::hidden_articles_are_never_found,
        search::search_pages_have_no_duplicates,
        search::bad_queries_are_named,
        search::fixed_queries_give_the_same_answers_on_both_backends,
        search::index_follows_editorial_writes,
        search::related_suggestions_rank_by_likeness,
    ];
    let mut trials: Vec<Trial> = Vec::new();
    for (name, test) in tests {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let trial = Trial::test(format!("{}::{name}", backend.name()), move || {
                actix_web::rt::System::new().block_on(test(backend));
                Ok(())
            });
            trials.push(trial.with_ignored_flag(backend == Backend::Postgres && !postgres));
        }
    }
    // A move between backends needs both.
    trials.push(
        Trial::test(
            "postgres::backup::a_site_moves_between_backends_losslessly",
            || {
                actix_web::rt::System::new().block_on(backup::a_site_moves_between_backends_losslessly(
                    Backend::Postgres,
                ));
                Ok(())
            },
        )
        .with_ignored_flag(!postgres),
    );
    // Only a PostgreSQL server can be stopped under a running API.
    trials.push(
        Trial::test(
            "postgres::outage::the_service_rides_out_a_database_outage",
            || {
                actix_web::rt::System::new()
                    .block_on(outage::the_service_rides_out_a_database_outage(Backend::Postgres));
                Ok(())
            },
        )
        .with_ignored_flag(!postgres),
    );
    trials.push(Trial::test("openapi::committed_document_is_current", || {
        openapi::committed_document_is_current();
        Ok(())
    }));
    trials.push(Trial::test("openapi::document_is_valid_openapi_3_1", || {
        openapi::document_is_valid_openapi_3_1();
        Ok(())
    }));
    libtest_mimic::run(&args, trials).exit_code()
}
