//! Helpers that complete check digits, used by the demo seeder and by property tests.
//!
//! They build syntactically valid identifiers from arbitrary parts, so demo data and
//! tests never need real people's or companies' numbers. They are for developers: a
//! malformed argument is a bug in the caller and panics (see each function).

use super::bank::mod97;
use super::common::{all_digits, strip_spaces};
use super::company::luhn_key;
use super::social::nir_key;

/// A valid SIREN: `base8 % 10^8`, zero-padded to 8 digits, plus its Luhn key.
pub fn siren_from(base8: u32) -> String {
    let mut s = format!("{:08}", base8 % 100_000_000);
    let key = luhn_key(&s);
    s.push(key);
    s
}

/// A valid SIRET: the SIREN (spaces allowed), `nic4 % 10^4` zero-padded to 4 digits,
/// and the key making the 14 digits Luhn-valid.
///
/// # Panics
/// If `siren` is not 9 digits once spaces are removed.
pub fn siret_from(siren: &str, nic4: u16) -> String {
    let siren = strip_spaces(siren);
    assert!(
        siren.len() == 9 && all_digits(&siren),
        "siret_from: the SIREN must be 9 digits"
    );
    let mut s = format!("{siren}{:04}", nic4 % 10_000);
    let key = luhn_key(&s);
    s.push(key);
    s
}

/// A NIR with its key. Each numeric part is reduced to its width (`year2 % 100`,
/// `commune3 % 1000`...); no other check is made, so pass a valid sex and month to
/// get a NIR that [`super::nir`] accepts.
///
/// `dept` is "75", "1" (read as "01"), "2A"/"2B" (Corsica), "99" (born abroad,
/// `commune3` being then the INSEE country code) or a 3-digit overseas code such as
/// "971": the NIR then holds "97" as department and the third digit followed by
/// `commune3 % 100` as commune, as INSEE does.
///
/// # Panics
/// If `dept` is none of the forms above.
pub fn nir_from(sex: u8, year2: u8, month: u8, dept: &str, commune3: u16, order3: u16) -> String {
    let dept = strip_spaces(dept).to_ascii_uppercase();
    let (dept2, commune) = match dept.len() {
        1 if all_digits(&dept) => (format!("0{dept}"), commune3 % 1000),
        2 if all_digits(&dept) || dept == "2A" || dept == "2B" => (dept, commune3 % 1000),
        3 if all_digits(&dept) && (dept.starts_with("97") || dept.starts_with("98")) => {
            let third = u16::from(dept.as_bytes()[2] - b'0');
            (dept[..2].to_owned(), third * 100 + commune3 % 100)
        }
        _ => panic!("nir_from: unknown department code"),
    };
    let body = format!(
        "{}{:02}{:02}{dept2}{commune:03}{:03}",
        sex % 10,
        year2 % 100,
        month % 100,
        order3 % 1000
    );
    let key = nir_key(&body);
    format!("{body}{key:02}")
}

/// A valid French IBAN (27 characters) from the parts of a RIB: bank code, branch
/// code (each reduced to 5 digits), 11-character account number (spaces allowed,
/// upper-cased) and RIB key (reduced to 2 digits, taken as given: the IBAN check
/// digits are computed, the RIB key is not).
///
/// # Panics
/// If `account11` is not 11 letters or digits once spaces are removed.
pub fn iban_fr(bank5: u32, branch5: u32, account11: &str, rib_key2: u8) -> String {
    let account = strip_spaces(account11).to_ascii_uppercase();
    assert!(
        account.len() == 11 && account.bytes().all(|b| b.is_ascii_alphanumeric()),
        "iban_fr: the account number must be 11 letters or digits"
    );
    let bban = format!(
        "{:05}{:05}{account}{:02}",
        bank5 % 100_000,
        branch5 % 100_000,
        rib_key2 % 100
    );
    iban_with_country("FR", &bban)
}

/// Country code + computed check digits + BBAN (spaces removed, upper-cased). The
/// BBAN length is not checked against the country: pass the registered length to get
/// an IBAN that [`super::iban`] accepts.
///
/// # Panics
/// If `country` is not 2 letters or `bban` holds anything but letters and digits.
pub fn iban_with_country(country: &str, bban: &str) -> String {
    let country = strip_spaces(country).to_ascii_uppercase();
    assert!(
        country.len() == 2 && country.bytes().all(|b| b.is_ascii_alphabetic()),
        "iban_with_country: the country code must be 2 letters"
    );
    let bban = strip_spaces(bban).to_ascii_uppercase();
    let remainder = mod97(bban.chars().chain(country.chars()).chain("00".chars()))
        .expect("iban_with_country: the BBAN must hold only letters and digits");
    format!("{country}{:02}{bban}", 98 - remainder)
}

#[cfg(test)]
mod tests {
    use crate::validate::gen;

    #[test]
    fn gen_examples() {
        assert_eq!(gen::siren_from(55_210_055), "552100554");
        assert_eq!(gen::siren_from(0), "000000000");
        assert_eq!(gen::siret_from("732 829 320", 7), "73282932000074");
        assert_eq!(gen::nir_from(1, 85, 5, "78", 6, 84), "185057800608491");
        assert_eq!(gen::nir_from(2, 90, 1, "2a", 4, 123), "290012A00412385");
        assert_eq!(gen::nir_from(1, 80, 1, "971", 5, 1), "180019710500173");
        assert_eq!(gen::nir_from(1, 80, 1, "1", 5, 1).get(5..7), Some("01"));
        assert_eq!(
            gen::iban_fr(30006, 1, "12345678901", 89),
            "FR7630006000011234567890189"
        );
        assert_eq!(
            gen::iban_with_country("de", "370400440532013000"),
            "DE89370400440532013000"
        );
        assert_eq!(
            gen::iban_with_country("GB", "WEST12345698765432"),
            "GB82WEST12345698765432"
        );
    }

    #[test]
    #[should_panic(expected = "unknown department code")]
    fn gen_nir_refuses_unknown_department() {
        let _ = gen::nir_from(1, 80, 1, "ZZ", 1, 1);
    }
}
