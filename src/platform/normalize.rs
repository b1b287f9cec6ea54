//! Normalising customer data so duplicates can be found: names without
//! punctuation or legal-form suffixes, phone digits, tax ids, and a
//! trigram similarity for "very similar" names.

use std::collections::BTreeSet;

/// Legal-form words that do not distinguish one company from another.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "srl",
    "bv",
    "nv",
    "plc",
    "co",
    "corp",
    "corporation",
    "company",
    "oy",
    "ab",
    "as",
    "kg",
    "pty",
    "pte",
];

/// Chinese legal-form suffixes.
const LEGAL_FORMS_ZH: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "公司"];

/// A name reduced to what identifies it: lower-case words, no punctuation,
/// no legal form.
pub fn name_key(name: &str) -> String {
    let mut name = name.trim().to_lowercase();
    for suffix in LEGAL_FORMS_ZH {
        if let Some(stripped) = name.strip_suffix(suffix) {
            if !stripped.trim().is_empty() {
                name = stripped.to_owned();
            }
            break;
        }
    }
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !LEGAL_FORMS.contains(w))
        .collect();
    // A name made only of legal-form words keeps them.
    if kept.is_empty() {
        words.join(" ")
    } else {
        kept.join(" ")
    }
}

/// A phone number normalised to `+` and digits; `None` when it has too few
/// or too many digits to be a phone number (E.164 allows at most 15).
pub fn normalize_phone(phone: &str) -> Option<String> {
    let trimmed = phone.trim();
    let plus = trimmed.starts_with('+') || trimmed.starts_with("00");
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let digits = if trimmed.starts_with("00") {
        digits[2..].to_owned()
    } else {
        digits
    };
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !allowed || !(6..=15).contains(&digits.len()) {
        return None;
    }
    Some(if plus { format!("+{digits}") } else { digits })
}

/// The digits that identify a phone number (for matching `+49 30 1234` with `030 1234` we
/// compare the last nine digits).
pub fn phone_key(normalized: &str) -> String {
    let digits: String = normalized.chars().filter(char::is_ascii_digit).collect();
    let start = digits.len().saturating_sub(9);
    digits[start..].to_owned()
}

/// A currency code as stored (`eur` → `EUR`), or `None` when it is not
/// three letters.
pub fn currency_code(text: &str) -> Option<String> {
    let code = text.trim().to_uppercase();
    (code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase())).then_some(code)
}

/// A tax id without spaces, dots and dashes, upper-cased.
pub fn tax_key(tax_id: &str) -> String {
    tax_id
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

fn trigrams(text: &str) -> BTreeSet<Vec<char>> {
    let padded: Vec<char> = format!("  {text} ").chars().collect();
    padded.windows(3).map(<[char]>::to_vec).collect()
}

/// Similarity of two name keys in 0.0..=1.0 (Jaccard index of trigrams).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (a, b) = (trigrams(a), trigrams(b));
    let common = a.intersection(&b).count();
    let all = a.union(&b).count();
    if all == 0 {
        0.0
    } else {
        common as f64 / all as f64
    }
}

/// Names at least this similar are shown as likely duplicates.
pub const SIMILAR: f64 = 0.6;

/// Free-text tags (each entry may hold several, comma separated) as stored
/// on tickets and articles: trimmed, lower case, sorted, without repeats,
/// comma joined. `None` when there are more than ten or one is longer than
/// 40 characters.
pub fn tag_list(input: &[String]) -> Option<String> {
    let mut tags: Vec<String> = input
        .iter()
        .flat_map(|t| t.split(','))
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    (tags.len() <= 10 && tags.iter().all(|t| t.chars().count() <= 40)).then(|| tags.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_case_punctuation_and_legal_forms() {
        assert_eq!(name_key("ACME, Inc."), "acme");
        assert_eq!(name_key("  Acme   GmbH "), "acme");
        assert_eq!(name_key("Müller & Söhne KG"), "müller söhne");
        assert_eq!(name_key("北京星辰科技有限公司"), "北京星辰科技");
        assert_eq!(name_key("Limited"), "limited");
    }

    #[test]
    fn phones_are_normalised_or_refused() {
        assert_eq!(
            normalize_phone("+49 (30) 123-4567").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            normalize_phone("0049 30 1234567").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            normalize_phone("030 1234567").as_deref(),
            Some("0301234567")
        );
        assert_eq!(normalize_phone("12"), None);
        assert_eq!(normalize_phone("call me"), None);
        assert_eq!(normalize_phone("+1 234 567 890 123 456 7"), None);
        assert_eq!(phone_key("+49301234567"), phone_key("0301234567"));
    }

    #[test]
    fn tax_ids_compare_without_punctuation() {
        assert_eq!(tax_key("de 123.456-789"), "DE123456789");
    }

    #[test]
    fn similar_names_score_high_and_different_names_low() {
        assert!(similarity("acme trading", "acme tradng") >= SIMILAR);
        assert!(similarity("acme", "acme") > 0.99);
        assert!(similarity("acme trading", "globex") < 0.2);
        assert_eq!(similarity("", "acme"), 0.0);
    }
}
