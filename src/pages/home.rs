//! Home: "/" sends the user to the contacts list, where a broker's day starts.

use crate::nav::Redirect;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    view! { <Redirect path="/contacts" /> }
}
