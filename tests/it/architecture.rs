//! The areas of `src/` depend one way: an area uses only the areas declared
//! below it in [`LAYERS`]; demo seeding and test support sit beside them.
//! Reads every `.rs` file under `src/`, finds each path into the crate
//! (`crate::…` and `super::…`, in `use` trees and in code, outside comments
//! and string literals) and checks it against the declared order. A strict
//! order has no cycles, so this also proves there is none between areas.

use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// Lowest first: an area may use those before it, never those after it.
const LAYERS: &[&str] = &[
    // The foundation: no business knowledge.
    "messages",
    "error",
    "money",
    "parse",
    "db",
    "entities",
    // The areas, as in the README's layout table.
    "platform",
    "access",
    "crm",
    "inventory",
    "sales",
    "purchasing",
    "billing",
    "service",
    "analytics",
    "integration",
];

/// Beside the areas: they may use every area; no area uses them.
const BESIDE: &[&str] = &["lib", "testing", "demo"];

/// Wrong-way edges (from, to) still being broken. It only shrinks: an entry
/// that no longer occurs fails the test too. Empty when the work is done.
const NOT_YET: &[(&str, &str)] = &[];

fn rank(area: &str) -> Option<usize> {
    LAYERS.iter().position(|a| *a == area)
}

#[test]
fn areas_depend_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut wrong, mut used, mut graph) = (Vec::new(), BTreeSet::new(), BTreeSet::new());
    for file in rust_files(&src) {
        let module = module_path(&src, &file);
        let from = module[0].clone();
        assert!(
            rank(&from).is_some() || BESIDE.contains(&from.as_str()),
            "src/{from}: declare the new area in LAYERS (tests/it/architecture.rs)"
        );
        let text = code_only(&fs::read_to_string(&file).expect("readable source"));
        for (line, path) in crate_paths(&text) {
            let Some(to) = resolve(&module, &path) else {
                continue;
            };
            let is_module = src.join(&to).is_dir() || src.join(format!("{to}.rs")).is_file();
            if to == from || !is_module {
                continue; // its own area, or an item of lib.rs (`crate::Error`)
            }
            graph.insert((from.clone(), to.clone()));
            let ok = match (rank(&from), rank(&to)) {
                (Some(a), Some(b)) => b < a,
                (None, Some(_)) => true,
                (_, None) => from == "testing" && to == "demo",
            };
            if !ok {
                used.insert((from.clone(), to.clone()));
                if !NOT_YET.contains(&(from.as_str(), to.as_str())) {
                    let at = file.strip_prefix(&src).expect("under src").display();
                    wrong.push(format!(
                        "src/{at}:{line}: {from} -> {to} ({})",
                        path.join("::")
                    ));
                }
            }
        }
    }
    // The area graph, for the closing note (`-- --nocapture`).
    for (from, to) in &graph {
        eprintln!("{from} -> {to}");
    }
    let stale: Vec<_> = NOT_YET
        .iter()
        .filter(|(a, b)| !used.contains(&(a.to_string(), b.to_string())))
        .collect();
    assert!(
        stale.is_empty(),
        "remove from NOT_YET, these no longer occur: {stale:?}"
    );
    assert!(
        wrong.is_empty(),
        "areas used the wrong way:\n{}",
        wrong.join("\n")
    );
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// `src/sales/orders/mod.rs` → `[sales, orders]`; `src/db.rs` → `[db]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    if parts.len() > 1 && parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The area a path names, resolving `super` from the file's own module
/// (`super::x` in `sales/pricing.rs` is `sales::x`); `None` for `self::`.
fn resolve(module: &[String], path: &[String]) -> Option<String> {
    match path.first()?.as_str() {
        "crate" => path.get(1).cloned(),
        "super" => {
            let mut base = module.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|p| p == "super") {
                base.pop();
                rest = &rest[1..];
            }
            base.first().or(rest.first()).cloned()
        }
        _ => None,
    }
}

