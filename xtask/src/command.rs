//! Running commands with the project's tools on PATH, and failing loudly.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root, wherever `cargo xtask` was started.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// `node_modules/.bin` first, so the npm-installed wasm-opt wins over any system one.
pub fn tool_path() -> OsString {
    let mut paths = vec![workspace_root().join("node_modules").join(".bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
    {
        paths.push(home.join("bin"));
    }
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap_or_default()
}

/// A command in the workspace root with the tool PATH.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(workspace_root())
        .env("PATH", tool_path());
    command
}

/// `cargo <args>` with the same toolchain that runs the xtask.
pub fn cargo(args: &[&str]) -> Command {
    let mut command = command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args);
    command
}

/// A binary installed by `npm ci` into `node_modules/.bin`.
pub fn npm_bin(name: &str) -> Command {
    command(
        workspace_root()
            .join("node_modules")
            .join(".bin")
            .join(name),
    )
}

/// Runs `command` with inherited output; an error names it when it fails.
pub fn run(mut command: Command) -> Result<(), String> {
    let shown = describe(&command);
    println!("▶ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs `command` quietly and returns its trimmed stdout, or `None` if it cannot run.
pub fn output(mut command: Command) -> Option<String> {
    let output = command.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn describe(command: &Command) -> String {
    let mut words = vec![Path::new(command.get_program())
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()];
    words.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}
