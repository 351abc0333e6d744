//! The word lists and small helpers the demo data is drawn from.

use super::*;

pub(super) const SUPPLIERS: &[(&str, i64)] = &[
    ("Assurland", 1800),
    ("LeLynx", 1500),
    ("Meilleurtaux", 2500),
    ("Site web du cabinet", 0),
    ("Parrainage", 0),
    ("Salon Patrimoine", 900),
];
pub(super) const INSURERS: &[&str] = &[
    "AXA",
    "Allianz",
    "Generali",
    "April",
    "Malakoff Humanis",
    "Swiss Life",
    "MMA",
    "Groupama",
];
/// Real (postal code, city) pairs, one per department used: postal code and city must
/// agree for the statistics and the retention rules to look like a real cabinet's.
/// Geography, not people: the people come from the faker.
pub(super) const PLACES: &[(u32, &str, &str)] = &[
    (75, "75011", "Paris"),
    (75, "75015", "Paris"),
    (92, "92100", "Boulogne-Billancourt"),
    (93, "93100", "Montreuil"),
    (94, "94000", "Créteil"),
    (69, "69003", "Lyon"),
    (13, "13008", "Marseille"),
    (31, "31000", "Toulouse"),
    (33, "33000", "Bordeaux"),
    (59, "59000", "Lille"),
    (44, "44000", "Nantes"),
    (67, "67000", "Strasbourg"),
    (6, "06000", "Nice"),
    (34, "34000", "Montpellier"),
    (35, "35000", "Rennes"),
    (38, "38000", "Grenoble"),
    (76, "76000", "Rouen"),
    (21, "21000", "Dijon"),
    (29, "29200", "Brest"),
    (49, "49000", "Angers"),
    (57, "57000", "Metz"),
];

pub(super) fn phone(rng: &mut StdRng, mobile: bool) -> String {
    let first = if mobile {
        *[6u8, 7].get(rng.random_range(0..2)).unwrap_or(&6)
    } else {
        rng.random_range(1..=5)
    };
    format!(
        "0{first} {:02} {:02} {:02} {:02}",
        rng.random_range(0..100),
        rng.random_range(0..100),
        rng.random_range(0..100),
        rng.random_range(0..100)
    )
}

pub(super) fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'à' | 'â' | 'ä' => 'a',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        })
        .collect()
}

pub(super) fn date(y: i32, m: u32, d: u32) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}
