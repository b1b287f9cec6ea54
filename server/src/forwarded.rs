//! The client's address behind reverse proxies. The TCP peer is the client
//! unless the operator trusts it as a proxy (`TANDEM_TRUSTED_PROXIES`);
//! then `X-Forwarded-For` is read from the right, one hop per trusted
//! proxy, and the first address not trusted is the client. Everything that
//! counts or records client addresses (rate limits, sign-in throttling, the
//! audit log, sessions) gets it from [`client_ip`], through
//! `session::request_meta`.

use std::{net::IpAddr, sync::Arc};

use axum::http::HeaderName;
use tandem_domain::integration::webhooks::Net;

/// The header proxies append the address they were reached from to.
pub const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
/// Most `X-Forwarded-For` entries looked at, counted from the right.
pub const MAX_HOPS: usize = 32;
/// Longest `X-Forwarded-For` read, in bytes, all its headers together;
/// longer ones are ignored (the client is then the nearest proxy).
pub const MAX_HEADER_BYTES: usize = 4096;

/// The networks of the reverse proxies whose `X-Forwarded-For` is believed;
/// none by default. The router puts them into every request, where
/// `session::request_meta` finds them.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<Net>>);

impl TrustedProxies {
    /// These networks.
    pub fn new(nets: Vec<Net>) -> Self {
        Self(Arc::new(nets))
    }

    /// The networks, for [`client_ip`].
    pub fn nets(&self) -> &[Net] {
        &self.0
    }
}

/// The client of a request that arrived from `peer` with these
/// `X-Forwarded-For` values (in the order received): starting from the
/// peer, while the current address lies in a `trusted` network, step to the
/// next entry from the right; the first address not trusted is the client.
///
/// Without trusted networks, or from a peer not trusted, the header is not
/// read at all, so a client writing its own gains nothing. A malformed
/// entry stops the walk at the last good address; so do more than
/// [`MAX_HOPS`] entries. A header longer than [`MAX_HEADER_BYTES`] is
/// ignored. IPv4-mapped IPv6 addresses count as their IPv4 address.
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a [u8]>,
    trusted: &[Net],
) -> IpAddr {
    let trusts = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer.to_canonical();
    if !trusts(peer) {
        return peer;
    }
    let mut values = Vec::new();
    let mut length = 0;
    for value in forwarded_for {
        // Counts the comma that joins two values, as one header would have.
        length += value.len() + usize::from(!values.is_empty());
        if length > MAX_HEADER_BYTES {
            return peer;
        }
        values.push(value);
    }
    let entries = values
        .into_iter()
        .rev()
        .flat_map(|value| value.rsplit(|byte| *byte == b','))
        .take(MAX_HOPS);
    let mut client = peer;
    for entry in entries {
        if !trusts(client) {
            break;
        }
        match parse_entry(entry) {
            Some(ip) => client = ip,
            None => break,
        }
    }
    client
}

