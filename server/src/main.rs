//! `logdeck-server [--dist DIR] [--relay-config FILE] [--upstream NAME,VENDOR,URL]… [--demo …]`

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use logdeck_core::vendor_hosts::VendorHost;
use logdeck_server::access::AccessRules;
use logdeck_server::archive::collector::SyncOptions;
use logdeck_server::archive::{Archive, StoreSpec};
use logdeck_server::demo::DemoOptions;
use logdeck_server::listen::ServeLimits;
use logdeck_server::relay::{Mode, RelayConfig};
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
  --public-host NAME   a host name the server is reached by (repeatable; IP literals
                       and localhost are always accepted, other names refused)
  --allow-origin URL   another origin whose pages may call the relay (repeatable)
  --relay-token-file F the team token a shared relay requires (sign in at /relay-login);
                       needed to relay on an address other than loopback
  --open-relay         relay on a non-loopback address without a token (behind a proxy
                       that authenticates)
  --vendor-host V,URL  one more vendor API base users' own connections may reach
                       (besides the official ones: Make zones, Dify cloud, Aitronos)
  --no-vendor-relay    do not relay users' connections to vendor hosts
  --upstream-proxy URL send relayed calls through this proxy (none otherwise, whatever
                       the environment says)
  --allow-insecure-upstream  allow http:// upstreams other than loopback
  --max-connections N  open connections at most (default 512)
  --header-timeout S   seconds a request's head may take (default 10)
  --idle-timeout S     seconds a connection may stay silent (default 60)
  --write-timeout S    seconds a client may stop reading (default 30)
  --seed N             demo data seed (default 42)
  --demo-rows N        demo rows per source (default 5000)
  --demo-now RFC3339   instant the demo data ends at, with no new runs after it
                       (default: now, to the minute, with a new run about every
                       30 s per source afterwards, for live mode)
  --demo-rate-limit N  demo calls a minute per credential before a 429 (default 1000;
                       0: no limit)
  --archive STORE      keep every archived stream in STORE (sqlite:PATH or a
                       postgres:// URL) and serve it at /archive/v1/
  --archive-connections FILE  the connections to archive (config.json's
                       \"connections\" form; keys as \"env:NAME\"); with --demo and no
                       file, the demo's
  --backfill DAYS      how far back the first sync reads (default 30)
  --keep DAYS          delete archived rows older than this (default: keep all)
  --archive-poll S     seconds between a stream's incremental syncs (default 60)
  --archive-backup F   copy the SQLite archive to the new file F, and exit";

/// What `--archive…` asks for; opened once the runtime runs (both drivers block).
struct ArchiveArgs {
    store: StoreSpec,
    connections: Option<PathBuf>,
    sync: SyncOptions,
    backup: Option<String>,
}

/// The `--archive…` flags as given, checked together by [`ArchiveFlags::finish`].
struct ArchiveFlags {
    store: Option<StoreSpec>,
    connections: Option<PathBuf>,
    sync: SyncOptions,
    backup: Option<String>,
}

impl Default for ArchiveFlags {
    fn default() -> Self {
        ArchiveFlags {
            store: None,
            connections: None,
            sync: SyncOptions {
                backfill: chrono::Duration::days(30),
                poll: Duration::from_secs(60),
                keep: None,
            },
            backup: None,
        }
    }
}

impl ArchiveFlags {
    const NAMES: [&'static str; 6] = [
        "--archive",
        "--archive-connections",
        "--backfill",
        "--keep",
        "--archive-poll",
        "--archive-backup",
    ];

    fn set(&mut self, flag: &str, value: String) -> Result<(), String> {
        match flag {
            "--archive" => self.store = Some(StoreSpec::parse(&value)?),
            "--archive-connections" => self.connections = Some(PathBuf::from(value)),
            "--backfill" => self.sync.backfill = days(&value, flag)?,
            "--keep" => self.sync.keep = Some(days(&value, flag)?),
            "--archive-poll" => self.sync.poll = seconds(&value, flag)?,
            _ => self.backup = Some(value),
        }
        Ok(())
    }

    /// `guarded` is `Err(host)` when the server listens beyond loopback with
    /// neither a team token nor an authenticating proxy in front.
    fn finish(
        self,
        demo: bool,
        guarded: Result<(), IpAddr>,
    ) -> Result<Option<ArchiveArgs>, String> {
        let Some(store) = self.store else {
            return match (&self.connections, &self.backup) {
                (None, None) => Ok(None),
                _ => Err("--archive-connections and --archive-backup need --archive".into()),
            };
        };
        if let Err(host) = guarded {
            return Err(format!(
                "the archive on {host} would show every archived log to anyone who reaches it: \
                 give --relay-token-file, or --open-relay if a proxy in front authenticates"
            ));
        }
        if self.connections.is_none() && !demo && self.backup.is_none() {
            return Err("--archive needs --archive-connections FILE (or --demo)".into());
        }
        Ok(Some(ArchiveArgs {
            store,
            connections: self.connections,
            sync: self.sync,
            backup: self.backup,
        }))
    }
}

struct Args {
    archive: Option<ArchiveArgs>,
    address: SocketAddr,
    options: ServerOptions,
    limits: ServeLimits,
    print_config: bool,
}

/// What the flags about access and transport say, checked together at the end.
#[derive(Default)]
struct AccessFlags {
    rules: AccessRules,
    open_relay: bool,
    no_vendor_relay: bool,
    vendor_hosts: Vec<String>,
    allow_insecure_upstream: bool,
    upstream_proxy: Option<url::Url>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port = 8080u16;
    let mut demo = false;
    let mut dist = None;
    let mut seed = 42u64;
    let mut rows = 5_000usize;
    let mut calls_per_minute = logdeck_server::demo::DEMO_CALLS_PER_MINUTE;
    let mut now = None;
    let mut relay: Option<RelayConfig> = None;
    let mut print_config = false;
    let mut access = AccessFlags::default();
    let mut limits = ServeLimits::default();
    let mut archive = ArchiveFlags::default();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--demo" => demo = true,
            "--print-config" => print_config = true,
            "--relay-config" => {
                let path = value("--relay-config")?;
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("--relay-config {path}: {e}"))?;
                let from_file = RelayConfig::from_toml(&text)?;
                match relay.as_mut() {
                    Some(earlier) => earlier.merge(from_file)?,
                    None => relay = Some(from_file),
                }
            }
            "--upstream" => relay
                .get_or_insert_with(RelayConfig::default)
                .add_flag(&value("--upstream")?)?,
            "--dist" => dist = Some(PathBuf::from(value("--dist")?)),
            "--host" => host = parse(&value("--host")?, "--host")?,
            "--port" => port = parse(&value("--port")?, "--port")?,
            "--seed" => seed = parse(&value("--seed")?, "--seed")?,
            "--demo-rows" => rows = parse(&value("--demo-rows")?, "--demo-rows")?,
            "--demo-rate-limit" => {
                calls_per_minute = parse(&value("--demo-rate-limit")?, "--demo-rate-limit")?
            }
            "--demo-now" => {
                let text = value("--demo-now")?;
                let instant = DateTime::parse_from_rfc3339(&text)
                    .map_err(|e| format!("--demo-now {text:?}: {e}"))?;
                now = Some(instant.with_timezone(&Utc));
            }
            "--public-host" => access
                .rules
                .public_hosts
                .push(value("--public-host")?.to_ascii_lowercase()),
            "--allow-origin" => {
                let origin = value("--allow-origin")?;
                let parsed = url::Url::parse(&origin)
                    .map_err(|e| format!("--allow-origin {origin:?}: {e}"))?;
                access
                    .rules
                    .allowed_origins
                    .push(parsed.origin().ascii_serialization());
            }
            "--relay-token-file" => {
                access.rules.relay_token = Some(read_token(&value("--relay-token-file")?)?)
            }
            "--open-relay" => access.open_relay = true,
            "--no-vendor-relay" => access.no_vendor_relay = true,
            "--vendor-host" => access.vendor_hosts.push(value("--vendor-host")?),
            "--allow-insecure-upstream" => access.allow_insecure_upstream = true,
            "--upstream-proxy" => {
                let proxy = value("--upstream-proxy")?;
                access.upstream_proxy = Some(
                    url::Url::parse(&proxy)
                        .map_err(|e| format!("--upstream-proxy {proxy:?}: {e}"))?,
                );
            }
            "--max-connections" => {
                limits.max_connections = parse(&value("--max-connections")?, "--max-connections")?
            }
            "--header-timeout" => {
                limits.header_read_timeout =
                    seconds(&value("--header-timeout")?, "--header-timeout")?
            }
            "--idle-timeout" => {
                limits.idle_timeout = seconds(&value("--idle-timeout")?, "--idle-timeout")?
            }
            "--write-timeout" => {
                limits.write_timeout = seconds(&value("--write-timeout")?, "--write-timeout")?
            }
            flag if ArchiveFlags::NAMES.contains(&flag) => archive.set(flag, value(flag)?)?,
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let mut relay = relay.unwrap_or_default();
    access.apply_to(&mut relay, host)?;
    // Waiting on a vendor moves no bytes: a connection must outlive the wait.
    if limits.idle_timeout <= relay.limits.timeout {
        return Err(format!(
            "--idle-timeout ({} s) must be longer than the relay's upstream timeout ({} s), \
             or slow vendor answers would be cut off",
            limits.idle_timeout.as_secs_f64(),
            relay.limits.timeout.as_secs_f64()
        ));
    }
    let relay = Some(relay);
    let guarded = host.is_loopback() || access.rules.relay_token.is_some() || access.open_relay;
    let archive = archive.finish(demo, guarded.then_some(()).ok_or(host))?;
    Ok(Args {
        archive,
        address: SocketAddr::new(host, port),
        options: ServerOptions {
            demo: demo.then(|| demo_options(seed, rows, now, calls_per_minute)),
            dist,
            relay,
            access: access.rules,
            archive: None,
        },
        limits,
        print_config,
    })
}

/// The demo's data: a pinned `now` is for counting rows; the clock's (to the
/// minute) brings new runs as time passes.
fn demo_options(
    seed: u64,
    rows: usize,
    now: Option<DateTime<Utc>>,
    calls_per_minute: u32,
) -> DemoOptions {
    DemoOptions {
        seed,
        rows,
        arrivals: now.is_none(),
        now: now.unwrap_or_else(|| {
            let now = Utc::now();
            now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now)
        }),
        calls_per_minute: (calls_per_minute > 0).then_some(calls_per_minute),
    }
}

