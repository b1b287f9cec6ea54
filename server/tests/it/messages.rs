//! Every message the domain can show a user has a translation in the app.

#[test]
fn every_domain_message_is_translated() {
    for message in tandem_domain::messages::ALL {
        let translated = tandem_app::messages::TRANSLATIONS
            .iter()
            .find(|(en, _)| en == message);
        let (_, zh) =
            translated.unwrap_or_else(|| panic!("no Chinese translation for {message:?}"));
        assert!(!zh.trim().is_empty() && zh != message, "{message:?}");
    }
}
