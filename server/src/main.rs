//! `logdeck-server [--dist DIR] [--relay-config FILE] [--upstream NAME,VENDOR,URL]… [--demo …]`

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use logdeck_server::demo::DemoOptions;
use logdeck_server::relay::RelayConfig;
use logdeck_server::ServerOptions;

const USAGE: &str = "\
usage: logdeck-server [options]
  --dist DIR           serve the built app from DIR (SPA fallback to index.html)
  --relay-config FILE  relay to the upstreams listed in FILE (TOML; see server/README.md)
  --upstream N,V,URL   relay to one more upstream: name, vendor (make|dify|aitronos), base URL
  --print-config       print the config.json the app would get, and exit
  --demo               serve the demo API and its config.json
  --host IP            address to bind (default 127.0.0.1)
  --port N             port to bind (default 8080; 0 picks a free one)
  --seed N             demo data seed (default 42)
  --demo-rows N        demo rows per source (default 5000)
  --demo-now RFC3339   instant the demo data ends at (default: now, to the minute)";

struct Args {
    address: SocketAddr,
    options: ServerOptions,
    print_config: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = 8080u16;
    let mut demo = false;
    let mut dist = None;
    let mut seed = 42u64;
    let mut rows = 5_000usize;
    let mut now = None;
    let mut relay: Option<RelayConfig> = None;
    let mut print_config = false;
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--demo" => demo = true,
            "--print-config" => print_config = true,
            "--relay-config" => {
                let path = value("--relay-config")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("--relay-config {path}: {e}"))?;
                let mut from_file = RelayConfig::from_toml(&text)?;
                if let Some(earlier) = relay.take() {
                    from_file.upstreams.extend(earlier.upstreams);
                }
                relay = Some(from_file);
            }
            "--upstream" => relay
                .get_or_insert_with(RelayConfig::default)
                .add_flag(&value("--upstream")?)?,
            "--dist" => dist = Some(PathBuf::from(value("--dist")?)),
            "--host" => host = parse(&value("--host")?, "--host")?,
            "--port" => port = parse(&value("--port")?, "--port")?,
            "--seed" => seed = parse(&value("--seed")?, "--seed")?,
            "--demo-rows" => rows = parse(&value("--demo-rows")?, "--demo-rows")?,
            "--demo-now" => {
                let text = value("--demo-now")?;
                let instant = DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| format!("--demo-now {text:?}: {e}"))?;
                now = Some(instant.with_timezone(&Utc));
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let now = now.unwrap_or_else(|| {
        let now = Utc::now();
        now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now)
    });
    Ok(Args {
        address: SocketAddr::new(host, port),
        options: ServerOptions {
            demo: demo.then_some(DemoOptions { seed, rows, now }),
            dist,
            relay,
        },
        print_config,
    })
}

fn parse<T: std::str::FromStr>(text: &str, name: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| format!("{name} {text:?}: {e}"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            eprintln!("{USAGE}");
            return if message.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    if args.print_config {
        let mut connections = Vec::new();
        if args.options.demo.is_some() {
            connections.extend(logdeck_server::demo::demo_connections());
        }
        if let Some(relay) = &args.options.relay {
            connections.extend(relay.connections());
        }
        println!("{}", serde_json::json!({ "connections": connections }));
        return ExitCode::SUCCESS;
    }
    if let Some(dist) = &args.options.dist {
        if !dist.join("index.html").is_file() {
            eprintln!(
                "error: {} has no index.html; build the app first",
                dist.display()
            );
            return ExitCode::FAILURE;
        }
    }
    let listener = match tokio::net::TcpListener::bind(args.address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.address);
            return ExitCode::FAILURE;
        }
    };
    let bound = listener.local_addr().unwrap_or(args.address);
    let app = match logdeck_server::app(&args.options) {
        Ok(app) => app,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    // Tools (xtask, tests) read this line to learn the port when `--port 0` was given.
    println!("Logdeck listening on http://{bound}/");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
