//! Generates the `i18n` module from `locales/*.json` (leptos_i18n).

use std::{error::Error, path::PathBuf};

use leptos_i18n_build::{Config, TranslationsInfos};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=Cargo.toml");
    let out_dir = std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?;
    let i18n_dir = PathBuf::from(out_dir).join("i18n");
    let config = Config::new("en")?.add_locale("zh")?;
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations.generate_i18n_module(i18n_dir)?;
    Ok(())
}
