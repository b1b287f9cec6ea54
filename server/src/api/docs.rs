//! The OpenAPI 3.1 document and the page that shows it.
//!
//! Each handler's annotation gives its path, parameters, body and success
//! answer (and a 404 when its body names a record the server looks up);
//! [`finish`] adds what every operation shares, by the operation's kind, so
//! no operation can forget it: the bearer token, the problem answers (by
//! `applies`) and, on writes, the `Idempotency-Key` header. A test drives
//! every operation into each of these answers and checks that every status
//! it sees is documented.

use axum::{
    http::{header, HeaderValue},
    Router,
};
use tandem_app::ssr::AppState;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::{
    openapi::{
        path::{Operation, Parameter, ParameterBuilder, ParameterIn},
        response::ResponseBuilder,
        security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
        Content, ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Required, Type,
    },
    OpenApi as _,
};
use utoipa_swagger_ui::SwaggerUi;

use super::{problem::Problem, BASE};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Tandem API",
        description = "Tandem's ERP and CRM for other systems. Authenticate with an API token \
            (`Authorization: Bearer tdm_…`), created by an administrator on the admin page or \
            with `tandem token create`; a token acts as its owner with the permissions it was \
            given, never more than the owner holds. Lists return `data` in id order and a \
            `next_cursor` to pass as `after`. Errors are `application/problem+json`, with \
            `errors` naming the invalid fields. Money is an integer count of minor units with \
            an ISO currency code. A write answers with the record it wrote (with its lines), \
            the same whatever the token may read: a token that may write but not read a record \
            never gets a 403 for a change that was made. Write requests may send an \
            `Idempotency-Key`: a repeat with the same key and request answers as the first time \
            (with `Idempotent-Replayed: true`) and changes nothing again; keys are kept for 24 \
            hours, per token.",
        version = "1"
    ),
    servers((url = "/api/v1", description = "This server")),
    components(schemas(Problem)),
    tags(
        (name = "customers", description = "Customers and their contacts"),
        (name = "products", description = "Products and prices"),
        (name = "stock", description = "Stock levels, moves and adjustments"),
        (name = "orders", description = "Quotes and sales orders"),
        (name = "tickets", description = "Service tickets"),
        (name = "leads", description = "Leads: people who may become customers"),
        (name = "opportunities", description = "Opportunities in the sales pipeline"),
        (name = "activities", description = "Calls, emails, meetings, tasks and notes"),
        (name = "shipments", description = "Shipments of orders"),
        (name = "invoices", description = "Invoices and the payments against them"),
        (name = "purchasing", description = "Purchase orders to suppliers"),
    )
)]
struct Base;

/// The document's fixed part, before the routes are added.
pub fn base() -> OpenApi {
    Base::openapi()
}

const PROBLEMS: [(&str, &str, &str); 10] = [
    ("400", "BadRequest", "Malformed request: unreadable JSON, a bad cursor or parameter"),
    ("401", "Unauthorized", "No valid API token (missing, unknown, revoked or expired)"),
    ("403", "Forbidden", "The token or its owner lacks the permission"),
    ("404", "NotFound", "No such record, or not in the owner's scope"),
    ("409", "Conflict", "Refused by the record's state (an illegal transition, a duplicate), or a request with the same Idempotency-Key still running"),
    ("413", "TooLarge", "The request body is larger than 2 MiB"),
    ("415", "UnsupportedMediaType", "The body is not sent as `Content-Type: application/json`"),
    ("422", "Invalid", "Invalid fields (or Idempotency-Key); nothing was changed"),
    ("429", "TooManyRequests", "Too many requests; see Retry-After"),
    ("500", "ServerError", "A failure on the server (logged)"),
];

/// The answer of the server's request time limit, to any operation.
const TIMEOUT: &str = "Timeout";

/// What an operation is, as far as the answers it can give go.
#[derive(Clone, Copy, Debug)]
struct Kind {
    /// Its path names a record (`/orders/{id}`).
    names_record: bool,
    /// It changes something (any method but GET).
    writes: bool,
    /// It reads a JSON body.
    has_body: bool,
    /// It reads query parameters.
    has_query: bool,
}

