//! Home: "/" sends the user to the contacts list, where a broker's day starts.

use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn HomePage() -> impl IntoView {
    view! { <Redirect path="/contacts" /> }
}
