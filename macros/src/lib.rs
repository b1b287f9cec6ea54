//! `#[db_test]`: a database test, once per engine.
//!
//! ```ignore
//! #[db_test]
//! async fn a_quote_reserves_nothing() -> TestResult { … }
//! ```
//!
//! becomes `a_quote_reserves_nothing_on_sqlite` and
//! `a_quote_reserves_nothing_on_postgres`, two `#[tokio::test]`s that run the
//! same body with [`tandem_domain::testing::on`] choosing the engine every
//! `TestDb` of the body is opened on. `#[db_test(postgres)]` makes only
//! that engine's test, and then the function's name must say so (`…_postgres…`),
//! so that a test meant for one engine never passes silently on the other.
//! Any other argument (`flavor = "multi_thread"`) goes to `tokio::test`.

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use syn::{parse_macro_input, punctuated::Punctuated, ItemFn, Meta, Token};

const ENGINES: [(&str, &str); 2] = [("sqlite", "Sqlite"), ("postgres", "Postgres")];

/// One `#[tokio::test]` per database engine (see the crate's documentation).
#[proc_macro_attribute]
pub fn db_test(args: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(args with Punctuated::<Meta, Token![,]>::parse_terminated);
    let test = parse_macro_input!(item as ItemFn);
    let mut chosen = Vec::new();
    let mut passed = Vec::new();
    for arg in args {
        match ENGINES.iter().find(|(name, _)| arg.path().is_ident(name)) {
            Some(engine) if matches!(arg, Meta::Path(_)) => chosen.push(*engine),
            _ => passed.push(arg),
        }
    }
    let name = &test.sig.ident;
    if chosen.is_empty() {
        chosen = ENGINES.to_vec();
    } else if chosen.len() == 1 && !name.to_string().contains(chosen[0].0) {
        let message = format!(
            "a test for {} only must say so in its name (`…_{}`)",
            chosen[0].0, chosen[0].0
        );
        return syn::Error::new_spanned(name, message)
            .to_compile_error()
            .into();
    }
    let (attrs, vis, body) = (&test.attrs, &test.vis, &test.block);
    let several = chosen.len() > 1;
    let passed_args = quote!(#(#passed),*);
    let tests = chosen.iter().map(|(engine, variant)| {
        let mut sig = test.sig.clone();
        if several {
            sig.ident = format_ident!("{}_on_{}", name, engine);
        }
        let variant = format_ident!("{}", variant);
        quote! {
            #(#attrs)*
            #[::tokio::test(#passed_args)]
            #vis #sig {
                ::tandem_domain::testing::on(
                    ::tandem_domain::testing::Engine::#variant,
                    async move #body,
                )
                .await
            }
        }
    });
    quote!(#(#tests)*).into()
}
