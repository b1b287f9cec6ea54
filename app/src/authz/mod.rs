//! What each server function requires, declared once beside the function
//! with [`authz!`](crate::authz!), in permissions the compiler checks. The
//! server's tests call every server function anonymously and as every
//! built-in role and compare the outcome with these declarations; a server
//! function without one fails those tests. (The service's own check is
//! what enforces access; this states it for the matrix test and readers.)

#[cfg(feature = "ssr")]
mod declared;

#[cfg(feature = "ssr")]
pub use declared::{require, server_fns, Access, ServerFnSpec, FORM, JSON};

/// Declares what the server function that follows requires:
/// `authz!("/api/orders/list", AnyOf(&[OrdersRead, OrdersReadAll]), JSON, "{…}")`.
/// The access is written with [`Access`]'s variants and
/// [`Permission`](tandem_domain::access::Permission)'s, both in scope inside the macro.
#[macro_export]
macro_rules! authz {
    ($path:literal, $access:expr, $content_type:ident, $sample:expr $(,)?) => {
        #[cfg(feature = "ssr")]
        inventory::submit! {
            $crate::authz::ServerFnSpec {
                path: $path,
                access: {
                    #[allow(unused_imports)]
                    use $crate::authz::Access::*;
                    #[allow(unused_imports)]
                    use tandem_domain::access::Permission::*;
                    $access
                },
                content_type: $crate::authz::$content_type,
                sample: $sample,
            }
        }
    };
}
