//! User-facing messages, kept in one place so the tests can assert the exact reason of
//! a refusal and so the wording stays consistent. None of them embeds the input.

pub const EMAIL_EMPTY: &str = "L'adresse e-mail est vide.";
pub const EMAIL_TOO_LONG: &str = "L'adresse e-mail est trop longue (254 caractères au maximum).";
pub const EMAIL_SPACE: &str = "L'adresse e-mail ne doit pas contenir d'espace.";
pub const EMAIL_NO_AT: &str = "L'adresse e-mail doit contenir le caractère @.";
pub const EMAIL_MANY_AT: &str = "L'adresse e-mail ne doit contenir qu'un seul caractère @.";
pub const EMAIL_LOCAL_EMPTY: &str = "Il manque la partie avant le @ de l'adresse e-mail.";
pub const EMAIL_LOCAL_TOO_LONG: &str =
    "La partie avant le @ de l'adresse e-mail est trop longue (64 caractères au maximum).";
pub const EMAIL_LOCAL_CHARS: &str =
    "La partie avant le @ de l'adresse e-mail contient un caractère non autorisé.";
pub const EMAIL_LOCAL_DOTS: &str = "La partie avant le @ de l'adresse e-mail ne peut ni commencer ni finir par un point, ni contenir deux points de suite.";
pub const EMAIL_DOMAIN_EMPTY: &str = "Il manque le nom de domaine après le @ (ex. : exemple.fr).";
pub const EMAIL_DOMAIN_NO_DOT: &str =
    "Le nom de domaine après le @ doit contenir un point (ex. : exemple.fr).";
pub const EMAIL_DOMAIN_BAD: &str = "Le nom de domaine après le @ est mal formé.";
pub const EMAIL_TLD_BAD: &str =
    "L'extension du nom de domaine (après le dernier point) est invalide.";

pub const PHONE_EMPTY: &str = "Le numéro de téléphone est vide.";
pub const PHONE_CHARS: &str = "Le numéro de téléphone ne peut contenir que des chiffres, des espaces, des points, des tirets et un + au début.";
pub const PHONE_PREFIX: &str =
    "Le numéro de téléphone doit commencer par 0, +33 ou 0033 (ou un indicatif d'outre-mer).";
pub const PHONE_NOT_FRENCH: &str = "Seuls les numéros français sont acceptés : l'indicatif doit être +33 (ou +262, +590, +594, +596 pour l'outre-mer).";
pub const PHONE_NATIONAL_LEN: &str =
    "Un numéro de téléphone français compte 10 chiffres (ex. : 06 12 34 56 78).";
pub const PHONE_INTL_LEN: &str =
    "Après l'indicatif, un numéro de téléphone français compte 9 chiffres (sans le 0 initial).";
pub const PHONE_FIRST_DIGIT: &str =
    "Après l'indicatif, le numéro de téléphone ne doit pas commencer par 0.";
pub const PHONE_OVERSEAS_MISMATCH: &str =
    "Ce numéro ne correspond pas à l'indicatif d'outre-mer saisi.";

pub const POSTAL_EMPTY: &str = "Le code postal est vide.";
pub const POSTAL_CHARS: &str = "Le code postal ne doit contenir que des chiffres.";
pub const POSTAL_LEN: &str = "Le code postal doit comporter 5 chiffres.";
pub const POSTAL_DEPT: &str = "Ce code postal ne correspond à aucun département français.";

pub const SIREN_EMPTY: &str = "Le numéro SIREN est vide.";
pub const SIREN_CHARS: &str = "Le numéro SIREN ne doit contenir que des chiffres.";
pub const SIREN_LEN: &str = "Le numéro SIREN doit comporter 9 chiffres.";
pub const SIREN_KEY: &str =
    "Le numéro SIREN est invalide : vérifiez les chiffres saisis (clé de contrôle incorrecte).";

pub const SIRET_EMPTY: &str = "Le numéro SIRET est vide.";
pub const SIRET_CHARS: &str = "Le numéro SIRET ne doit contenir que des chiffres.";
pub const SIRET_LEN: &str = "Le numéro SIRET doit comporter 14 chiffres.";
pub const SIRET_KEY: &str =
    "Le numéro SIRET est invalide : vérifiez les chiffres saisis (clé de contrôle incorrecte).";
pub const SIRET_SIREN_KEY: &str =
    "Les 9 premiers chiffres du SIRET (le numéro SIREN) sont invalides.";

pub const NIR_EMPTY: &str = "Le numéro de sécurité sociale est vide.";
pub const NIR_CHARS: &str = "Le numéro de sécurité sociale ne doit contenir que des chiffres (et 2A ou 2B pour un département de Corse).";
pub const NIR_LEN: &str =
    "Le numéro de sécurité sociale doit comporter 15 caractères (13 chiffres et la clé).";
pub const NIR_SEX: &str = "Le premier chiffre du numéro de sécurité sociale est invalide.";
pub const NIR_MONTH: &str =
    "Le mois de naissance (4e et 5e chiffres) du numéro de sécurité sociale est invalide.";
pub const NIR_DEPT: &str =
    "Le département de naissance (6e et 7e caractères) du numéro de sécurité sociale est invalide.";
pub const NIR_KEY: &str = "La clé du numéro de sécurité sociale (2 derniers chiffres) ne correspond pas : vérifiez les chiffres saisis.";

pub const ORGANISME_EMPTY: &str = "Le code organisme est vide.";
pub const ORGANISME_CHARS: &str = "Le code organisme ne doit contenir que des chiffres.";
pub const ORGANISME_LEN: &str =
    "Le code organisme doit comporter 9 chiffres (régime, caisse et centre).";
pub const ORGANISME_REGIME: &str = "Le code régime (2 premiers chiffres) est invalide.";

pub const IBAN_EMPTY: &str = "L'IBAN est vide.";
pub const IBAN_CHARS: &str = "L'IBAN ne doit contenir que des lettres et des chiffres.";
pub const IBAN_COUNTRY: &str = "L'IBAN doit commencer par les 2 lettres du code pays (ex. : FR).";
pub const IBAN_UNKNOWN_COUNTRY: &str = "Ce code pays n'utilise pas l'IBAN ou n'est pas reconnu.";
pub const IBAN_LEN: &str =
    "La longueur de l'IBAN ne correspond pas à son pays (27 caractères pour la France).";
pub const IBAN_CHECK_CHARS: &str =
    "Les 2 caractères qui suivent le code pays de l'IBAN doivent être des chiffres.";
pub const IBAN_KEY: &str =
    "L'IBAN est invalide : vérifiez les caractères saisis (clé de contrôle incorrecte).";

pub const BIC_EMPTY: &str = "Le code BIC est vide.";
pub const BIC_CHARS: &str = "Le code BIC ne doit contenir que des lettres et des chiffres.";
pub const BIC_LEN: &str = "Le code BIC doit comporter 8 ou 11 caractères.";
pub const BIC_BANK: &str =
    "Les 4 premiers caractères du code BIC (la banque) doivent être des lettres.";
pub const BIC_COUNTRY: &str =
    "Les 5e et 6e caractères du code BIC (le code pays) doivent être des lettres.";
