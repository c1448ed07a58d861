//! The `levelfield` binary: `serve` (the default), `content check|stats|items`, `demo`,
//! `seed` and `backup` (see `USAGE`).

use levelfield::router::{build_state, router, watch_content};
use levelfield::server::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  levelfield [serve]               run the web app (see .env.example for settings)
  levelfield content check [--deny-warnings] [DIR]
                                   check a content tree (default: content/); exit 1 on any problem,
                                   and on any quiz-cue warning with --deny-warnings
  levelfield content stats [DIR] [--readme FILE]
                                   the curriculum in figures (markdown); with --readme, rewrite
                                   the summary between FILE's curriculum markers
  levelfield content run [DIR]     run every runnable exercise and compare what it prints with
                                   the output the module quotes (python: LEVELFIELD_PYTHON or
                                   target/content-venv, made by scripts/setup.sh --content)
  levelfield content items [--org ID]
                                   item statistics of every quiz question (first answers only)
                                   in every organisation of DATABASE_URL, or in one
  levelfield demo [--force]        add a demo organisation with people and evidence; print logins
  levelfield seed --size S|M|L|XL [--force]
                                   add a synthetic organisation of 100/1,000/10,000/50,000 learners
                                   (demo and seed accounts share a known password: both refuse a
                                   database that holds a real organisation unless --force)
  levelfield backup FILE           copy the SQLite database of DATABASE_URL into the new FILE,
                                   consistent while the app serves (PostgreSQL: use pg_dump, see
                                   docs/operations.md)";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["serve"] => serve().await,
        ["content", "check"] => content_check(PathBuf::from("content"), false),
        ["content", "check", "--deny-warnings"] => content_check(PathBuf::from("content"), true),
        ["content", "check", "--deny-warnings", dir]
        | ["content", "check", dir, "--deny-warnings"] => content_check(PathBuf::from(dir), true),
        ["content", "check", dir] => content_check(PathBuf::from(dir), false),
        ["demo"] => demo(false).await,
        ["demo", "--force"] => demo(true).await,
        ["seed", "--size", size] => seed(size, false).await,
        ["seed", "--size", size, "--force"] | ["seed", "--force", "--size", size] => {
            seed(size, true).await
        }
        ["content", "stats"] => content_stats(PathBuf::from("content"), None),
        ["content", "stats", "--readme", readme] => {
            content_stats(PathBuf::from("content"), Some(PathBuf::from(readme)))
        }
        ["content", "stats", dir, "--readme", readme] => {
            content_stats(PathBuf::from(dir), Some(PathBuf::from(readme)))
        }
        ["content", "stats", dir] => content_stats(PathBuf::from(dir), None),
        ["content", "run"] => content_run(PathBuf::from("content")),
        ["content", "run", dir] => content_run(PathBuf::from(dir)),
        ["backup", file] => backup(file).await,
        ["content", "items"] => content_items(None).await,
        ["content", "items", "--org", org] => match org.parse() {
            Ok(id) => content_items(Some(levelfield::domain::people::OrgId(id))).await,
            Err(_) => {
                eprintln!("--org takes an organisation id (a number)");
                ExitCode::from(2)
            }
        },
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// State for a command-line task (no server): settings from the environment.
async fn cli_state() -> Option<levelfield::server::state::AppState> {
    // Under cargo-leptos the settings are in the environment; run by hand, in Cargo.toml.
    let file = std::env::var("LEPTOS_OUTPUT_NAME")
        .is_err()
        .then_some("Cargo.toml");
    let conf = leptos::prelude::get_configuration(file);

    let conf = match conf {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read the Leptos configuration: {e}");
            return None;
        }
    };
    // A command-line task may run long statements (seeding in bulk): no statement timeout.
    let config = Config {
        db_statement_timeout: None,
        ..Config::from_env()
    };
    match build_state(config, conf.leptos_options).await {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("cannot start: {e}");
            None
        }
    }
}

