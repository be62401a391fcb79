//! The real binary under hostile clients: half-sent requests are dropped at the
//! header deadline while others are served, clients that never read cannot pin
//! memory past a bound, and the connection cap holds without wedging the server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// The server binary, killed when dropped.
struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        Server::start_with_env(args, &[])
    }

    fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_logdeck-server"))
            .args(["--port", "0"])
            .args(args)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("a first line");
        let address = line
            .trim()
            .strip_prefix("Logdeck listening on http://")
            .and_then(|rest| rest.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Server { child, address }
    }

    /// Resident memory, from `/proc` (Linux, where CI runs).
    fn rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("/proc status");
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|value| value.parse().ok())
            .expect("VmRSS");
        kib * 1024
    }

    /// A complete GET on a fresh connection: its status line and how long it took.
    fn get(&self, path: &str) -> (String, Duration) {
        let (answer, took) = self.get_answer(path);
        (answer.lines().next().unwrap_or_default().to_owned(), took)
    }

    /// A complete GET on a fresh connection: the whole answer and how long it took.
    fn get_answer(&self, path: &str) -> (String, Duration) {
        let started = Instant::now();
        let mut stream = TcpStream::connect(self.address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        (answer, started.elapsed())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback upstream: `/big` streams 30 MB made on the fly (so the test itself
/// holds none of it), `/small` answers at once.
fn upstream() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let chunk = Bytes::from(vec![b' '; 64 * 1024]);
            let router = Router::new()
                .route(
                    "/x/big",
                    get(move || {
                        let chunk = chunk.clone();
                        async move {
                            let chunks = futures_util::stream::iter(
                                (0..480).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                            );
                            (
                                [("content-type", "application/json")],
                                Body::from_stream(chunks),
                            )
                        }
                    }),
                )
                .route("/x/small", get(|| async { Json(json!({"ok": true})) }));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            sender.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, router).await.unwrap();
        });
    });
    let address = receiver.recv().unwrap();
    format!("big,aitronos,http://{address}/x")
}

fn half_sent(address: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .write_all(b"GET /relay/big/small HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    stream
}

/// Reads until the server closes; `None` if it has not within `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<usize> {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut received = 0;
    let mut buffer = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(received),
            Ok(n) => received += n,
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(received)
            }
            Err(_) => return None,
        }
    }
}

#[test]
fn half_sent_requests_are_dropped_at_the_header_deadline_while_others_are_served() {
    let upstream = upstream();
    let server = Server::start(&["--upstream", &upstream, "--header-timeout", "1"]);
    let mut stalled: Vec<TcpStream> = (0..200).map(|_| half_sent(server.address)).collect();
    let (status, took) = server.get("/relay/big/small");
    assert!(status.contains("200"), "{status}");
    assert!(
        took < Duration::from_secs(1),
        "a normal request took {took:?}"
    );
    let started = Instant::now();
    for stream in &mut stalled {
        assert!(
            closed_within(stream, Duration::from_secs(4)).is_some(),
            "a half-sent request still open after {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn the_connection_cap_holds_and_frees_as_deadlines_pass() {
    let upstream = upstream();
    let server = Server::start(&[
        "--upstream",
        &upstream,
        "--header-timeout",
        "1",
        "--max-connections",
        "20",
    ]);
    let _stalled: Vec<TcpStream> = (0..20).map(|_| half_sent(server.address)).collect();
    std::thread::sleep(Duration::from_millis(100));
    let (status, took) = server.get("/relay/big/small");
    assert!(status.contains("200"), "{status}");
    assert!(
        took >= Duration::from_millis(700),
        "served in {took:?} although every slot was taken"
    );
    assert!(took < Duration::from_secs(4), "the cap wedged: {took:?}");
}

#[test]
fn clients_that_never_read_cannot_pin_memory() {
    let upstream = upstream();
    let server = Server::start(&["--upstream", &upstream, "--write-timeout", "2"]);
    let _ = server.get("/relay/big/small");
    let before = server.rss_bytes();
    let mut readers: Vec<TcpStream> = (0..50)
        .map(|_| {
            let mut stream = TcpStream::connect(server.address).unwrap();
            stream
                .write_all(b"GET /relay/big/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1_500));
    let pinned = server.rss_bytes().saturating_sub(before);
    println!(
        "50 clients not reading 30 MB answers: {} MiB above idle",
        pinned / (1024 * 1024)
    );
    assert!(
        pinned < 64 * 1024 * 1024,
        "{} MiB pinned by clients that never read",
        pinned / (1024 * 1024)
    );
    // Past the write timeout, unread answers are dropped: what reaches a reader
    // now is only what the kernel had buffered.
    std::thread::sleep(Duration::from_secs(3));
    let mut cut_off = 0;
    for stream in &mut readers {
        let received = closed_within(stream, Duration::from_secs(8))
            .expect("the write timeout closes a client that does not read");
        if received < 30 * 1024 * 1024 {
            cut_off += 1;
        }
    }
    assert_eq!(cut_off, 50, "busy answers or cut-off bodies, never 30 MB");
    let (status, _) = server.get("/relay/big/small");
    assert!(status.contains("200"), "slots are free again: {status}");
}

#[test]
fn proxies_named_by_the_environment_never_see_a_relayed_call() {
    let upstream = upstream();
    // The stand-in proxy answers anything it is asked, so a call through it shows.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    proxy.set_nonblocking(true).unwrap();
    let env: Vec<(&str, &str)> = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"]
        .into_iter()
        .map(|name| (name, proxy_url.as_str()))
        .collect();
    let server = Server::start_with_env(&["--upstream", &upstream], &env);
    let (answer, _) = server.get_answer("/relay/big/small");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"ok":true}"#), "{answer}");
    assert!(
        proxy.accept().is_err(),
        "the environment's proxy was called"
    );
}