impl AccessFlags {
    /// Hands the transport flags to the relay, and refuses a relay anyone on the
    /// network could use.
    fn apply_to(&mut self, relay: &mut RelayConfig, host: IpAddr) -> Result<(), String> {
        relay.allow_insecure_upstream = self.allow_insecure_upstream;
        relay.upstream_proxy = self.upstream_proxy.take();
        relay.vendor_hosts = VendorHost::official();
        for flag in &self.vendor_hosts {
            relay.add_vendor_host(flag)?;
        }
        // Beyond loopback, only behind a token (or an authenticating proxy).
        let guarded = host.is_loopback() || self.rules.relay_token.is_some() || self.open_relay;
        relay.relays_vendor_hosts = guarded && !self.no_vendor_relay;
        if !guarded && !self.no_vendor_relay {
            eprintln!(
                "note: users' own Make and Aitronos connections are not relayed on {host} \
                 without --relay-token-file (or --open-relay)"
            );
        }
        let relays = relay
            .upstreams
            .iter()
            .any(|upstream| upstream.mode == Mode::Relay);
        if relays && !host.is_loopback() && self.rules.relay_token.is_none() && !self.open_relay {
            return Err(format!(
                "relaying on {host} would let anyone who reaches it call the vendors from \
                 this server: give --relay-token-file, or --open-relay if a proxy in front \
                 authenticates"
            ));
        }
        Ok(())
    }
}

