//! Field checks and cleaning shared by the entities' `normalize()` and `validate()`:
//! text bounds, identifier checks through `crate::validate`, dates, amounts.

use crate::FieldErrors;
use chrono::{Datelike, NaiveDate};

/// Upper bounds on free text, so a body can't fill the disk through one field.
pub const MAX_SHORT: usize = 200;
pub const MAX_LONG: usize = 10_000;

pub(super) fn check_text(errors: &mut FieldErrors, field: &str, v: &Option<String>, max: usize) {
    if let Some(s) = v {
        if s.chars().count() > max {
            errors.insert(
                field.into(),
                format!("Ce champ ne peut pas dépasser {max} caractères."),
            );
        } else if s
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            errors.insert(
                field.into(),
                "Ce champ contient des caractères invalides.".into(),
            );
        }
    }
}

pub(super) fn check_with(
    errors: &mut FieldErrors,
    field: &str,
    v: &Option<String>,
    f: fn(&str) -> Result<(), &'static str>,
) {
    if let Some(s) = v {
        if !s.trim().is_empty() {
            if let Err(m) = f(s) {
                errors.insert(field.into(), m.into());
            }
        }
    }
}

/// A birth date must be in the past and plausible.
pub fn check_birth_date(
    errors: &mut FieldErrors,
    field: &str,
    d: Option<NaiveDate>,
    today: NaiveDate,
) {
    if let Some(d) = d {
        if d > today {
            errors.insert(
                field.into(),
                "La date de naissance ne peut pas être dans le futur.".into(),
            );
        } else if d.year() < 1900 {
            errors.insert(
                field.into(),
                "La date de naissance est invraisemblable (avant 1900).".into(),
            );
        }
    }
}

pub(super) fn check_amount(errors: &mut FieldErrors, field: &str, v: Option<i64>) {
    if let Some(v) = v {
        if !(0..=100_000_000_000).contains(&v) {
            errors.insert(
                field.into(),
                "Le montant doit être positif et raisonnable.".into(),
            );
        }
    }
}

pub(super) fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// Empty strings mean "no value": store them as absent.
/// A one-line field cleaned ([`crate::text::clean_line`]); empty becomes absent.
pub(super) fn normalize_opt(v: &mut Option<String>) {
    clean_opt(v, crate::text::clean_line)
}

/// A field of several lines (comments, notes) cleaned ([`crate::text::clean_text`]).
pub(super) fn normalize_text_opt(v: &mut Option<String>) {
    clean_opt(v, crate::text::clean_text)
}

fn clean_opt(v: &mut Option<String>, clean: fn(&str) -> String) {
    if let Some(s) = v {
        let t = clean(s);
        *v = if t.is_empty() { None } else { Some(t) };
    }
}

/// The day the tests validate against.
#[cfg(test)]
pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}
