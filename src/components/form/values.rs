//! Between what is typed and what is stored: optional text, dates and times, euros.

use chrono::{DateTime, Datelike, Local, NaiveDate, NaiveTime, TimeZone, Timelike, Utc};

/// French message shown when a typed amount cannot be read as euros. A parse failure
/// of the widget, not a business rule: the domain validator still judges the amount.
pub const AMOUNT_UNREADABLE: &str = "Saisissez un montant en euros, par exemple 45,90.";

/// Text of an optional string field.
pub fn opt_text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Stores what was typed (the domain's `normalize` trims it before sending).
pub fn set_opt(v: &mut Option<String>, s: String) {
    *v = if s.is_empty() { None } else { Some(s) };
}

pub fn date_text(d: &Option<NaiveDate>) -> String {
    d.map(iso_date).unwrap_or_default()
}

// Dates are formatted and read by hand rather than with chrono's `format` and
// `parse_from_str`: their format-string interpreters weigh some 10 KB in the wasm.

/// `2026-11-29`, the value of an `<input type="date">`.
pub fn iso_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Reads `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    oubli_domain::date::parse_iso(s.trim())
}

/// `datetime-local` value, in the browser's time zone.
pub fn datetime_text(d: &Option<DateTime<Utc>>) -> String {
    d.map(|d| {
        let d = d.with_timezone(&Local);
        format!(
            "{}T{:02}:{:02}",
            iso_date(d.date_naive()),
            d.hour(),
            d.minute()
        )
    })
    .unwrap_or_default()
}

pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    // `YYYY-MM-DDTHH:MM`, or with `:SS`.
    let (date, time) = s.trim().split_once('T')?;
    let mut hms = time.splitn(3, ':');
    let h = hms.next()?.parse().ok()?;
    let m = hms.next()?.parse().ok()?;
    let sec = match hms.next() {
        Some(sec) => sec.parse().ok()?,
        None => 0,
    };
    let n = parse_date(date)?.and_time(NaiveTime::from_hms_opt(h, m, sec)?);
    Local
        .from_local_datetime(&n)
        .earliest()
        .map(|d| d.with_timezone(&Utc))
}

/// What was typed is not an amount in euros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnreadableAmount;

/// Euros as typed by a French user ("45,90", "1 200", "45.9 €") → cents.
pub fn parse_euros(s: &str) -> Result<Option<i64>, UnreadableAmount> {
    let cleaned: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    let (units, frac) = match cleaned.split_once('.') {
        Some((u, f)) => (u, f),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if units.is_empty() && frac.is_empty()
        || !digits(units)
        || !digits(frac)
        || frac.len() > 2
        || units.len() > 12
    {
        return Err(UnreadableAmount);
    }
    let u: i64 = if units.is_empty() {
        0
    } else {
        units.parse().map_err(|_| UnreadableAmount)?
    };
    let f: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| UnreadableAmount)? * 10,
        _ => frac.parse().map_err(|_| UnreadableAmount)?,
    };
    Ok(Some(u * 100 + f))
}

/// Cents → "1 234,50 €" (French grouping).
pub fn format_euros(cents: i64) -> String {
    format!("{} €", euros_text(cents))
}

/// A contract's monthly premium: "—" when none was given (the server stores 0).
pub fn premium_text(cents: i64) -> String {
    if cents == 0 {
        "—".to_owned()
    } else {
        format_euros(cents)
    }
}

/// Cents → "1234,50", what an amount input shows.
pub fn euros_input_text(cents: Option<i64>) -> String {
    cents
        .map(|c| format!("{},{:02}", c / 100, (c % 100).abs()))
        .unwrap_or_default()
}

fn euros_text(cents: i64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(ch);
    }
    format!("{grouped},{:02}", (cents % 100).abs())
}
