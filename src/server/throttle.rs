//! Throttling of unauthenticated, costly or guessable requests (login, joining, first-run
//! setup): who the client is ([`ClientAddr`], behind trusted proxies, IPv6 by /64) and how many
//! tries a key has left ([`attempt`]).
//!
//! An attempt is **recorded before it is judged**: one row per key goes into the store and the
//! key's rows are counted in the same transaction, one try after another per key, and the
//! caller does the costly work (a password check) only if every key is under its limit. A
//! burst of N concurrent tries therefore gets at most the limit through, never N. A refused attempt's rows are removed
//! again, and so are a successful one's (see [`Attempt`]): what stays are the failures.
//!
//! May use: store, server state and config, axum. Nothing of `features` or `ui`.

use super::state::AppState;
use crate::store::{Store, StoreError};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::time::Duration;

/// An address range, `10.0.0.0/8` or `2001:db8::/32`; a bare address is a range of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `a.b.c.d`, `a.b.c.d/n`, an IPv6 address, or one with `/n`.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// A list separated by commas or whitespace; entries that do not parse are logged and left
    /// out.
    pub fn parse_list(text: &str) -> Vec<Cidr> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
            .filter_map(|t| {
                let parsed = Cidr::parse(t);
                if parsed.is_none() {
                    tracing::warn!(
                        entry = t,
                        "LEVELFIELD_TRUSTED_PROXIES: not an address or range; ignored"
                    );
                }
                parsed
            })
            .collect()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:80`, `[::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(canonical)
}

/// The client's address: the socket peer, unless the peer is a trusted proxy; then the
/// right-most `X-Forwarded-For` entry that is not itself a trusted proxy (entries further left
/// were written by the client and prove nothing). If an entry does not parse, the last address
/// read stands; if every entry is trusted, the left-most one.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            return client;
        };
        client = ip;
        if !is_trusted(ip) {
            return ip;
        }
    }
    client
}

/// The throttling key of an address: an IPv4 address whole, an IPv6 address by its /64 (one
/// subscriber usually holds a whole /64).
pub fn address_key(ip: Option<IpAddr>) -> String {
    match ip.map(canonical) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let net = Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64));
            format!("{net}/64")
        }
        None => "unknown".to_string(),
    }
}

/// The throttling key of an account: the SHA-256 of the normalised email, whether or not an
/// account has it (so that throttling says nothing about which emails exist, and the table
/// holds no email).
pub fn account_key(email: &str) -> String {
    let normal = email.trim().to_lowercase();
    Sha256::digest(normal.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The request's client, as [`client_ip`] finds it (`None` without a socket peer, as in some
/// tests). An extractor; it never refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The throttling key of this address ([`address_key`]).
    pub fn key(&self) -> String {
        address_key(self.0)
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(peer.map(|p| {
            client_ip(p, &parts.headers, &state.config.trusted_proxies)
        })))
    }
}

/// How many tries a key gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// At most `max` tries in any `window`.
    Window { max: i64, window: Duration },
    /// `free` tries in `window`, then each further one must come `base · 2^k` after the one
    /// before it (k = the failures past `free`), never more than `cap`.
    Backoff {
        free: i64,
        base: Duration,
        cap: Duration,
        window: Duration,
    },
}

impl Limit {
    fn window(&self) -> Duration {
        match self {
            Limit::Window { window, .. } | Limit::Backoff { window, .. } => *window,
        }
    }

    /// `None` if a try may go on, else how long to wait. `count` is the rows in the window,
    /// this try's included; `latest_other` the newest other row's time.
    fn wait(
        &self,
        count: i64,
        latest_other: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        match *self {
            Limit::Window { max, window } => (count > max).then_some(window),
            Limit::Backoff {
                free, base, cap, ..
            } => {
                let before = count - 1;
                if before < free {
                    return None;
                }
                let doublings = u32::try_from(before - free).unwrap_or(u32::MAX).min(30);
                let needed = base.saturating_mul(1 << doublings).min(cap);
                let since = latest_other
                    .map(|t| (now - t).to_std().unwrap_or(Duration::ZERO))
                    .unwrap_or(Duration::MAX);
                (since < needed).then(|| needed - since)
            }
        }
    }
}

/// The address limit of login, `/join` and `/setup`: `max` tries per 15 minutes.
pub fn per_address(max: i64) -> Limit {
    Limit::Window {
        max,
        window: Duration::from_secs(15 * 60),
    }
}

/// The account limit of login: `free` failures in an hour, then waits doubling from `base` up
/// to 15 minutes.
pub fn per_account(free: i64, base: Duration) -> Limit {
    Limit::Backoff {
        free,
        base,
        cap: Duration::from_secs(15 * 60),
        window: Duration::from_secs(60 * 60),
    }
}

/// Refused: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub Duration);

impl Wait {
    /// Whole seconds, at least 1 (for `Retry-After`).
    pub fn seconds(&self) -> u64 {
        (self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)).max(1)
    }
}

/// A try that was let through: its rows stay recorded as a failure unless
/// [`Attempt::succeeded`] (or [`Attempt::abandoned`]) removes them.
#[must_use]
pub struct Attempt {
    ids: Vec<i64>,
}

impl Attempt {
    /// It worked: it does not count against anyone.
    pub async fn succeeded(self, store: &dyn Store) -> Result<(), StoreError> {
        store.forget_tries(&self.ids).await
    }