/// `levelfield backup FILE`: an online copy of the SQLite database into a new file.
async fn backup(file: &str) -> ExitCode {
    let config = Config::from_env();
    let into = PathBuf::from(file);
    match levelfield::store::backup_sqlite(&config.database_url, &into).await {
        Ok(report) => {
            println!(
                "backed up {} into {}: {} bytes in {:.2}s",
                levelfield::store::redact_url(&config.database_url),
                report.file.display(),
                report.bytes,
                report.took.as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("backup: {}", levelfield::error::chain(&e));
            ExitCode::FAILURE
        }
    }
}

async fn demo(force: bool) -> ExitCode {
    let Some(state) = cli_state().await else {
        return ExitCode::FAILURE;
    };
    match levelfield::cli::demo::demo(&state, force).await {
        Ok(logins) => {
            println!("Demo organisation \"Demo Analytics\" created. Sign in at /login with:");
            for l in logins {
                println!("  {:<8} {}  password: {}", l.role, l.email, l.password);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn seed(size: &str, force: bool) -> ExitCode {
    let Some(size) = levelfield::cli::seed::Size::parse(size) else {
        eprintln!("--size takes S, M, L or XL");
        return ExitCode::from(2);
    };
    let Some(state) = cli_state().await else {
        return ExitCode::FAILURE;
    };
    let started = std::time::Instant::now();
    let bar = |what: &str, done: usize, total: usize| {
        if done.is_multiple_of(10) || done == total || total < 100 {
            let filled = done * 30 / total.max(1);
            eprint!(
                "\r[{}{}] {:>3}% {done}/{total} {what}, {:.0}s   ",
                "#".repeat(filled),
                " ".repeat(30 - filled),
                done * 100 / total.max(1),
                started.elapsed().as_secs_f64()
            );
        }
    };
    match levelfield::cli::seed::synthetic(&state, size, force, bar).await {
        Ok(org) => {
            eprintln!();
            println!(
                "organisation {org} seeded with {} learners in {:.1}s",
                size.learners(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("\nseeding failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the item statistics of every organisation (or `org`) against `DATABASE_URL`.
async fn content_items(org: Option<levelfield::domain::people::OrgId>) -> ExitCode {
    let Some(state) = cli_state().await else {
        return ExitCode::FAILURE;
    };
    match levelfield::cli::items::report(&state, org).await {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("content items: {}", levelfield::error::chain(&e));
            ExitCode::FAILURE
        }
    }
}

/// Prints the curriculum in figures; with `readme`, rewrites its summary there instead.
fn content_stats(dir: PathBuf, readme: Option<PathBuf>) -> ExitCode {
    let outcome = levelfield::courseware::load(&dir);
    let mut exercises = std::collections::BTreeMap::new();
    for (path, _) in &outcome.exercises {
        let id = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        *exercises.entry(id).or_insert(0usize) += 1;
    }
    let report = levelfield::cli::stats::report(&outcome.library, &exercises);
    if !outcome.errors.is_empty() {
        eprintln!(
            "{} problem(s): run `levelfield content check`",
            outcome.errors.len()
        );
        return ExitCode::FAILURE;
    }
    match readme {
        None => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Some(file) => {
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    return ExitCode::FAILURE;
                }
            };
            let Some(new) = levelfield::cli::stats::replace_in_readme(&text, &report) else {
                eprintln!(
                    "{}:1:1: no curriculum markers: add `{}` and `{}` lines",
                    file.display(),
                    levelfield::cli::stats::README_START,
                    levelfield::cli::stats::README_END
                );
                return ExitCode::FAILURE;
            };
            if let Err(e) = std::fs::write(&file, new) {
                eprintln!("{}: {e}", file.display());
                return ExitCode::FAILURE;
            }
            eprintln!("{}: curriculum summary rewritten", file.display());
            ExitCode::SUCCESS
        }
    }
}

/// Runs every runnable exercise of the content tree.
fn content_run(dir: PathBuf) -> ExitCode {
    let outcome = levelfield::courseware::load(&dir);
    for e in &outcome.errors {
        println!("{e}");
    }
    let failed = levelfield::cli::exercises::run_all(&dir, &outcome.exercises);
    eprintln!(
        "{}: {} exercise(s), {} failed",
        dir.display(),
        outcome.exercises.len(),
        failed
    );
    if failed == 0 && outcome.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks a content tree: every error, then every quiz-cue warning, each as `path:line:col`.
fn content_check(dir: PathBuf, deny_warnings: bool) -> ExitCode {
    let outcome = levelfield::courseware::load(&dir);
    for e in &outcome.errors {
        println!("{e}");
    }
    let warnings = levelfield::courseware::lint::lint_tree(&dir);
    for w in &warnings {
        println!("{w}");
    }
    if !warnings.is_empty() {
        eprintln!(
            "{}: {} quiz-cue warning(s){}",
            dir.display(),
            warnings.len(),
            if deny_warnings {
                ", denied by --deny-warnings"
            } else {
                ""
            }
        );
    }
    let lib = &outcome.library;
    if deny_warnings && !warnings.is_empty() && outcome.errors.is_empty() {
        return ExitCode::FAILURE;
    }
    if outcome.errors.is_empty() {
        eprintln!(
            "{}: ok: {} published modules, {} drafts, {} skills, {} roles",
            dir.display(),
            lib.modules().len(),
            outcome.drafts,
            lib.skills().len(),
            lib.roles().len()
        );
        ExitCode::SUCCESS
    } else {
        eprintln!("{}: {} problem(s)", dir.display(), outcome.errors.len());
        ExitCode::FAILURE
    }
}

async fn serve() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let conf = match leptos::prelude::get_configuration(None) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the Leptos configuration");
            return ExitCode::FAILURE;
        }
    };
    let options = conf.leptos_options;
    let addr = options.site_addr;
    let config = Config::from_env();
    tracing::info!(?config, "starting");
    let watch = config.watch_content;
    let state = match build_state(config, options).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{}", levelfield::error::chain(&e));
            return ExitCode::FAILURE;
        }
    };
    let _watcher = if watch { watch_content(&state) } else { None };
    // Set once SIGTERM or Ctrl-C arrives: the server stops accepting, the background task stops.
    let (stopping, mut stop) = tokio::sync::watch::channel(false);
    // Skill estimates age with their evidence: refresh them and record the day's roll-up
    // snapshot at start-up and every hour (each run recomputes only what is stale). On shutdown
    // the task is dropped where it waits; a write it was making rolls back.
    let maintenance = {
        let (state, mut stop) = (state.clone(), stop.clone());
        tokio::spawn(async move {
            tokio::select! {
                () = levelfield::server::estimates::maintain(
                    state,
                    std::time::Duration::from_secs(3600),
                ) => {}
                () = async { let _ = stop.wait_for(|s| *s).await; } => {}
            }
        })
    };
    tokio::spawn(async move {
        shutdown_signal().await;
        stopping.send_replace(true);
    });

    match levelfield::features::account::prepare_setup(&state).await {
        Ok(Some(token)) => {
            // For the operator's terminal only: a log shipper would keep the live token.
            // The public URL when set (behind a proxy, the listening address is not the site's).
            let site = state
                .config
                .public_url
                .as_ref()
                .map(|u| u.origin().to_string())
                .unwrap_or_else(|| format!("http://{addr}"));
            println!("First run: open {site}/setup?token={token} to create your organisation (the link works once, for {} minutes).", state.config.setup_token_minutes);
            tracing::info!("first run: the setup link is printed on standard output");
        }
        Ok(None) => {}
        Err(e) => {
            tracing::error!(error = %e, "cannot prepare the first-run setup link");
            return ExitCode::FAILURE;
        }
    }
    let app = router(state.clone());
    let listener = match tokio::net::TcpListener::bind(&addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(error = %e, "cannot listen on {addr}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("listening on http://{addr}");
    let service = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let shutdown = {
        let mut stop = stop.clone();
        async move {
            let _ = stop.wait_for(|s| *s).await;
            tracing::info!("shutting down: no new connections; draining requests in flight");
        }
    };
    let server = std::future::IntoFuture::into_future(
        axum::serve(listener, service).with_graceful_shutdown(shutdown),
    );
    let grace = state.config.shutdown_grace;
    // The server drains requests in flight (and closes idle keep-alive connections); past the
    // grace period after the signal it is dropped with whatever is still open.
    let drained = tokio::select! {
        served = server => served.map(|()| true),
        () = async {
            let _ = stop.wait_for(|s| *s).await;
            tokio::time::sleep(grace).await;
        } => Ok(false),
    };
    let code = match drained {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            tracing::warn!("requests still in flight after {grace:?}: stopping anyway");
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "server error");
            ExitCode::FAILURE
        }
    };
    if tokio::time::timeout(std::time::Duration::from_secs(2), maintenance)
        .await
        .is_err()
    {
        tracing::warn!("the background task did not stop within 2 s");
    }
    state.store.close().await;
    tracing::info!("stopped");
    code
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `docker stop`, systemd and
/// Kubernetes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received"),
        () = term => tracing::info!("SIGTERM received"),
    }
}
