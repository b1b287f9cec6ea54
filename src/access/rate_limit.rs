//! Per-address rate limits for everything anyone may call without signing
//! in: sign-in, the help centre (search, categories, related articles,
//! articles), the support form and the satisfaction page. One helper, one
//! key (the client address as the server saw it, `unknown` when it did not
//! see one), a few buckets with their own quotas; every anonymous server
//! function asks [`PublicLimits::check`] before it does any other work.
//!
//! The limiter is the `governor` crate's keyed GCRA: a burst per address,
//! refilled evenly over the period, kept in memory (a restart forgets it).

use std::{num::NonZeroU32, time::Duration};

use governor::{clock::Clock as _, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{
    access::{Actor, RequestMeta},
    Error, Result,
};

/// Addresses remembered before stale ones are swept out.
const MAX_TRACKED: usize = 100_000;
/// Checks between two sweeps once the map is over [`MAX_TRACKED`], so a
/// flood of addresses does not make every request scan the whole map.
const SWEEP_EVERY: u32 = 1_000;

/// Attempts per client address: a burst, refilled one per `period / burst`.
pub struct Limiter {
    /// `None`: no limit (tests and tools that call anonymously many times).
    inner: Option<DefaultKeyedRateLimiter<String>>,
    /// Checks since the last sweep.
    since_sweep: std::sync::atomic::AtomicU32,
}

/// The key one client is counted under: an IPv4 address as it is, an IPv6
/// address by its /64 (one subscriber gets a whole /64, so counting single
/// addresses would let them take a new allowance per request), anything
/// else as it is.
pub fn client_key(addr: &str) -> String {
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(ip) => ip.to_string(),
        Err(_) => addr.to_owned(),
    }
}

impl Limiter {
    /// `burst` attempts per `period` for each client address.
    pub fn new(burst: u32, period: Duration) -> Self {
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let every = period / burst.get();
        let quota = Quota::with_period(every.max(Duration::from_millis(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            inner: Some(RateLimiter::keyed(quota)),
            since_sweep: Default::default(),
        }
    }

    /// No limit at all.
    pub fn off() -> Self {
        Self {
            inner: None,
            since_sweep: Default::default(),
        }
    }

    /// The support form's limit: 5 submissions per 10 minutes per address.
    pub fn standard() -> Self {
        Self::new(5, Duration::from_secs(600))
    }

    /// Counts an attempt from `client`; refused when over the limit.
    pub fn check(&self, client: &str) -> Result<()> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        if inner.len() > MAX_TRACKED {
            use std::sync::atomic::Ordering;
            if self
                .since_sweep
                .fetch_add(1, Ordering::Relaxed)
                .is_multiple_of(SWEEP_EVERY)
            {
                inner.retain_recent();
            }
        }
        match inner.check_key(&client_key(client)) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
                Err(Error::RateLimited {
                    retry_after_secs: wait.as_secs().max(1),
                })
            }
        }
    }
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("addresses", &self.inner.as_ref().map(|l| l.len()))
            .finish()
    }
}

/// The kinds of anonymous request, each with its own quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Public {
    /// A sign-in attempt (each one verifies a password: slow on purpose).
    SignIn,
    /// Reading the help centre or a rating link: search, categories,
    /// related articles, an article, the rating page.
    Read,
    /// Writing without an account: the support form, a rating.
    Submit,
}

/// The limits of every anonymous endpoint, shared by all requests.
#[derive(Debug)]
pub struct PublicLimits {
    sign_in: Limiter,
    read: Limiter,
    submit: Limiter,
}

impl PublicLimits {
    /// Chosen limits per bucket.
    pub fn new(sign_in: Limiter, read: Limiter, submit: Limiter) -> Self {
        Self {
            sign_in,
            read,
            submit,
        }
    }

    /// The server's limits per client address: 30 sign-in attempts per
    /// minute (an office behind one address signs in together in the
    /// morning; failures are throttled separately, per account and
    /// address), 120 reads per minute, 5 submissions per 10 minutes.
    pub fn standard() -> Self {
        Self::new(
            Limiter::new(30, Duration::from_secs(60)),
            Limiter::new(120, Duration::from_secs(60)),
            Limiter::standard(),
        )
    }

    /// No limits (tests and tools that sign in hundreds of times).
    pub fn off() -> Self {
        Self::new(Limiter::off(), Limiter::off(), Limiter::off())
    }

    /// Counts a request of `kind` from the request's client address, and
    /// refuses it with [`Error::RateLimited`] over the limit. Reads by a
    /// signed-in user are not counted: they are attributable, and a whole
    /// office may share one address.
    pub fn check(&self, kind: Public, actor: Option<&Actor>, meta: &RequestMeta) -> Result<()> {
        let limiter = match kind {
            Public::Read if actor.is_some() => return Ok(()),
            Public::Read => &self.read,
            Public::SignIn => &self.sign_in,
            Public::Submit => &self.submit,
        };
        limiter.check(meta.client_addr.as_deref().unwrap_or("unknown"))
    }
}

impl Default for PublicLimits {
    fn default() -> Self {
        Self::standard()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_and_ipv4_by_address() {
        assert_eq!(client_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(client_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(
            client_key("2001:db8:1:2:aaaa::1"),
            client_key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
        assert_eq!(client_key("unknown"), "unknown");
    }

    #[test]
    fn one_64_shares_one_allowance() {
        let limiter = Limiter::new(2, Duration::from_secs(600));
        assert!(limiter.check("2001:db8::1").is_ok());
        assert!(limiter.check("2001:db8::2").is_ok());
        assert!(limiter.check("2001:db8::3").is_err());
        assert!(limiter.check("2001:db9::1").is_ok());
    }
}