/// Whether an operation of `kind` can answer the problem `status`.
fn applies(status: &str, kind: Kind) -> bool {
    match status {
        // Unreadable JSON, or a query parameter of the wrong type.
        "400" => kind.has_body || kind.has_query,
        // A record named in the body is declared by its handler.
        "404" => kind.names_record,
        // A refused transition or duplicate; the same key still running.
        "409" => kind.writes,
        // A body too large to read (any write: a keyed one is read whole).
        "413" => kind.writes,
        "415" => kind.has_body,
        // Invalid fields or Idempotency-Key; a list's filters.
        "422" => kind.writes || kind.has_query,
        // 401, 403, 429 (a limit) and 500 can meet any request.
        _ => true,
    }
}

/// A problem body (`application/problem+json`).
fn problem_content() -> RefOr<Content> {
    RefOr::T(
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    let mut response = ResponseBuilder::new().description(description).build();
    response
        .content
        .insert(super::problem::PROBLEM_JSON.to_owned(), problem_content());
    response.into()
}

fn idempotency_key() -> Parameter {
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the same key with the same request answers as the first \
             time and changes nothing again. 1–200 visible ASCII characters; kept 24 hours.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(200)),
        ))
        .build()
}

/// Adds what every operation shares (see the module's note).
pub fn finish(mut doc: OpenApi) -> OpenApi {
    // utoipa copies the crate's license field, empty here: an invalid
    // license object. The API declares none.
    doc.info.license = None;
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "token",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("tdm_<prefix>_<secret>")
                .build(),
        ),
    );
    for (_, name, description) in PROBLEMS {
        components
            .responses
            .insert(name.to_owned(), problem_response(description));
    }
    components.responses.insert(
        TIMEOUT.to_owned(),
        ResponseBuilder::new()
            .description(
                "The request took longer than the server allows (no body). A write may still \
                 complete: retry it with the same Idempotency-Key to learn its answer.",
            )
            .build()
            .into(),
    );
    doc.security = Some(vec![SecurityRequirement::new(
        "token",
        Vec::<String>::new(),
    )]);
    for (path, item) in doc.paths.paths.iter_mut() {
        let names_record = path.contains('{');
        let operations: [(&mut Option<Operation>, bool); 5] = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.put, true),
            (&mut item.patch, true),
            (&mut item.delete, true),
        ];
        for (operation, writes) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            // Handler names repeat across resources (`list`, `get`): the
            // tag (the resource) makes each operation id unique.
            if let (Some(tag), Some(id)) = (
                operation.tags.as_ref().and_then(|t| t.first()),
                operation.operation_id.as_mut(),
            ) {
                *id = format!("{tag}_{id}");
            }
            let kind = Kind {
                names_record,
                writes,
                has_body: operation.request_body.is_some(),
                has_query: operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query)),
            };
            for (status, name, _) in PROBLEMS {
                let responses = &mut operation.responses.responses;
                match responses.get_mut(status) {
                    // Declared by the handler (a 404 for a record its body
                    // names): its description, the problem body.
                    Some(RefOr::T(declared)) if declared.content.is_empty() => {
                        declared
                            .content
                            .insert(super::problem::PROBLEM_JSON.to_owned(), problem_content());
                    }
                    Some(_) => {}
                    None if applies(status, kind) => {
                        responses
                            .insert(status.to_owned(), RefOr::Ref(Ref::from_response_name(name)));
                    }
                    None => {}
                }
            }
            operation
                .responses
                .responses
                .entry("408".to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(TIMEOUT)));
            if writes {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(idempotency_key().into());
            }
        }
    }
    doc
}

/// The CSP of the documentation page: the bundled Swagger UI sets inline styles.
const DOCS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// `/api/v1/openapi.json` and the Swagger UI at `/api/v1/docs/`.
pub fn router(doc: OpenApi) -> Router<AppState> {
    let ui: Router<AppState> = SwaggerUi::new(format!("{BASE}/docs"))
        .url(format!("{BASE}/openapi.json"), doc)
        .into();
    ui.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    ))
}
