//! Building the app, the server and the in-browser tests.

use crate::command::{cargo, command, run};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `trunk build --offline --release` into `dist/`. Trunk never downloads here, so
/// the crates are fetched first and the tools come from PATH at pinned versions.
pub fn release_app() -> Result<(), String> {
    run(cargo(&["fetch"]))?;
    let mut trunk = command("trunk");
    trunk
        .args(["build", "--offline", "--release"])
        .env("TRUNK_SKIP_VERSION_CHECK", "true");
    run(trunk)
}

/// The demo/relay server binary.
pub fn server() -> Result<(), String> {
    run(cargo(&["build", "--package", "logdeck-server"]))
}

/// wasm-bindgen-test tests in headless Chromium (capabilities in `webdriver.json`).
pub fn wasm_browser_tests() -> Result<(), String> {
    let mut test = cargo(&[
        "test",
        "--package",
        "logdeck",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "web",
    ]);
    test.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    run(test)
}
