//! The knowledge base: articles written in Markdown, rendered to safe HTML
//! (pulldown-cmark to render, ammonia to keep only harmless markup), with
//! a category, tags and a language. Published articles are public at
//! `/help`; drafts are for holders of `knowledge.read`. Search and the
//! "related articles" suggestions score words of the query against
//! titles, tags and bodies. Anyone may search, so a query is held to
//! [`MAX_QUERY`] characters, [`MAX_QUERY_WORDS`] words of at most
//! [`MAX_QUERY_WORD`] characters, checked before any other work.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::json;

use crate::{
    access::audit::{self, Entry, Who},
    access::{policy, Actor, Permission},
    entities::articles,
    messages, Error, FieldErrors, Result,
};

/// Languages articles are written in.
pub const LANGUAGES: [&str; 2] = ["en", "zh"];
/// Longest body.
pub const MAX_BODY: usize = 50_000;
/// Longest search query, in characters.
pub const MAX_QUERY: usize = 200;
/// Most words in a search query.
pub const MAX_QUERY_WORDS: usize = 10;
/// Longest word of a search query, in characters.
pub const MAX_QUERY_WORD: usize = 50;
/// Longest category (and category filter), in characters.
pub const MAX_CATEGORY: usize = 100;
/// Most terms a search scores articles by (a run of Chinese characters
/// gives one term per pair of characters).
const MAX_SCORED_TERMS: usize = 20;
/// The part of a text the related-articles suggestion reads, in characters.
const RELATED_TEXT: usize = 2_000;

/// Markdown to HTML that is safe to insert into a page: no scripts, no
/// event handlers, no `javascript:` links; links get `rel="noopener
/// noreferrer"`.
pub fn render(markdown: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let parser = pulldown_cmark::Parser::new_ext(markdown, options);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::clean(&html)
}

/// What the article form sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleInput {
    /// Title.
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// Category.
    pub category: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `en` or `zh`.
    pub language: String,
    /// Visible at `/help`.
    pub published: bool,
}

struct Valid {
    title: String,
    body: String,
    category: String,
    tags: String,
}

fn validate(input: &ArticleInput) -> Result<Valid> {
    let mut errors = FieldErrors::new();
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        errors.insert("title".into(), messages::TITLE_REQUIRED.into());
    } else if title.chars().count() > 200 {
        errors.insert("title".into(), messages::MAX_200.into());
    }
    let body = input.body.trim().to_owned();
    if body.is_empty() {
        errors.insert("body".into(), messages::BODY_REQUIRED.into());
    } else if body.chars().count() > MAX_BODY {
        errors.insert("body".into(), messages::MAX_50000.into());
    }
    let category = input.category.trim().to_owned();
    if category.chars().count() > MAX_CATEGORY {
        errors.insert("category".into(), messages::MAX_100.into());
    }
    let tags = crate::platform::normalize::tag_list(&input.tags).unwrap_or_else(|| {
        errors.insert("tags".into(), messages::TAG_INVALID.into());
        String::new()
    });
    if !LANGUAGES.contains(&input.language.as_str()) {
        errors.insert("language".into(), messages::CHOICE_INVALID.into());
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Valid {
        title,
        body,
        category,
        tags,
    })
}

fn snapshot(a: &articles::Model) -> serde_json::Value {
    json!({"title": a.title, "category": a.category, "tags": a.tags, "language": a.language,
        "published": a.published, "body_chars": a.body.chars().count()})
}

