//! Dates and instants as the API writes them, `YYYY-MM-DD` and RFC 3339, read by hand.
//!
//! chrono's `FromStr` (used by its serde support too) runs a general format-string
//! interpreter; the browser app would carry it for these two formats (about 10 KB of
//! wasm). The JSON is unchanged: `"2026-11-29"`, `"2026-11-29T13:42:51.123Z"` or `null`;
//! writing still goes through chrono.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

/// The years a date may be written with. Wide on purpose: the field validators say in
/// French what is wrong with a date that reads (a birth date before 1900 or in the
/// future); outside these years, "0000-01-01" or "9999-12-31" is a typo or a probe, not
/// a date to store, sort and show.
pub const MIN_YEAR: i32 = 1000;
pub const MAX_YEAR: i32 = 2999;

/// Reads `YYYY-MM-DD` (four-digit year from [`MIN_YEAR`] to [`MAX_YEAR`]; month and
/// day may have one digit); `None` if it is not a real date in that range.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    let mut parts = s.splitn(3, '-');
    let year = parts.next()?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = year.parse().ok()?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Reads an RFC 3339 instant as chrono's relaxed parser does: `T`, `t` or a space
/// between date and time, optional fraction of a second (nanoseconds kept), then `Z`,
/// `z`, `±HH:MM` or `±HHMM`. `None` if it is not one.
pub fn parse_rfc3339(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let sep = b
        .iter()
        .position(|&c| c == b'T' || c == b't' || c == b' ')?;
    let date = parse_iso(&s[..sep])?;
    let rest = &s[sep + 1..];
    // Hours, minutes and seconds: one or two digits each, as chrono reads them.
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(rest.len());
    let mut hms = rest[..end].split(':').map(|p| {
        (!p.is_empty() && p.len() <= 2)
            .then(|| p.parse::<u32>().ok())
            .flatten()
    });
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if hms.next().is_some() {
        return None;
    }
    let mut i = end;
    let mut nanos = 0u32;
    if rest.as_bytes().get(i) == Some(&b'.') {
        let digits = rest[i + 1..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (k, c) in rest[i + 1..i + 1 + digits].bytes().enumerate() {
            if k < 9 {
                nanos = nanos * 10 + u32::from(c - b'0');
            }
        }
        nanos *= 10u32.pow(9u32.saturating_sub(digits as u32));
        i += 1 + digits;
    }
    let offset = match rest[i..].trim_start() {
        "Z" | "z" => 0,
        tz => {
            let sign = match tz.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hm = tz[1..].replacen(':', "", 1);
            if hm.len() != 4 || !hm.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let (oh, om): (i32, i32) = (hm[..2].parse().ok()?, hm[2..].parse().ok()?);
            if om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    // A leap second (60) is kept as chrono keeps it.
    let (sec, nanos) = if sec == 60 {
        (59, nanos.checked_add(1_000_000_000)?)
    } else {
        (sec, nanos)
    };
    let time = NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?;
    let local = date.and_time(time);
    let fixed = FixedOffset::east_opt(offset)?;
    Some(
        local
            .and_local_timezone(fixed)
            .single()?
            .with_timezone(&Utc),
    )
}

fn rfc3339_error<E: serde::de::Error>() -> E {
    E::custom("date et heure invalides : format attendu RFC 3339")
}

/// `#[serde(with = "crate::date::utc")]` on a `DateTime<Utc>`.
pub mod utc {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        super::parse_rfc3339(&s).ok_or_else(super::rfc3339_error)
    }
}

/// `#[serde(default, with = "crate::date::opt_utc")]` on an `Option<DateTime<Utc>>`.
pub mod opt_utc {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            None => Ok(None),
            Some(s) => super::parse_rfc3339(&s)
                .map(Some)
                .ok_or_else(super::rfc3339_error),
        }
    }
}

/// `#[serde(default, with = "crate::date::opt")]` on an `Option<NaiveDate>`.
pub mod opt {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            None => Ok(None),
            Some(s) => super::parse_iso(s.trim()).map(Some).ok_or_else(|| {
                serde::de::Error::custom("date invalide : format attendu AAAA-MM-JJ")
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct T {
        #[serde(default, with = "opt")]
        d: Option<NaiveDate>,
    }

    #[test]
    fn reads_and_writes_the_api_format() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 28);
        assert_eq!(parse_iso("2026-02-28"), d);
        assert_eq!(parse_iso("2026-2-28"), d);
        assert!(parse_iso("1000-01-01").is_some() && parse_iso("2999-12-31").is_some());
        for bad in [
            "2026-02-30",
            "2026-02",
            "2026/02/28",
            "2026-02-28x",
            "",
            "abcd-ef-gh",
            "0000-01-01",
            "9999-12-31",
            "0999-12-31",
            "3000-01-01",
            "+2026-02-28",
            "26-02-28",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
        let t: T = serde_json::from_str(r#"{"d":"2026-02-28"}"#).unwrap();
        assert_eq!(t.d, d);
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"d":"2026-02-28"}"#);
        let t: T = serde_json::from_str(r#"{"d":null}"#).unwrap();
        assert_eq!(t.d, None);
        let t: T = serde_json::from_str("{}").unwrap();
        assert_eq!(t.d, None);
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"d":null}"#);
        assert!(serde_json::from_str::<T>(r#"{"d":"2026-13-01"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"d":20260228}"#).is_err());
    }

    /// What chrono's own deserializer (`DateTime<Utc>: FromStr`) gives, for each input.
    #[test]
    fn reads_instants_exactly_as_chrono_does() {
        let inputs = [
            "2026-11-29T13:42:51Z",
            "2026-11-29T13:42:51.123Z",
            "2026-11-29T13:42:51.123456789Z",
            "2026-11-29T13:42:51.1234567891Z",
            "2026-11-29t13:42:51z",
            "2026-11-29 13:42:51+01:00",
            "2026-11-29T00:10:00-05:30",
            "2026-11-29T13:42:51+0100",
            "2026-03-29T02:30:00+02:00",
            "2026-12-31T23:59:60Z",
            "2026-02-29T10:00:00Z",
            "2026-11-29T24:00:00Z",
            "2026-11-29T13:42Z",
            "2026-11-29T13:42:51",
            "2026-11-29T13:42:51.Z",
            "2026-11-29T13:42:51+01",
            "2026-11-29T13:42:51+01:60",
            "2026-11-29T1:42:51Z",
            "2026-11-29T13:42:5Z",
            "2026-11-29T13:42:51.5+01:00",
            "2026-11-29T13:42:51-00:00",
            "2026-11-29T13:42:51 +01:00",
            "2026-11-29T13:42:51+1:00",
            "2026-11-29T13:42:51+01:00:00",
            "2026-11-29T13:42:51ZZ",
            "2026-11-29",
            "",
            "garbage",
        ];
        for s in inputs {
            let chrono = s.parse::<DateTime<Utc>>().ok();
            assert_eq!(parse_rfc3339(s), chrono, "{s:?}");
        }
        let now = Utc::now();
        let json = serde_json::to_string(&now).unwrap();
        #[derive(serde::Deserialize)]
        struct U {
            #[serde(with = "utc")]
            at: DateTime<Utc>,
        }
        let u: U = serde_json::from_str(&format!(r#"{{"at":{json}}}"#)).unwrap();
        assert_eq!(u.at, now);
    }
}