/// A team token: one line of at least 16 URL-safe characters (it travels in a
/// cookie and a header, and must not be guessable).
fn read_token(path: &str) -> Result<String, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--relay-token-file {path}: {e}"))?;
    let token = text.trim();
    let safe = token
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'));
    if token.len() < 16 || !safe {
        return Err(format!(
            "--relay-token-file {path}: the token must be at least 16 characters of \
             A-Z a-z 0-9 - _ . ~ (for example `openssl rand -hex 24`)"
        ));
    }
    Ok(token.to_owned())
}

fn seconds(text: &str, name: &str) -> Result<Duration, String> {
    let value: f64 = parse(text, name)?;
    Duration::try_from_secs_f64(value)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| format!("{name} {text:?}: a positive number of seconds"))
}

/// `30`, `30d` or `400d`: whole days.
fn days(text: &str, name: &str) -> Result<chrono::Duration, String> {
    let number: i64 = parse(text.strip_suffix('d').unwrap_or(text), name)?;
    if !(1..=36_500).contains(&number) {
        return Err(format!("{name} {text:?}: 1 to 36500 days"));
    }
    Ok(chrono::Duration::days(number))
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
        let mut vendor_relay = None;
        if let Some(relay) = &args.options.relay {
            connections.extend(relay.connections());
            // A static copy has no relay behind it: only the hosts are known.
            vendor_relay = Some(logdeck_core::vendor_hosts::VendorRelay {
                path: None,
                ..relay.vendor_relay()
            });
        }
        println!(
            "{}",
            serde_json::json!({ "connections": connections, "vendorRelay": vendor_relay })
        );
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
    let mut options = args.options;
    if let Some(archive_args) = args.archive {
        match start_archive(archive_args, &options, bound).await {
            Ok(Some(archive)) => options.archive = Some(archive),
            Ok(None) => return ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
    }
    let app = match logdeck_server::app(&options) {
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
    match logdeck_server::listen::serve(listener, app, args.limits, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the store and starts the collector; `None` when a backup was asked
/// for and written instead.
async fn start_archive(
    archive: ArchiveArgs,
    options: &logdeck_server::ServerOptions,
    bound: SocketAddr,
) -> Result<Option<Archive>, String> {
    let spec = archive.store.clone();
    let store = tokio::task::spawn_blocking(move || spec.open())
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let store = Archive::new(store);
    if let Some(path) = archive.backup {
        let target = path.clone();
        store
            .with_store(move |store| store.backup(&target))
            .await
            .map_err(|e| e.to_string())?;
        println!("archive copied to {path}");
        return Ok(None);
    }
    let connections: Vec<serde_json::Value> = match &archive.connections {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--archive-connections {}: {e}", path.display()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("--archive-connections {}: {e}", path.display()))?;
            value
                .get("connections")
                .unwrap_or(&value)
                .as_array()
                .cloned()
                .ok_or("--archive-connections: expected a list of connections")?
        }
        None if options.demo.is_some() => logdeck_server::demo::demo_connections(),
        None => Vec::new(),
    };
    let insecure = options
        .relay
        .as_ref()
        .is_some_and(|relay| relay.allow_insecure_upstream);
    let sources =
        logdeck_server::archive::sources(&connections, &format!("http://{bound}"), insecure)?;
    println!(
        "archive: syncing {} streams into {}",
        sources.len(),
        archive.store
    );
    let streams = sources.iter().map(|source| source.id()).collect();
    logdeck_server::archive::spawn_collector(&store, sources, archive.sync);
    Ok(Some(store.serving(streams)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Result<Args, String> {
        parse_args(text.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn relaying_beyond_loopback_needs_a_token_or_an_explicit_open_relay() {
        let upstream = "--upstream make,make,https://eu1.make.com/api/v2";
        assert!(args(&format!("--host 127.0.0.1 {upstream}")).is_ok());
        let refused = args(&format!("--host 0.0.0.0 {upstream}")).err().unwrap();
        assert!(refused.contains("--relay-token-file"), "{refused}");
        assert!(args(&format!("--host 0.0.0.0 {upstream} --open-relay")).is_ok());
        assert!(
            args("--host 0.0.0.0 --demo").is_ok(),
            "no relay, nothing to guard"
        );
    }

    #[test]
    fn a_team_token_must_be_long_and_cookie_safe() {
        let dir = std::env::temp_dir().join(format!("logdeck-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        };
        let good = file("good", "0123456789abcdef0123\n");
        assert_eq!(read_token(&good).unwrap(), "0123456789abcdef0123");
        assert!(read_token(&file("short", "abc")).is_err());
        assert!(read_token(&file("semicolon", "0123456789abcdef;x=1")).is_err());
        assert!(read_token(&dir.join("missing").display().to_string()).is_err());
        let parsed = args(&format!(
            "--host 0.0.0.0 --upstream m,make,https://eu1.make.com/api/v2 --relay-token-file {good}"
        ))
        .ok()
        .unwrap();
        assert_eq!(
            parsed.options.access.relay_token.as_deref(),
            Some("0123456789abcdef0123")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn timeouts_are_positive_seconds() {
        let parsed = args("--header-timeout 0.5 --write-timeout 3 --max-connections 9")
            .ok()
            .unwrap();
        assert_eq!(
            parsed.limits.header_read_timeout,
            Duration::from_millis(500)
        );
        assert_eq!(parsed.limits.write_timeout, Duration::from_secs(3));
        assert_eq!(parsed.limits.max_connections, 9);
        assert!(args("--idle-timeout 0").is_err());
        let too_short = args("--idle-timeout 20").err().unwrap();
        assert!(too_short.contains("upstream timeout"), "{too_short}");
        assert!(args("--idle-timeout -1").is_err());
    }

    #[test]
    fn archive_flags_name_what_is_missing() {
        let demo = args("--demo --archive sqlite:a.db --keep 400d --backfill 7")
            .ok()
            .unwrap();
        let archive = demo.archive.unwrap();
        assert_eq!(archive.store, StoreSpec::Sqlite("a.db".into()));
        assert_eq!(archive.sync.keep, Some(chrono::Duration::days(400)));
        assert_eq!(archive.sync.backfill, chrono::Duration::days(7));
        let alone = args("--archive sqlite:a.db").err().unwrap();
        assert!(alone.contains("--archive-connections"), "{alone}");
        assert!(args("--archive sqlite:a.db --archive-backup b.db").is_ok());
        assert!(args("--archive-backup b.db").is_err());
        assert!(args("--demo --archive sqlite:a.db --keep 0d").is_err());
        assert!(args("--archive redis://x").is_err());
        let open = args("--host 0.0.0.0 --demo --archive sqlite:a.db")
            .err()
            .unwrap();
        assert!(open.contains("--relay-token-file"), "{open}");
        assert!(args("--host 0.0.0.0 --demo --archive sqlite:a.db --open-relay").is_ok());
    }
}
