//! The project's README commands.
//!
//! - `cargo xtask demo [--port N] [--archive]`: install what is missing, build the
//!   app, serve the demo (with `--archive`, fed from an embedded archive that syncs
//!   the demo vendors).
//! - `cargo xtask test`: every check CI runs, failing when any fails.

mod build;
mod command;
mod conformance;
mod http;
mod server;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <demo [--port N] [--archive] | test | check NAME | bench>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
        Some("check") => check(&args[1..].join(" ")),
        Some("bench") => bench(),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn demo(args: &[String]) -> Result<(), String> {
    let mut port = 8080u16;
    let mut archive = false;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--port" => {
                let value = rest.next().ok_or(USAGE)?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value:?} is not a port number"))?;
            }
            "--archive" => archive = true,
            _ => return Err(USAGE.to_owned()),
        }
    }
    tools::ensure_build_tools()?;
    build::release_app()?;
    build::server()?;
    let port = port.to_string();
    let mut flags = vec!["--demo", "--dist", "dist", "--port", &port];
    // The archive syncs the demo vendors (and lives with their rate limits);
    // the dashboard reads it at /archive/v1/.
    flags.extend(
        archive
            .then_some(["--archive", "sqlite:target/demo-archive.db"])
            .into_iter()
            .flatten(),
    );
    let server = server::DemoServer::start("debug", &flags)?;
    println!("\nLogdeck demo: {}  (Ctrl-C to stop)\n", server.url());
    server.wait()
}

/// One named check of `cargo xtask test`.
type Check = (&'static str, fn() -> Result<(), String>);

const CHECKS: [Check; 7] = [
    ("formatting", || {
        command::run(command::cargo(&["fmt", "--all", "--check"]))
    }),
    ("clippy (host)", || {
        command::run(command::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    }),
    ("clippy (wasm32)", || {
        tools::ensure_build_tools()?;
        command::run(command::cargo(&[
            "clippy",
            "-p",
            "logdeck",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    }),
    ("host tests", || {
        tools::ensure_postgres()?;
        command::run(command::cargo(&["test", "--workspace"]))
    }),
    ("API conformance", || {
        build::server()?;
        conformance::run_all()
    }),
    ("browser tests", || {
        tools::ensure_browser()?;
        build::wasm_browser_tests()
    }),
    ("end-to-end tests", end_to_end),
];

fn test() -> Result<(), String> {
    for (passed, (name, check)) in CHECKS.iter().enumerate() {
        println!("\n=== {name}");
        if let Err(error) = check() {
            println!("\nchecks: {passed} passed, 1 failed");
            return Err(format!("{name} failed: {error}"));
        }
    }
    println!("\nchecks: {} passed, 0 failed", CHECKS.len());
    Ok(())
}

/// Measures the release build in headless Chromium (see `bench/run.mjs`): size,
/// cold load, filter, sort, scrolling, export and memory figures, printed and
/// written to `target/bench/report.json`; then the team archive's stores
/// (`server/benches/archive.rs`).
fn bench() -> Result<(), String> {
    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    tools::ensure_bench_packages()?;
    build::release_app()?;
    command::run(command::cargo(&[
        "build",
        "--release",
        "--package",
        "logdeck-server",
    ]))?;
    let demo = server::DemoServer::start(
        "release",
        &[
            "--demo",
            "--dist",
            "dist",
            "--port",
            "0",
            "--demo-rows",
            "200000",
        ],
    )?;
    let plain = server::DemoServer::start("release", &["--dist", "dist", "--port", "0"])?;
    let mut run = command::command("node");
    run.arg("bench/run.mjs")
        .args([demo.url(), plain.url(), "dist", "target/bench/report.json"]);
    command::run(run)?;
    // The team archive's stores: ingest, filtered first page and histogram over
    // 90 days (LOGDECK_ARCHIVE_ROWS rows, 10 000 000 unless set).
    tools::ensure_postgres()?;
    command::run(command::cargo(&[
        "bench",
        "--package",
        "logdeck-server",
        "--bench",
        "archive",
    ]))
}

/// Runs one named check of `cargo xtask test`, for working on it.
fn check(name: &str) -> Result<(), String> {
    let (_, check) = CHECKS
        .iter()
        .find(|(known, _)| *known == name)
        .ok_or_else(|| {
            let names: Vec<&str> = CHECKS.iter().map(|(known, _)| *known).collect();
            format!(
                "no check named {name:?}; the checks are: {}",
                names.join(", ")
            )
        })?;
    check()
}

/// Builds the release app, serves it with the demo API on a free loopback port and
/// runs Playwright against it.
fn end_to_end() -> Result<(), String> {
    build::release_app()?;
    build::server()?;
    // A second demo, standing in for a vendor a user adds by hand: the app's
    // server knows it as a vendor host, as it knows the official ones.
    let vendor = server::DemoServer::start("debug", &["--demo", "--port", "0"])?;
    let make_host = format!(
        "make,{}/demo/make/api/v2",
        vendor.url().trim_end_matches('/')
    );
    let dify_host = format!("dify,{}/demo/dify/v1", vendor.url().trim_end_matches('/'));
    // The app's server, and a second one whose dashboard reads the demo
    // vendors from its team archive.
    const APP: [&str; 5] = ["--demo", "--dist", "dist", "--port", "0"];
    let server = server::DemoServer::start(
        "debug",
        &[
            &APP[..],
            &["--vendor-host", &make_host, "--vendor-host", &dify_host],
        ]
        .concat(),
    )?;
    let archive_file = "target/e2e-archive.db";
    for stale in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{archive_file}{stale}"));
    }
    let archive_store = format!("sqlite:{archive_file}");
    let archived = server::DemoServer::start(
        "debug",
        // Polls every 2 minutes: on-demand syncs then keep 30 s apart, room
        // for the lag test to open its page after the read that synced.
        &[
            &APP[..],
            &["--archive", &archive_store, "--backfill", "2"],
            &["--archive-poll", "120"],
        ]
        .concat(),
    )?;
    let mut playwright = command::npm_bin("playwright");
    playwright
        .arg("test")
        .env("LOGDECK_URL", server.url())
        .env("VENDOR_URL", vendor.url())
        .env("ARCHIVE_URL", archived.url());
    command::run(playwright)
}
