//! The application shell: runtime config, shared state, the address and its screens, layout.

use crate::components::skip_link::SkipLink;
use leptos::prelude::*;

use crate::pages::connections::ConnectionsPage;
use crate::pages::dashboard::Dashboard;
use crate::state::connections::Connections;
use crate::state::loads::Loads;
use crate::state::location::{provide_location, Location};
use crate::state::popovers::use_popover_dismissal;
use crate::state::prefs::{Prefs, Theme};
use logdeck_core::config::{ConfigError, RuntimeConfig};
use logdeck_core::screen::Screen;

/// Fetched beside the app so a deployment lists its sources without a rebuild.
const CONFIG_URL: &str = "/config.json";

#[component]
pub fn App() -> impl IntoView {
    provide_context(Connections::new(load_config));
    provide_context(Loads::new());
    let prefs = Prefs::load();
    provide_context(prefs);

    use_popover_dismissal();
    let location = provide_location();
    let screen = location.screen();
    view! {
        // Both skip links come first, before the navigation: the first two tab stops.
        <SkipLink target="main" label="Skip to content" />
        <Show when=move || screen.get() == Screen::Logs>
            <SkipLink target="rows" label="Skip to the rows" />
        </Show>
        <header class="topbar">
            <h1>"Logdeck"</h1>
            <nav aria-label="Main">
                <NavLink location href="/">"Logs"</NavLink>
                <NavLink location href="/connections">"Connections"</NavLink>
            </nav>
            <ThemeSwitch prefs />
        </header>
        <main id="main" tabindex="-1">
            {move || match screen.get() {
                Screen::Logs => view! { <Dashboard /> }.into_any(),
                Screen::Connections => view! { <ConnectionsPage /> }.into_any(),
                Screen::NotFound => view! { <p class="notice">"Page not found."</p> }.into_any(),
            }}
        </main>
    }
}

/// A link in the main navigation, marked as the current page where it leads.
#[component]
fn NavLink(location: Location, href: &'static str, children: Children) -> impl IntoView {
    let current = location.is_at(href);
    view! {
        <a href=href aria-current=move || current.get().then_some("page")>{children()}</a>
    }
}

#[component]
fn ThemeSwitch(prefs: Prefs) -> impl IntoView {
    let on_change = move |ev| {
        let theme = Theme::from_key(&event_target_value(&ev)).unwrap_or(Theme::System);
        prefs.theme.set(theme);
    };
    view! {
        <div class="field theme">
            <label for="theme">"Theme"</label>
            <select id="theme" on:change=on_change prop:value=move || prefs.theme.get().key()>
                {Theme::ALL.map(|theme| view! { <option value=theme.key()>{theme.label()}</option> })}
            </select>
        </div>
    }
}

async fn load_config() -> Result<RuntimeConfig, ConfigError> {
    let unreachable = |e: gloo_net::Error| ConfigError::Unreachable(e.to_string());
    let response = gloo_net::http::Request::get(CONFIG_URL)
        .send()
        .await
        .map_err(unreachable)?;
    if response.status() == 404 {
        // No server configuration: the user adds connections themselves.
        return Ok(RuntimeConfig::default());
    }
    if !response.ok() {
        return Err(ConfigError::Status(response.status()));
    }
    let text = response.text().await.map_err(unreachable)?;
    RuntimeConfig::parse(&text)
}

/// Mounts the app on the page body; the binary's only job.
pub fn mount() {
    console_error_panic_hook::set_once();
    // The static page painted while the wasm arrived gives way to the app.
    // The mount waits for a task of its own: the wasm's start is then not one
    // long task with the whole page's first build.
    leptos::prelude::set_timeout(
        || {
            if let Some(shell) = leptos::prelude::document().get_element_by_id("shell") {
                shell.remove();
            }
            leptos::mount::mount_to_body(App);
        },
        std::time::Duration::ZERO,
    );
}