/// The source with comments and string and char literals blanked, lines kept.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let (mut out, mut i) = (String::with_capacity(b.len()), 0);
    let blank = |out: &mut String, s: &[u8]| {
        out.extend(s.iter().map(|&c| if c == b'\n' { '\n' } else { ' ' }))
    };
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"//") {
            rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len())
        } else if rest.starts_with(b"/*") {
            let (mut depth, mut j) = (0, 0);
            loop {
                if j >= rest.len() {
                    break rest.len();
                }
                if rest[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2
                } else if rest[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break j;
                    }
                } else {
                    j += 1
                }
            }
        } else if rest[0] == b'"'
            || (rest.starts_with(b"r#") || rest.starts_with(b"r\""))
                && !(i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let hashes = if rest[0] == b'r' {
                rest[1..].iter().take_while(|&&c| c == b'#').count()
            } else {
                0
            };
            let raw = rest[0] == b'r';
            let mut j = if raw { 2 + hashes } else { 1 };
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            while j < rest.len() && !rest[j..].starts_with(&close) {
                j += if !raw && rest[j] == b'\\' { 2 } else { 1 };
            }
            (j + close.len()).min(rest.len())
        } else if rest[0] == b'\'' && rest.len() > 2 && (rest[2] == b'\'' || rest[1] == b'\\') {
            rest[1..]
                .iter()
                .skip(1)
                .position(|&c| c == b'\'')
                .map_or(1, |p| p + 3)
        } else {
            out.push(rest[0] as char);
            i += 1;
            continue;
        };
        blank(&mut out, &rest[..end]);
        i += end;
    }
    out
}

/// Every `crate::…`/`super::…` path with its line, brace groups expanded.
fn crate_paths(code: &str) -> Vec<(usize, Vec<String>)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let word = |kw: &str| code[i..].starts_with(kw) && code[i + kw.len()..].starts_with("::");
        let boundary =
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b':');
        if boundary && (word("crate") || word("super")) {
            let end = tree_end(code, i);
            let line = code[..i].matches('\n').count() + 1;
            for p in expand(&code[i..end]) {
                out.push((
                    line,
                    p.split("::")
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect(),
                ));
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Where the path (or use tree) starting at `start` ends.
fn tree_end(code: &str, start: usize) -> usize {
    let (b, mut i, mut depth) = (code.as_bytes(), start, 0);
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            c if depth == 0 && !(c.is_ascii_alphanumeric() || c == b'_' || c == b':') => break,
            _ => {}
        }
        i += 1;
    }
    i
}

/// `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e` (`self` is the prefix).
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or(tree).trim().to_owned()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut items, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for c in body.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    items.push(cur);
    items
        .iter()
        .filter(|s| !s.trim().is_empty())
        .flat_map(|item| {
            expand(item).into_iter().map(|sub| {
                if sub == "self" {
                    prefix.to_owned()
                } else {
                    format!("{prefix}::{sub}")
                }
            })
        })
        .collect()
}

/// Each aggregate's tables and the one area that writes them. Other areas
/// read them, or ask the owner through its functions
/// (`sales::orders::settle`, `billing::invoices::link_ticket`, …).
const OWNERS: &[(&str, &str)] = &[
    ("sales_orders", "sales"),
    ("sales_order_lines", "sales"),
    ("shipments", "sales"),
    ("shipment_lines", "sales"),
    ("invoices", "billing"),
    ("invoice_lines", "billing"),
    ("payments", "billing"),
    ("credit_notes", "billing"),
    ("tickets", "service"),
    ("ticket_returns", "service"),
    ("stock_levels", "inventory"),
    ("stock_moves", "inventory"),
    ("products", "inventory"),
    ("customers", "crm"),
    ("contacts", "crm"),
    ("leads", "crm"),
    ("opportunities", "crm"),
    ("purchase_orders", "purchasing"),
    ("purchase_order_lines", "purchasing"),
    ("suppliers", "purchasing"),
    ("users", "access"),
    ("roles", "access"),
];

/// Writes to an aggregate's tables (`<table>::ActiveModel`,
/// `<table>::Entity::update_many()`, `insert`, `delete…`) happen only in the
/// area that owns it, so that one area decides each state change. Demo
/// seeding and the backup's restore (which writes every table as rows of
/// text) sit beside the areas.
#[test]
fn only_the_owning_area_writes_an_aggregate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for file in rust_files(&src) {
        let module = module_path(&src, &file);
        let area = module[0].as_str();
        if BESIDE.contains(&area) || area == "entities" {
            continue;
        }
        let text = code_only(&fs::read_to_string(&file).expect("readable source"));
        for (n, line) in text.lines().enumerate() {
            for (table, owner) in OWNERS {
                let writes = [
                    "::ActiveModel",
                    "::Entity::update",
                    "::Entity::insert",
                    "::Entity::delete",
                ]
                .iter()
                .any(|w| contains_word_then(line, table, w));
                if writes && area != *owner {
                    let at = file.strip_prefix(&src).expect("under src").display();
                    wrong.push(format!(
                        "src/{at}:{}: {area} writes {table}, which {owner} owns",
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "aggregates written outside their area:\n{}",
        wrong.join("\n")
    );
}

/// Whether `line` holds `word` (not as the tail of a longer name) directly
/// followed by `then`.
fn contains_word_then(line: &str, word: &str, then: &str) -> bool {
    let needle = format!("{word}{then}");
    line.match_indices(&needle).any(|(at, _)| {
        !line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}
