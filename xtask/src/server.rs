//! Starting `logdeck-server --demo` and learning its address.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::command::{command, workspace_root};

const READY_PREFIX: &str = "Logdeck listening on ";
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running demo server; killed when dropped.
pub struct DemoServer {
    child: Child,
    url: String,
}

impl DemoServer {
    /// Starts `logdeck-server` (the `release` or `debug` build) with `args` and
    /// waits for its "listening" line.
    pub fn start(profile: &str, args: &[&str]) -> Result<DemoServer, String> {
        let binary = workspace_root()
            .join("target")
            .join(profile)
            .join("logdeck-server");
        let mut server = command(&binary);
        server.args(args);
        let mut child = server
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("server stdout unavailable")?;
        let (ready, address) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match line.strip_prefix(READY_PREFIX) {
                    Some(url) if !sent => {
                        sent = ready.send(url.trim_end_matches('/').to_owned()).is_ok();
                    }
                    _ => println!("{line}"),
                }
            }
        });
        match address.recv_timeout(START_TIMEOUT) {
            Ok(url) => Ok(DemoServer { child, url }),
            Err(_) => {
                let _ = child.kill();
                Err("logdeck-server did not report its address within 60 s".to_owned())
            }
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Serves until the server exits (Ctrl-C reaches it too).
    pub fn wait(mut self) -> Result<(), String> {
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("logdeck-server stopped: {status}"))
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
