//! The widget's definition as `GET /api/v1/public/widgets/{key}` sends it (API.md).

use serde::Deserialize;
use serde_json::Value;

/// What the page needs to show a widget. Unknown fields are ignored (fields may be
/// added to the answer); the labels fall back to French defaults.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct WidgetConfig {
    /// `lead_form` or `comparator`.
    pub kind: String,
    #[serde(default)]
    pub name: String,
    pub cgu: CguVersion,
    #[serde(default)]
    pub cgu_label: Option<String>,
    #[serde(default)]
    pub marketing_label: Option<String>,
    #[serde(default)]
    pub project_type: Option<String>,
    /// Issued with the form for the server's minimum fill time; echoed in the POST.
    #[serde(default)]
    pub form_token: Option<String>,
}

/// The CGU version in force: its exact text, and the SHA-256 of that text that the
/// lead sends back as the proof of what was shown.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CguVersion {
    /// Echoed as it came (the server's id, whatever its JSON type).
    pub version_id: Value,
    pub text: String,
    pub sha256: String,
}

impl WidgetConfig {
    pub fn cgu_label(&self) -> &str {
        self.cgu_label
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("J'accepte les conditions générales d'utilisation et le traitement de mes données pour être recontacté(e) au sujet de ma demande.")
    }

    pub fn marketing_label(&self) -> &str {
        self.marketing_label
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or("J'accepte de recevoir des offres commerciales du cabinet (facultatif).")
    }
}
