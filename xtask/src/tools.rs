//! Installs each tool the build and tests need, skipping those already present at
//! the right version, so a fresh machine needs only Rust, Node/npm and apt.

use std::path::Path;

use crate::command::{self, cargo, output, run, workspace_root};

const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The wasm32 target, trunk, wasm-bindgen-cli (Cargo.lock's version) and npm's wasm-opt.
pub fn ensure_build_tools() -> Result<(), String> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_npm_packages()
}

fn ensure_wasm_target() -> Result<(), String> {
    let mut list = command::command("rustup");
    list.args(["target", "list", "--installed"]);
    if output(list).is_some_and(|targets| targets.lines().any(|t| t == WASM_TARGET)) {
        return Ok(());
    }
    let mut add = command::command("rustup");
    add.args(["target", "add", WASM_TARGET]);
    run(add)
}

fn installed_version(program: &str) -> Option<String> {
    let mut version = command::command(program);
    version.arg("--version");
    // "trunk 0.21.14", "wasm-bindgen 0.2.130"
    output(version)?
        .split_whitespace()
        .nth(1)
        .map(str::to_owned)
}

fn ensure_trunk() -> Result<(), String> {
    if installed_version("trunk").as_deref() == Some(TRUNK_VERSION) {
        return Ok(());
    }
    println!("trunk {TRUNK_VERSION} is missing: installing it (about 10 minutes, once)");
    run(cargo(&[
        "install",
        &format!("trunk@{TRUNK_VERSION}"),
        "--locked",
    ]))
}

/// trunk and wasm-bindgen-test-runner must match the `wasm-bindgen` crate exactly.
/// Installed without `--locked`: the CLI's own lockfile pins a crate the registry lacks.
fn ensure_wasm_bindgen() -> Result<(), String> {
    let wanted = wasm_bindgen_lock_version()?;
    if installed_version("wasm-bindgen").as_deref() == Some(wanted.as_str())
        && installed_version("wasm-bindgen-test-runner").as_deref() == Some(wanted.as_str())
    {
        return Ok(());
    }
    println!("wasm-bindgen-cli {wanted} is missing: installing it");
    run(cargo(&[
        "install",
        &format!("wasm-bindgen-cli@{wanted}"),
        "--force",
    ]))
}

/// The `wasm-bindgen` version Cargo.lock resolved.
pub fn wasm_bindgen_lock_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    locked_version(&lock, "wasm-bindgen")
        .ok_or_else(|| "Cargo.lock has no wasm-bindgen entry".to_owned())
}

/// The version of package `name` in a Cargo.lock's text.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let name_line = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| *line == name_line)?;
    let version = lines
        .next()?
        .strip_prefix("version = \"")?
        .strip_suffix('"')?;
    Some(version.to_owned())
}

/// `npm ci` when `node_modules` is missing or older than the lockfile.
fn ensure_npm_packages() -> Result<(), String> {
    npm_ci(&workspace_root())
}

/// The bench's own npm packages (Lighthouse and the table libraries it measures
/// Logdeck against), kept apart so the tests never install them.
pub fn ensure_bench_packages() -> Result<(), String> {
    npm_ci(&workspace_root().join("bench"))
}

fn npm_ci(directory: &Path) -> Result<(), String> {
    let lock = directory.join("package-lock.json");
    let installed = directory.join("node_modules").join(".package-lock.json");
    if is_newer_or_equal(&installed, &lock) {
        return Ok(());
    }
    let mut ci = command::command("npm");
    // The e2e runner drives Debian's Chromium; it must not try to download one.
    ci.args(["ci", "--no-audit", "--no-fund"])
        .current_dir(directory)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    run(ci)
}

fn is_newer_or_equal(candidate: &Path, reference: &Path) -> bool {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(candidate), modified(reference)) {
        (Some(candidate), Some(reference)) => candidate >= reference,
        _ => false,
    }
}

/// Debian's Chromium and its WebDriver, for the in-browser and end-to-end tests.
pub fn ensure_browser() -> Result<(), String> {
    if Path::new(crate::build::CHROMIUM).exists() && Path::new(crate::build::CHROMEDRIVER).exists()
    {
        return Ok(());
    }
    println!("Chromium is missing: installing chromium and chromium-driver with apt");
    apt_install(&["chromium", "chromium-driver"])
}

/// PostgreSQL's server binaries, for the archive's store tests, which start
/// their own throwaway cluster with them.
pub fn ensure_postgres() -> Result<(), String> {
    let installed = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .any(|version| version.path().join("bin/initdb").is_file());
    if installed || std::env::var_os("LOGDECK_PG_BIN").is_some() {
        return Ok(());
    }
    println!("PostgreSQL is missing: installing postgresql with apt");
    apt_install(&["postgresql"])
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    let mut update = command::command("apt-get");
    update.arg("update");
    run(update)?;
    let mut install = command::command("apt-get");
    install
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(install)
}

#[cfg(test)]
mod tests {
    use super::locked_version;

    #[test]
    fn reads_the_exact_package_from_a_lockfile() {
        let lock = "[[package]]\nname = \"wasm-bindgen-test\"\nversion = \"0.3.80\"\n\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n";
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(lock, "wasm-bindgen-test").as_deref(),
            Some("0.3.80")
        );
        assert_eq!(locked_version(lock, "trunk"), None);
    }
}
