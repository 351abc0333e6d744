//! The form token: when a widget's form was drawn, signed by the server, so that a
//! submission sent sooner than the minimum fill time (`oubli_domain::MIN_FILL_MS`) can
//! be told apart without any state. `<issued ms>.<HMAC-SHA256(cabinet key, "form:" key
//! ":" issued)>`, under the cabinet's keyed-hash key (already the server's secret of
//! the opposition list), so no new key material is needed.

use hmac::{Hmac, Mac};

fn mac(cabinet_key: &str, widget_key: &str, issued_ms: i64) -> String {
    let mut m = <Hmac<sha2::Sha256> as Mac>::new_from_slice(cabinet_key.as_bytes())
        .expect("HMAC accepts any key length");
    m.update(format!("form:{widget_key}:{issued_ms}").as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// A token issued at `issued_ms` for the widget `widget_key`.
pub fn issue(cabinet_key: &str, widget_key: &str, issued_ms: i64) -> String {
    format!("{issued_ms}.{}", mac(cabinet_key, widget_key, issued_ms))
}

/// Whether `token` is ours for this widget, at least `min_fill_ms` old and younger
/// than `ttl_ms` at `now_ms`.
pub fn fill_time_ok(
    cabinet_key: &str,
    widget_key: &str,
    token: Option<&str>,
    now_ms: i64,
    min_fill_ms: i64,
    ttl_ms: i64,
) -> bool {
    let Some((issued, sig)) = token.and_then(|t| t.split_once('.')) else {
        return false;
    };
    let Ok(issued_ms) = issued.parse::<i64>() else {
        return false;
    };
    let age = now_ms - issued_ms;
    crate::auth::constant_time_eq(sig, &mac(cabinet_key, widget_key, issued_ms))
        && age >= min_fill_ms
        && age < ttl_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        let t = issue("k", "w", 1_000);
        assert!(fill_time_ok("k", "w", Some(&t), 4_000, 3_000, 10_000));
        assert!(!fill_time_ok("k", "w", Some(&t), 3_999, 3_000, 10_000));
        assert!(!fill_time_ok("k", "w", Some(&t), 11_000, 3_000, 10_000));
        assert!(!fill_time_ok("k", "other", Some(&t), 4_000, 3_000, 10_000));
        assert!(!fill_time_ok("x", "w", Some(&t), 4_000, 3_000, 10_000));
        assert!(!fill_time_ok("k", "w", Some("0.zz"), 4_000, 3_000, 10_000));
        assert!(!fill_time_ok("k", "w", None, 4_000, 3_000, 10_000));
    }
}
