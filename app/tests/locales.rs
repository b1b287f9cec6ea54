//! Every UI string exists in English and in Simplified Chinese.

use std::collections::BTreeSet;

use serde_json::Value;

fn keys(prefix: &str, value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                keys(&path, child, out);
            }
        }
        _ => {
            out.insert(prefix.to_owned());
        }
    }
}

fn load(locale: &str) -> Result<(BTreeSet<String>, Value), Box<dyn std::error::Error>> {
    let path = format!("{}/locales/{locale}.json", env!("CARGO_MANIFEST_DIR"));
    let value: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut out = BTreeSet::new();
    keys("", &value, &mut out);
    Ok((out, value))
}

#[test]
fn english_and_chinese_have_the_same_keys() -> Result<(), Box<dyn std::error::Error>> {
    let (en, _) = load("en")?;
    let (zh, _) = load("zh")?;
    let missing_in_zh: Vec<_> = en.difference(&zh).collect();
    let missing_in_en: Vec<_> = zh.difference(&en).collect();
    assert!(
        missing_in_zh.is_empty(),
        "keys missing in zh.json: {missing_in_zh:?}"
    );
    assert!(
        missing_in_en.is_empty(),
        "keys missing in en.json: {missing_in_en:?}"
    );
    Ok(())
}

#[test]
fn no_translation_is_empty() -> Result<(), Box<dyn std::error::Error>> {
    for locale in ["en", "zh"] {
        let (keys, value) = load(locale)?;
        for key in keys {
            let pointer = format!("/{}", key.replace('.', "/"));
            let text = value
                .pointer(&pointer)
                .and_then(Value::as_str)
                .unwrap_or_default();
            assert!(!text.trim().is_empty(), "{locale}.json: {key} is empty");
        }
    }
    Ok(())
}

#[test]
fn chinese_strings_are_translated_not_copied() -> Result<(), Box<dyn std::error::Error>> {
    // Keys whose text is the same in both languages on purpose.
    let same_on_purpose = ["app_name", "lang.en", "lang.zh"];
    // (none of the others may be left in English)
    let (keys, en) = load("en")?;
    let (_, zh) = load("zh")?;
    for key in keys
        .iter()
        .filter(|k| !same_on_purpose.contains(&k.as_str()))
    {
        let pointer = format!("/{}", key.replace('.', "/"));
        assert_ne!(
            en.pointer(&pointer),
            zh.pointer(&pointer),
            "zh.json: {key} is still English"
        );
    }
    Ok(())
}