/// Writes an article (`id` none: a new one). Needs `knowledge.write`.
pub async fn save(
    db: &impl crate::db::Tx,
    actor: &Actor,
    id: Option<i64>,
    input: &ArticleInput,
) -> Result<articles::Model> {
    let actor = policy::require(actor, Permission::KnowledgeWrite)?;
    let valid = validate(input)?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let before = match id {
        Some(id) => Some(
            articles::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(Error::NotFound)?,
        ),
        None => None,
    };
    let saved = match &before {
        Some(b) => {
            let mut row: articles::ActiveModel = b.clone().into();
            row.title = Set(valid.title);
            row.body = Set(valid.body);
            row.category = Set(valid.category);
            row.tags = Set(valid.tags);
            row.language = Set(input.language.clone());
            row.published = Set(input.published);
            row.updated_by = Set(Some(actor.user_id));
            row.updated_at = Set(now);
            row.update(&txn).await?
        }
        None => {
            articles::ActiveModel {
                title: Set(valid.title),
                body: Set(valid.body),
                category: Set(valid.category),
                tags: Set(valid.tags),
                language: Set(input.language.clone()),
                published: Set(input.published),
                created_by: Set(Some(actor.user_id)),
                updated_by: Set(Some(actor.user_id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let mut entry = Entry::new(
        if before.is_some() {
            "article.updated"
        } else {
            "article.created"
        },
        "article",
        Some(saved.id.to_string()),
    )
    .after(snapshot(&saved));
    if let Some(b) = &before {
        entry = entry.before(snapshot(b));
    }
    audit::record(&txn, Who::Actor(actor), entry).await?;
    txn.commit().await?;
    Ok(saved)
}

/// An article with its body rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleView {
    /// The article.
    pub article: articles::Model,
    /// Its body as safe HTML.
    pub html: String,
}

/// An article: published ones for anyone, drafts only with `knowledge.read`.
pub async fn get(db: &impl ConnectionTrait, actor: Option<&Actor>, id: i64) -> Result<ArticleView> {
    let article = articles::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(Error::NotFound)?;
    let staff = actor.is_some_and(|a| a.has(Permission::KnowledgeRead));
    if !article.published && !staff {
        return Err(Error::NotFound);
    }
    Ok(ArticleView {
        html: render(&article.body),
        article,
    })
}

/// Words of a text worth matching: lower-case runs of letters and digits
/// (two or more characters); runs of Chinese characters also give their
/// two-character pieces, since Chinese has no spaces.
fn terms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let lower = text.to_lowercase();
    for word in lower.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        let cjk = chars.iter().any(|c| ('\u{4e00}'..='\u{9fff}').contains(c));
        if cjk {
            for pair in chars.windows(2) {
                out.insert(pair.iter().collect());
            }
        } else if chars.len() >= 2 {
            out.insert(word.to_owned());
        }
    }
    out
}

/// Common English words that say nothing about the subject.
const STOP: [&str; 24] = [
    "the", "and", "for", "with", "this", "that", "you", "your", "have", "has", "was", "are", "not",
    "can", "but", "from", "our", "how", "what", "when", "why", "please", "hello", "thanks",
];

fn score(article: &articles::Model, terms: &BTreeSet<String>) -> i64 {
    let title = article.title.to_lowercase();
    let body = article.body.to_lowercase();
    let tags = article.tags.to_lowercase();
    let category = article.category.to_lowercase();
    terms
        .iter()
        .map(|t| {
            i64::from(title.contains(t.as_str())) * 4
                + i64::from(tags.contains(t.as_str()) || category.contains(t.as_str())) * 2
                + i64::from(body.contains(t.as_str()))
        })
        .sum()
}

/// One row of an article list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleRow {
    /// Key.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Category.
    pub category: String,
    /// Language.
    pub language: String,
    /// Published.
    pub published: bool,
    /// A plain-text start of the body.
    pub excerpt: String,
}

fn row(a: &articles::Model) -> ArticleRow {
    let plain: String = a
        .body
        .chars()
        .filter(|c| !matches!(c, '#' | '*' | '_' | '`' | '>' | '[' | ']'))
        .take(160)
        .collect();
    ArticleRow {
        id: a.id,
        title: a.title.clone(),
        category: a.category.clone(),
        language: a.language.clone(),
        published: a.published,
        excerpt: plain.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Refuses a search query the help centre will not run: more than
/// [`MAX_QUERY`] characters, more than [`MAX_QUERY_WORDS`] words (runs of
/// letters and digits), or a word of more than [`MAX_QUERY_WORD`]
/// characters. It reads at most `MAX_QUERY + 1` characters of the query,
/// so a hostile one is refused in microseconds, before any other work.
pub fn check_query(q: &str) -> Result<()> {
    let q = q.trim();
    if q.chars().nth(MAX_QUERY).is_some() {
        return Err(Error::field("q", messages::MAX_200));
    }
    let mut words = 0;
    for word in q.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        words += 1;
        if words > MAX_QUERY_WORDS {
            return Err(Error::field("q", messages::SEARCH_TOO_MANY_WORDS));
        }
        if word.chars().count() > MAX_QUERY_WORD {
            return Err(Error::field("q", messages::SEARCH_WORD_TOO_LONG));
        }
    }
    Ok(())
}

/// Articles matching a search (all when `q` is empty), best first; drafts
/// only for holders of `knowledge.read` who ask for them. The query is
/// checked first ([`check_query`]); so is the category filter's length.
pub async fn search(
    db: &impl ConnectionTrait,
    actor: Option<&Actor>,
    q: &str,
    category: &str,
    language: &str,
    drafts: bool,
) -> Result<Vec<ArticleRow>> {
    check_query(q)?;
    if category.chars().nth(MAX_CATEGORY).is_some() {
        return Err(Error::field("category", messages::MAX_100));
    }
    if drafts {
        let staff = actor.ok_or(Error::Unauthenticated)?;
        policy::require(staff, Permission::KnowledgeRead)?;
    }
    let mut query = articles::Entity::find();
    if !drafts {
        query = query.filter(articles::Column::Published.eq(true));
    }
    if !category.is_empty() {
        query = query.filter(articles::Column::Category.eq(category));
    }
    if LANGUAGES.contains(&language) {
        query = query.filter(articles::Column::Language.eq(language));
    }
    let all = query
        .order_by_asc(articles::Column::Category)
        .order_by_asc(articles::Column::Title)
        .all(db)
        .await?;
    let words: BTreeSet<String> = terms(q).into_iter().take(MAX_SCORED_TERMS).collect();
    if words.is_empty() {
        return Ok(all.iter().map(row).collect());
    }
    let mut scored: Vec<(i64, &articles::Model)> = all
        .iter()
        .map(|a| (score(a, &words), a))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.title.cmp(&b.1.title)));
    Ok(scored.into_iter().map(|(_, a)| row(a)).collect())
}

