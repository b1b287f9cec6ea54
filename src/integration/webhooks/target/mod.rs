//! Where webhooks may go: public addresses only, unless the operator allows
//! a network (`TANDEM_WEBHOOK_ALLOW_NETS`). An endpoint's address is checked
//! when it is registered or changed ([`Targets::check`]: the URL's form, an
//! address written in it in any notation, names that stand for local
//! addresses) and again by the relay at every delivery, after the name is
//! resolved ([`Targets::allows`] on each resolved address), so a name that
//! later resolves elsewhere reaches nothing internal.

use std::{
    fmt,
    net::{IpAddr, Ipv4Addr, Ipv6Addr},
    str::FromStr,
};

use url::{Host, Url};

/// A network in CIDR notation (`10.1.0.0/16`, `fd00::/8`); a bare address
/// is the network of that one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

impl Net {
    /// The network of `addr`'s first `prefix` bits (host bits are cleared);
    /// `None` when the prefix is longer than the address.
    pub fn new(addr: IpAddr, prefix: u8) -> Option<Self> {
        let addr = match addr {
            IpAddr::V4(v4) if prefix <= 32 => {
                IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask_v4(prefix)))
            }
            IpAddr::V6(v6) if prefix <= 128 => {
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask_v6(prefix)))
            }
            _ => return None,
        };
        Some(Self { addr, prefix })
    }

    /// Whether `ip` lies in the network. An IPv4-mapped IPv6 address
    /// (`::ffff:10.1.0.9`) counts as its IPv4 address, so it is in IPv4
    /// networks only.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                u32::from(ip) & mask_v4(self.prefix) == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                u128::from(ip) & mask_v6(self.prefix) == u128::from(net)
            }
            _ => false,
        }
    }
}

impl FromStr for Net {
    type Err = String;

    /// `10.1.0.0/16`, `fd00::/8`, `127.0.0.1` (a network of one). Only the
    /// plain notations: no `127.1`, no octal or hex.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr.trim(), Some(prefix.trim())),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("{text:?} is not a network such as 10.1.0.0/16 or fd00::/8"))?;
        let full = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => full,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= full)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {full}"))?,
        };
        Self::new(addr, prefix).ok_or_else(|| format!("{text:?} is not a network"))
    }
}

impl fmt::Display for Net {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Why an address is refused as a webhook target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not an http(s) URL with a host (or unusable, e.g. port 0).
    Invalid,
    /// A user name or password in the URL.
    Credentials,
    /// A loopback, private, link-local, reserved or metadata address (or a
    /// name that stands for one) outside the allowed networks.
    Internal,
}

/// IPv4 networks that are not public (IANA special-purpose registry).
const INTERNAL_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network", 0.0.0.0
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // carrier-grade NAT (and Alibaba's metadata)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local, cloud metadata 169.254.169.254
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments (Oracle's metadata)
    ([192, 0, 2, 0], 24),    // documentation
    ([192, 88, 99, 0], 24),  // 6to4 relay
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation
    ([203, 0, 113, 0], 24),  // documentation
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, broadcast 255.255.255.255
];

/// Parts of the IPv6 global unicast range 2000::/3 that are not public.
const INTERNAL_V6: &[(u128, u8)] = &[
    (0x2001_0000_u128 << 96, 23), // IETF protocol assignments (Teredo, ORCHID, …)
    (0x2001_0db8_u128 << 96, 32), // documentation
    (0x2002_u128 << 112, 16),     // 6to4 (it embeds any IPv4 address)
    (0x3fff_u128 << 112, 20),     // documentation
];

fn public_v4(ip: Ipv4Addr) -> bool {
    let bits = u32::from(ip);
    !INTERNAL_V4
        .iter()
        .any(|(net, prefix)| bits & mask_v4(*prefix) == u32::from_be_bytes(*net))
}

/// Only global unicast (2000::/3) outside the special ranges counts; NAT64
/// (64:ff9b::/96, what DNS64 answers on IPv6-only hosts) counts as the
/// IPv4 address it embeds. Everything else (loopback, unspecified,
/// IPv4-compatible, unique local fc00::/7 with the metadata fd00:ec2::254,
/// link-local fe80::/10, site-local, multicast, discard) is internal.
fn public_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    if bits & mask_v6(96) == 0x0064_ff9b_u128 << 96 {
        // The last four bytes are the embedded IPv4 address.
        let [.., a, b, c, d] = ip.octets();
        return public_v4(Ipv4Addr::new(a, b, c, d));
    }
    bits & mask_v6(3) == 0x2_u128 << 124
        && !INTERNAL_V6
            .iter()
            .any(|(net, prefix)| bits & mask_v6(*prefix) == *net)
}

/// Whether `ip` is a public address (IPv4-mapped IPv6 as its IPv4 address).
pub fn is_public(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

/// The addresses a name stands for without asking DNS: `localhost` and its
/// subdomains (RFC 6761), the usual loopback aliases, the cloud metadata
/// name. `None` for any other name.
fn special_name(host: &str) -> Option<&'static [IpAddr]> {
    const LOOPBACK: &[IpAddr] = &[
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
    ];
    const METADATA: &[IpAddr] = &[IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254))];
    let host = host.trim_end_matches('.');
    if host == "localhost"
        || host.ends_with(".localhost")
        || host == "localhost.localdomain"
        || host == "ip6-localhost"
        || host == "ip6-loopback"
    {
        Some(LOOPBACK)
    } else if host == "metadata.google.internal" || host == "metadata.goog" {
        Some(METADATA)
    } else {
        None
    }
}

/// Which addresses webhooks may reach: public ones, and those in the
/// networks the operator allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Targets {
    allowed: Vec<Net>,
}

impl Targets {
    /// Public addresses only (the default).
    pub fn public_only() -> Self {
        Self::default()
    }

    /// Public addresses and those in `nets`.
    pub fn allowing(nets: Vec<Net>) -> Self {
        Self { allowed: nets }
    }

    /// The networks allowed besides the public addresses.
    pub fn allowed(&self) -> &[Net] {
        &self.allowed
    }

    /// Whether a webhook may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.allowed.iter().any(|net| net.contains(ip))
    }

    /// The parsed URL when `url` is an http(s) address without credentials
    /// whose host is allowed: an address written in it (any notation the
    /// URL standard reads: `2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`)
    /// must be allowed, and so must every address a special name such as
    /// `localhost` stands for. Other names are checked when resolved.
    pub fn check(&self, url: &str) -> Result<Url, Refusal> {
        let parsed = Url::parse(url.trim()).map_err(|_| Refusal::Invalid)?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.port() == Some(0) {
            return Err(Refusal::Invalid);
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Refusal::Credentials);
        }
        let allowed = match parsed.host() {
            Some(Host::Ipv4(v4)) => self.allows(IpAddr::V4(v4)),
            Some(Host::Ipv6(v6)) => self.allows(IpAddr::V6(v6)),
            Some(Host::Domain(name)) if !name.is_empty() => {
                special_name(name).is_none_or(|addrs| addrs.iter().all(|ip| self.allows(*ip)))
            }
            _ => return Err(Refusal::Invalid),
        };
        if allowed {
            Ok(parsed)
        } else {
            Err(Refusal::Internal)
        }
    }
}

#[cfg(test)]
mod tests;