    /// It was not judged after all (no hashing slot): it does not count either.
    pub async fn abandoned(self, store: &dyn Store) -> Result<(), StoreError> {
        store.forget_tries(&self.ids).await
    }

    /// It failed: its rows stay, counted against every key.
    pub fn failed(self) {}
}

/// Records a try under every `(key, limit)` at `now`, then counts: `Ok(Ok(attempt))` when
/// every key is under its limit, `Ok(Err(wait))` (the rows removed again) when one is not.
pub async fn attempt(
    store: &dyn Store,
    now: DateTime<Utc>,
    checks: &[(String, Limit)],
) -> Result<Result<Attempt, Wait>, StoreError> {
    let mut ids = Vec::with_capacity(checks.len());
    let mut wait: Option<Duration> = None;
    for (key, limit) in checks {
        let since = now - chrono::Duration::from_std(limit.window()).unwrap_or_default();
        let (id, seen) = store.record_try(key, now, since).await?;
        ids.push(id);
        if let Some(w) = limit.wait(seen.count, seen.latest_other, now) {
            wait = Some(wait.map_or(w, |before| before.max(w)));
        }
    }
    match wait {
        None => Ok(Ok(Attempt { ids })),
        Some(w) => {
            store.forget_tries(&ids).await?;
            Ok(Err(Wait(w)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_contain() {
        let net = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(net.contains(ip("10.200.3.4")));
        assert!(!net.contains(ip("11.0.0.1")));
        assert!(net.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6");
        let one = Cidr::parse("192.0.2.7").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["", "10.0.0.0/33", "::/129", "example.org", "10.0.0/8"] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
        assert_eq!(
            Cidr::parse_list("127.0.0.1, 10.0.0.0/8 ::1 nonsense").len(),
            3
        );
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarded_for_is_read_only_from_trusted_proxies() {
        let trusted = Cidr::parse_list("10.0.0.0/8");
        let h = xff(&["198.51.100.1, 203.0.113.5"]);
        // Not from a proxy: the header is ignored, whatever it says.
        assert_eq!(client_ip(ip("192.0.2.9"), &h, &trusted), ip("192.0.2.9"));
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &[]), ip("10.0.0.2"));
        // From the proxy: the right-most untrusted entry, not the spoofable left-most one.
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.5"));
        // A chain of trusted proxies is walked past; headers are read in order.
        let h = xff(&["198.51.100.1", "203.0.113.5, 10.1.1.1"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted), ip("203.0.113.5"));
        // Ports and IPv6 in brackets.
        let h = xff(&["[2001:db8::5]:4711"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted), ip("2001:db8::5"));
        // Garbage stops the walk at the last address read; no header: the proxy itself.
        let h = xff(&["203.0.113.5, garbage"]);
        assert_eq!(client_ip(ip("10.0.0.2"), &h, &trusted), ip("10.0.0.2"));
        assert_eq!(
            client_ip(ip("10.0.0.2"), &HeaderMap::new(), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv6_is_keyed_by_its_64_and_accounts_by_their_email() {
        assert_eq!(
            address_key(Some(ip("2001:db8:1:2:aaaa::1"))),
            address_key(Some(ip("2001:db8:1:2:bbbb::2")))
        );
        assert_eq!(
            address_key(Some(ip("2001:db8:1:2::9"))),
            "2001:db8:1:2::/64"
        );
        assert_ne!(
            address_key(Some(ip("2001:db8:1:2::1"))),
            address_key(Some(ip("2001:db8:1:3::1")))
        );
        assert_eq!(address_key(Some(ip("::ffff:192.0.2.1"))), "192.0.2.1");
        assert_eq!(address_key(Some(ip("192.0.2.1"))), "192.0.2.1");
        assert_eq!(
            account_key(" Ada@Example.org "),
            account_key("ada@example.org")
        );
        assert!(!account_key("ada@example.org").contains("ada"));
    }

    #[test]
    fn limits_count_tries_and_back_off() {
        let now = Utc::now();
        let w = per_address(3);
        assert_eq!(w.wait(3, Some(now), now), None);
        assert!(w.wait(4, Some(now), now).is_some());
        let b = per_account(2, Duration::from_secs(1));
        let ago = |s: i64| Some(now - chrono::Duration::seconds(s));
        // Two failures before this one are free.
        assert_eq!(b.wait(2, ago(0), now), None);
        // The third failure before: wait 1 s after the last; then 2 s, 4 s, …
        assert_eq!(b.wait(3, ago(0), now), Some(Duration::from_secs(1)));
        assert_eq!(b.wait(3, ago(1), now), None);
        assert_eq!(b.wait(4, ago(1), now), Some(Duration::from_secs(1)));
        assert_eq!(b.wait(5, ago(0), now), Some(Duration::from_secs(4)));
        // Never more than 15 minutes.
        assert_eq!(b.wait(60, ago(0), now), Some(Duration::from_secs(900)));
        assert_eq!(b.wait(60, ago(900), now), None);
        assert_eq!(Wait(Duration::from_millis(1500)).seconds(), 2);
        assert_eq!(Wait(Duration::ZERO).seconds(), 1);
        assert_eq!(Wait(Duration::from_secs(900)).seconds(), 900);
    }
}