/// Published articles related to what someone is writing (a reply, the
/// public form), best first, at most `limit`. Only the first
/// `RELATED_TEXT` characters and 40 words of `text` are read, so however
/// long it is, the work is bounded.
pub async fn related(
    db: &impl ConnectionTrait,
    text: &str,
    limit: usize,
) -> Result<Vec<ArticleRow>> {
    let text: String = text.chars().take(RELATED_TEXT).collect();
    let words: BTreeSet<String> = terms(&text)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 || !w.is_ascii())
        .filter(|w| !STOP.contains(&w.as_str()))
        .take(40)
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let all = articles::Entity::find()
        .filter(articles::Column::Published.eq(true))
        .all(db)
        .await?;
    let mut scored: Vec<(i64, &articles::Model)> = all
        .iter()
        .map(|a| (score(a, &words), a))
        .filter(|(s, _)| *s >= 4)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    Ok(scored
        .into_iter()
        .take(limit)
        .map(|(_, a)| row(a))
        .collect())
}

/// The categories of published articles (all with `drafts`).
pub async fn categories(db: &impl ConnectionTrait, drafts: bool) -> Result<Vec<String>> {
    let mut query = articles::Entity::find();
    if !drafts {
        query = query.filter(articles::Column::Published.eq(true));
    }
    let set: BTreeSet<String> = query
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.category)
        .filter(|c| !c.is_empty())
        .collect();
    Ok(set.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_scripts_do_not() {
        let html = render("# Returns\n\nSend it **back** within [30 days](https://example.com).");
        assert!(html.contains("<h1>Returns</h1>"));
        assert!(html.contains("<strong>back</strong>"));
        assert!(html.contains("href=\"https://example.com\""));
        let evil = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))",
        );
        assert!(!evil.contains("<script"), "{evil}");
        assert!(!evil.contains("onerror"), "{evil}");
        assert!(!evil.contains("javascript:"), "{evil}");
    }

    #[test]
    fn terms_split_words_and_chinese_pairs() {
        let t = terms("Refund for order SO-1, 退货流程");
        assert!(t.contains("refund"));
        assert!(t.contains("order"));
        assert!(t.contains("退货"));
        assert!(t.contains("流程"));
        assert!(!t.contains("1"));
    }
}
