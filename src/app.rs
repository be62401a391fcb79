//! The application shell: runtime config, router, layout.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::core::config::RuntimeConfig;
use crate::pages::dashboard::Dashboard;

/// The runtime `config.json`: `None` while loading, `Err` with a readable message.
#[derive(Clone, Copy)]
pub struct ConfigState(pub RwSignal<Option<Result<RuntimeConfig, String>>>);

/// Fetched beside the app so a deployment lists its sources without a rebuild.
const CONFIG_URL: &str = "config.json";

#[component]
pub fn App() -> impl IntoView {
    let config = ConfigState(RwSignal::new(None));
    provide_context(config);
    spawn_local(async move {
        config.0.set(Some(load_config().await));
    });

    view! {
        <Router>
            <header class="topbar">
                <h1>"Logdeck"</h1>
            </header>
            <main>
                <Routes fallback=|| view! { <p class="notice">"Page not found."</p> }>
                    <Route path=path!("/") view=Dashboard />
                </Routes>
            </main>
        </Router>
    }
}

async fn load_config() -> Result<RuntimeConfig, String> {
    let response = gloo_net::http::Request::get(CONFIG_URL)
        .send()
        .await
        .map_err(|e| format!("Could not load {CONFIG_URL}: {e}"))?;
    if !response.ok() {
        return Err(format!(
            "Could not load {CONFIG_URL}: the server answered {}",
            response.status()
        ));
    }
    let text = response
        .text()
        .await
        .map_err(|e| format!("Could not read {CONFIG_URL}: {e}"))?;
    RuntimeConfig::parse(&text)
}

/// Mounts the app on the page body; the binary's only job.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
