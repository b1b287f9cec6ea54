//! The address a page reads: a record's id from the route, a list's
//! filters and page from the query, and links to the list's other pages.

use leptos::prelude::*;
use leptos_router::{
    hooks::{use_params_map, use_query_map},
    params::ParamsMap,
};

/// A query parameter, `None` when absent or empty.
pub fn param(query: &ParamsMap, key: &str) -> Option<String> {
    query.get(key).filter(|v| !v.is_empty())
}

/// `?k=v&…` from the non-empty pairs, URL-encoded.
pub fn query_string(pairs: &[(&str, Option<String>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::auth::encode_component(v)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The `:id` of the route (0 when it is missing or not a number, which no
/// record has).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// The query of a list page's address: its filters and its page. Reads
/// are tracked, so a resource keyed on them reloads when the address
/// changes.
#[derive(Clone, Copy)]
pub struct ListQuery(Memo<ParamsMap>);

/// The current page's [`ListQuery`].
pub fn use_list_query() -> ListQuery {
    ListQuery(use_query_map())
}

impl ListQuery {
    /// A parameter, `None` when absent or empty.
    pub fn get(self, key: &str) -> Option<String> {
        param(&self.0.read(), key)
    }

    /// A parameter holding a record's id.
    pub fn id(self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.parse().ok())
    }

    /// The page asked for, from 1.
    pub fn page(self) -> u64 {
        self.get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    }

    /// The address of page `target` of the list at `path`, keeping the
    /// filters named in `keys`.
    pub fn link(self, path: &str, keys: &[&str], target: u64) -> String {
        let mut pairs: Vec<(&str, Option<String>)> =
            keys.iter().map(|k| (*k, self.get(k))).collect();
        pairs.push(("page", Some(target.to_string())));
        format!("{path}{}", query_string(&pairs))
    }

    /// [`ListQuery::link`] as the [`Pager`](super::Pager)'s `link`.
    pub fn pager(self, path: &'static str, keys: &'static [&'static str]) -> Callback<u64, String> {
        Callback::new(move |target: u64| self.link(path, keys, target))
    }
}
