//! Who the client is: the socket peer, or, behind a reverse proxy the operator trusts
//! (`--trusted-proxies`), the address that proxy saw. Used to key the login throttle.

use axum::http::HeaderMap;
use std::net::IpAddr;

/// The reverse proxies whose `X-Forwarded-For` is believed: IPs and CIDR blocks.
/// Empty by default, so that no header can choose the address a request is counted
/// against unless the operator says which hops add it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// `"10.0.0.0/8, 192.168.1.10, ::1"`; the error message is French (it goes to the
    /// operator starting the server).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let bad = || format!("Proxy de confiance invalide : « {item} » (IP ou CIDR attendu).");
            let (ip, len) = match item.split_once('/') {
                Some((ip, len)) => (ip, Some(len)),
                None => (item, None),
            };
            let ip: IpAddr = ip.parse().map_err(|_| bad())?;
            let ip = ip.to_canonical();
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len = match len {
                Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(bad)?,
                None => max,
            };
            nets.push((mask(ip, len), len));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0
            .iter()
            .any(|(net, len)| net.is_ipv4() == ip.is_ipv4() && mask(ip, *len) == *net)
    }
}

/// `ip` with every bit past the first `len` cleared.
fn mask(ip: IpAddr, len: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let m = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let m = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            IpAddr::V6((bits & m).into())
        }
    }
}

/// The client's address. `peer` is the socket peer (`ConnectInfo`; `None` when the
/// router is called without one, as in tests, and then nothing is known). From an
/// untrusted peer `X-Forwarded-For` is ignored: anyone can write it. From a trusted
/// proxy, the right-most address of the header that is not itself a trusted proxy:
/// each proxy appends the address it received the request from, so everything left of
/// that entry was written by the client and may be made up.
pub fn address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    if !trusted.contains(peer) {
        return Some(peer);
    }
    // Several headers count as one list, in order (RFC 9110 §5.3).
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) => {
                client = ip;
                if !trusted.contains(ip) {
                    break;
                }
            }
            // A trusted proxy wrote something unreadable: stop at the last good hop.
            None => break,
        }
    }
    Some(client)
}

/// One `X-Forwarded-For` entry: an IP, or an IP with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:5678`), which some proxies write.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The key an address is counted under: IPv4 addresses as they are; IPv6 by their
/// /64, since one subscriber commonly holds a whole /64 and could otherwise take a new
/// address for each attempt.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(_) => mask(ip, 64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(values: &[&str]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for v in values {
            m.append("x-forwarded-for", v.parse().unwrap());
        }
        m
    }
    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_ips_and_cidrs() {
        let t = TrustedProxies::parse(" 10.0.0.0/8, 192.168.1.10 ,2001:db8::/32,").unwrap();
        assert!(t.contains(ip("10.200.3.4")));
        assert!(t.contains(ip("::ffff:10.1.1.1")), "v4-mapped v6 is v4");
        assert!(t.contains(ip("192.168.1.10")));
        assert!(!t.contains(ip("192.168.1.11")));
        assert!(t.contains(ip("2001:db8:1::5")));
        assert!(!t.contains(ip("2001:db9::5")));
        assert!(!t.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("8.8.8.8")));
        for bad in [
            "10.0.0.0/33",
            "proxy.local",
            "10.0.0/8",
            "::1/129",
            "1.2.3.4/",
        ] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let none = TrustedProxies::default();
        let peer = Some(ip("10.0.0.2"));
        // No peer: nothing known, whatever the header says.
        assert_eq!(address(None, &h(&["1.2.3.4"]), &t), None);
        // Untrusted peer: the header is ignored.
        assert_eq!(
            address(Some(ip("203.0.113.7")), &h(&["1.2.3.4"]), &t),
            Some(ip("203.0.113.7"))
        );
        assert_eq!(address(peer, &h(&["1.2.3.4"]), &none), peer);
        // Trusted peer: right-most untrusted entry; the client's own prefix is not believed.
        assert_eq!(
            address(peer, &h(&["6.6.6.6, 1.2.3.4"]), &t),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            address(peer, &h(&["6.6.6.6, 1.2.3.4, 10.0.0.9"]), &t),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            address(peer, &h(&["6.6.6.6", "1.2.3.4", "10.0.0.9"]), &t),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            address(peer, &h(&["1.2.3.4:5678"]), &t),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            address(peer, &h(&["[2001:db8::1]:443"]), &t),
            Some(ip("2001:db8::1"))
        );
        // No header, or nothing readable: the proxy itself.
        assert_eq!(address(peer, &HeaderMap::new(), &t), peer);
        assert_eq!(address(peer, &h(&["1.2.3.4, garbage"]), &t), peer);
        // Only trusted hops: the left-most of them.
        assert_eq!(
            address(peer, &h(&["10.9.9.9, 10.0.0.9"]), &t),
            Some(ip("10.9.9.9"))
        );
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        assert_eq!(
            address_key(ip("2001:db8:1:2:aaaa::1")),
            address_key(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            address_key(ip("2001:db8:1:2::1")),
            address_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(address_key(ip("1.2.3.4")), ip("1.2.3.4"));
    }
}