/// One entry: a bare IPv4 or IPv6 address, blanks around it allowed.
fn parse_entry(entry: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(entry).ok()?.trim();
    text.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client of a request from `peer` with `headers`, trusting `nets`
    /// (comma-separated), as text.
    fn client(peer: &str, headers: &[&str], nets: &str) -> String {
        let nets: Vec<Net> = nets
            .split(',')
            .filter(|n| !n.is_empty())
            .map(|n| n.parse::<Net>().unwrap_or_else(|e| panic!("{e}")))
            .collect();
        let peer: IpAddr = peer
            .parse::<IpAddr>()
            .unwrap_or_else(|e| panic!("{peer}: {e}"));
        client_ip(peer, headers.iter().map(|h| h.as_bytes()), &nets).to_string()
    }

    #[test]
    fn the_forwarded_client_is_believed_only_from_trusted_proxies() {
        let proxies = "10.0.0.0/8,fd00::/8";
        let long = format!("{}, 198.51.100.7", "203.0.113.1, ".repeat(400));
        let many = (0..40)
            .map(|i| format!("10.0.1.{i}"))
            .collect::<Vec<_>>()
            .join(",");
        let cases: &[(&str, &[&str], &str, &str)] = &[
            // No proxies configured: a forged header is ignored.
            ("203.0.113.9", &["1.2.3.4"], "", "203.0.113.9"),
            ("10.0.0.1", &["1.2.3.4"], "", "10.0.0.1"),
            // A peer that is not a trusted proxy: ignored too.
            ("203.0.113.9", &["1.2.3.4"], proxies, "203.0.113.9"),
            // One trusted proxy.
            ("10.0.0.1", &["1.2.3.4"], proxies, "1.2.3.4"),
            (
                "10.0.0.1",
                &["  198.51.100.1 ,  1.2.3.4  "],
                proxies,
                "1.2.3.4",
            ),
            // Two trusted proxies; what the client wrote itself is left of them.
            (
                "10.0.0.1",
                &["6.6.6.6, 1.2.3.4, 10.0.0.2"],
                proxies,
                "1.2.3.4",
            ),
            // Several headers count as one, joined in order.
            (
                "10.0.0.1",
                &["6.6.6.6, 1.2.3.4", "10.0.0.2"],
                proxies,
                "1.2.3.4",
            ),
            // An untrusted hop in the middle is the client: nothing left of it counts.
            (
                "10.0.0.1",
                &["10.0.0.5, 198.51.100.2, 10.0.0.2"],
                proxies,
                "198.51.100.2",
            ),
            // Garbage stops the walk at the last good address.
            ("10.0.0.1", &["1.2.3.4, garbage"], proxies, "10.0.0.1"),
            ("10.0.0.1", &["garbage, 10.0.0.2"], proxies, "10.0.0.2"),
            ("10.0.0.1", &["1.2.3.4, 10.0.0.2, "], proxies, "10.0.0.1"),
            ("10.0.0.1", &[""], proxies, "10.0.0.1"),
            ("10.0.0.1", &["1.2.3.4:5678"], proxies, "10.0.0.1"),
            ("10.0.0.1", &["[2001:db8::1]"], proxies, "10.0.0.1"),
            ("10.0.0.1", &["unknown"], proxies, "10.0.0.1"),
            ("10.0.0.1", &["1.2.3.4\u{0}"], proxies, "10.0.0.1"),
            // No header at all: the proxy itself.
            ("10.0.0.1", &[], proxies, "10.0.0.1"),
            // IPv6 proxies and clients.
            ("fd00::1", &["2001:db8::7"], proxies, "2001:db8::7"),
            ("fd00::1", &["2001:db8::7, fd00::2"], proxies, "2001:db8::7"),
            ("fd00::1", &["1.2.3.4"], proxies, "1.2.3.4"),
            ("2001:db8::1", &["1.2.3.4"], proxies, "2001:db8::1"),
            // An IPv4-mapped peer (a dual-stack listener) is its IPv4 address,
            // and so is a mapped entry.
            ("::ffff:10.0.0.1", &["1.2.3.4"], proxies, "1.2.3.4"),
            ("::ffff:203.0.113.9", &["1.2.3.4"], proxies, "203.0.113.9"),
            ("::ffff:203.0.113.9", &[], "", "203.0.113.9"),
            ("10.0.0.1", &["::ffff:1.2.3.4"], proxies, "1.2.3.4"),
            // At most MAX_HOPS entries are looked at.
            ("10.0.0.1", &[many.as_str()], proxies, "10.0.1.8"),
            // An oversized header is ignored, alone or in parts.
            ("10.0.0.1", &[long.as_str()], proxies, "10.0.0.1"),
            (
                "10.0.0.1",
                &[long.as_str(), "198.51.100.8"],
                proxies,
                "10.0.0.1",
            ),
        ];
        for (peer, headers, nets, expected) in cases {
            assert_eq!(
                client(peer, headers, nets),
                *expected,
                "peer {peer}, X-Forwarded-For {headers:?}, trusting {nets:?}"
            );
        }
    }

    #[test]
    fn a_header_of_exactly_the_limit_is_read() {
        let client_entry = "198.51.100.9";
        let filler = "1".repeat(MAX_HEADER_BYTES - client_entry.len() - 1);
        let header = format!("{filler},{client_entry}");
        assert_eq!(header.len(), MAX_HEADER_BYTES);
        assert_eq!(
            client("10.0.0.1", &[header.as_str()], "10.0.0.0/8"),
            client_entry
        );
        let over = format!("1{header}");
        assert_eq!(
            client("10.0.0.1", &[over.as_str()], "10.0.0.0/8"),
            "10.0.0.1"
        );
    }
}
