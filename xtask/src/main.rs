//! The project's README commands.
//!
//! - `cargo xtask demo [--port N]`: install what is missing, build the app, serve the demo.
//! - `cargo xtask test`: every check CI runs, failing when any fails.

mod build;
mod command;
mod server;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <demo [--port N] | test>";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
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
    let port = match args {
        [] => 8080,
        [flag, value] if flag == "--port" => value
            .parse()
            .map_err(|_| format!("--port {value:?} is not a port number"))?,
        _ => return Err(USAGE.to_owned()),
    };
    tools::ensure_build_tools()?;
    build::release_app()?;
    build::server()?;
    let server = server::DemoServer::start(port)?;
    println!("\nLogdeck demo: {}  (Ctrl-C to stop)\n", server.url());
    server.wait()
}

fn test() -> Result<(), String> {
    let root = command::workspace_root();
    let mut checks = 0;
    let mut check = |result: Result<(), String>| {
        checks += 1;
        result
    };
    check(command::run(command::cargo(&["fmt", "--all", "--check"])))?;
    command::run(command::cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
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
    ]))?;
    command::run(command::cargo(&["test", "--workspace"]))?;

    tools::ensure_build_tools()?;
    tools::ensure_browser()?;
    check(build::wasm_browser_tests())?;

    build::release_app()?;
    build::server()?;
    let server = server::DemoServer::start(0)?;
    let mut e2e = command::npm_bin("playwright");
    e2e.arg("test")
        .current_dir(&root)
        .env("LOGDECK_URL", server.url());
    let outcome = command::run(e2e);
    drop(server);
    check(outcome)?;
    println!("\nchecks: {checks} passed, 0 failed");
    Ok(())
}
