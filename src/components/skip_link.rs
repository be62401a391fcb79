//! A "skip to…" link that moves focus, not just the URL: following `#id` alone
//! scrolls to it but leaves focus where it was.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn SkipLink(target: &'static str, label: &'static str) -> impl IntoView {
    let jump = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let element = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id(target))
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    };
    view! { <a class="skip" href=format!("#{target}") on:click=jump>{label}</a> }
}
