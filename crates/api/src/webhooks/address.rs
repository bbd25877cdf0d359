//! Which addresses webhooks may call. A tenant admin chooses the URL, but the request comes from inside the
//! deployment, next to PostgreSQL, Redis and the cloud's metadata service; unless the deployment allows it,
//! endpoints must be public addresses — checked when the URL is registered (literal addresses, `localhost`)
//! and again on every connection by the resolver, so that a name that later resolves inward is refused too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::{Ipv4Net, Ipv6Net};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why a URL cannot be an endpoint, in words for the admin.
pub fn refuse(url: &str, allow_private: bool) -> Option<String> {
    let Ok(parsed) = Url::parse(url) else {
        return Some(String::from("Alamat webhook bukan URL yang sah (contoh: https://sistem-desa.example/simpul)"));
    };
    if !matches!(parsed.scheme(), "https" | "http") {
        return Some(String::from("Alamat webhook harus diawali https:// (atau http://)"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some(String::from("Alamat webhook tidak boleh memuat nama pengguna atau sandi; gunakan secret"));
    }
    if url.len() > 2000 {
        return Some(String::from("Alamat webhook terlalu panjang (paling banyak 2000 karakter)"));
    }
    let Some(host) = parsed.host_str() else {
        return Some(String::from("Alamat webhook tidak memuat nama server"));
    };
    if allow_private {
        return None;
    }
    let internal = host.eq_ignore_ascii_case("localhost")
        || host.to_ascii_lowercase().ends_with(".localhost")
        || literal(host).is_some_and(|ip| !is_public(ip));
    internal.then(|| String::from("Alamat webhook menunjuk ke jaringan internal server; gunakan alamat publik"))
}

/// IPv4 networks a webhook may never reach: every entry of IANA's IPv4 Special-Purpose Address Registry
/// (RFC 6890 and its updates, as of 2025), whether or not the registry calls it globally reachable — a webhook
/// has no business with anycast relays or protocol assignments either — and multicast (224.0.0.0/4). No
/// maintained crate carries this list: `ip_rfc` stopped at the 2018 nightly `is_global`, `iprfc` at RFC 6890.
const SPECIAL_V4: [(Ipv4Net, &str); 19] = [
    (v4(0, 0, 0, 0, 8), "this network"),
    (v4(10, 0, 0, 0, 8), "private use"),
    (v4(100, 64, 0, 0, 10), "shared address space (carrier-grade NAT)"),
    (v4(127, 0, 0, 0, 8), "loopback"),
    (v4(169, 254, 0, 0, 16), "link local (cloud metadata)"),
    (v4(172, 16, 0, 0, 12), "private use"),
    (v4(192, 0, 0, 0, 24), "IETF protocol assignments"),
    (v4(192, 0, 2, 0, 24), "documentation (TEST-NET-1)"),
    (v4(192, 31, 196, 0, 24), "AS112-v4"),
    (v4(192, 52, 193, 0, 24), "AMT"),
    (v4(192, 88, 99, 0, 24), "deprecated 6to4 relay anycast"),
    (v4(192, 168, 0, 0, 16), "private use"),
    (v4(192, 175, 48, 0, 24), "direct delegation AS112 service"),
    (v4(198, 18, 0, 0, 15), "benchmarking"),
    (v4(198, 51, 100, 0, 24), "documentation (TEST-NET-2)"),
    (v4(203, 0, 113, 0, 24), "documentation (TEST-NET-3)"),
    (v4(224, 0, 0, 0, 4), "multicast"),
    (v4(255, 255, 255, 255, 32), "limited broadcast"),
    (v4(240, 0, 0, 0, 4), "reserved"),
];

/// IPv6 networks a webhook may never reach: every entry of IANA's IPv6 Special-Purpose Address Registry (as of
/// 2025), the deprecated IPv4-compatible and site-local ranges, and multicast. The ranges that carry an IPv4
/// address inside (mapped, compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`, Teredo `2001::/32` within
/// `2001::/23`) are refused whole, so that `[::127.0.0.1]` or `[2002:7f00:1::]` cannot smuggle loopback in.
const SPECIAL_V6: [(Ipv6Net, &str); 16] = [
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 96), "unspecified, loopback and IPv4-compatible (deprecated)"),
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), "IPv4-mapped"),
    (v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), "IPv4/IPv6 translation (NAT64)"),
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), "local-use IPv4/IPv6 translation"),
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), "discard-only"),
    (v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64), "dummy IPv6 prefix"),
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), "IETF protocol assignments (Teredo, benchmarking, ORCHID, AMT)"),
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), "documentation"),
    (v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16), "6to4"),
    (v6([0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48), "direct delegation AS112 service"),
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), "documentation"),
    (v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16), "segment routing (SRv6) SIDs"),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), "unique local"),
    (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), "link local"),
    (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), "site local (deprecated)"),
    (v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), "multicast"),
];

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix)
}

const fn v6(s: [u16; 8], prefix: u8) -> Ipv6Net {
    Ipv6Net::new_assert(Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]), prefix)
}

/// The special-purpose range an address falls in, if any.
pub fn special_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => SPECIAL_V4.iter().find(|(net, _)| net.contains(&v4)).map(|(_, name)| *name),
        IpAddr::V6(v6) => SPECIAL_V6.iter().find(|(net, _)| net.contains(&v6)).map(|(_, name)| *name),
    }
}

/// Whether an address is on the public internet: in no special-purpose range.
pub fn is_public(ip: IpAddr) -> bool {
    special_range(ip).is_none()
}

/// A resolver that only hands out public addresses; a name resolving to none of them fails to connect.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                let refused: Box<dyn std::error::Error + Send + Sync> =
                    format!("{host} resolves only to internal addresses").into();
                return Err(refused);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

/// Whether a URL whose host is a literal address may be called (the resolver never sees those).
pub fn literal_allowed(url: &Url) -> bool {
    literal(url.host_str().unwrap_or_default()).is_none_or(is_public)
}

fn literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused_unless_the_deployment_allows_them() {
        for url in [
            "http://localhost:8080/hook",
            "http://127.0.0.1/hook",
            "http://10.1.2.3/hook",
            "http://192.168.1.10/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://[::1]/hook",
            "http://[fd00::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://0.0.0.0/",
        ] {
            assert!(refuse(url, false).is_some(), "{url}");
            assert_eq!(refuse(url, true), None, "{url} allowed on a private deployment");
        }
        assert_eq!(refuse("https://sistem-desa.example/simpul", false), None);
        assert!(refuse("ftp://desa.example/", true).unwrap_or_default().contains("https://"));
        assert!(refuse("https://user:pw@desa.example/", true).unwrap_or_default().contains("secret"));
        assert!(refuse("bukan url", true).is_some());
    }

    /// One address inside every range of both registries (and multicast), refused at registration and by the
    /// resolver's filter; and public addresses next to them, allowed.
    #[test]
    fn every_special_purpose_range_is_refused() {
        let inside = [
            ("0.1.2.3", "this network"),
            ("10.200.0.1", "private use"),
            ("100.127.255.254", "shared address space (carrier-grade NAT)"),
            ("127.0.0.53", "loopback"),
            ("169.254.169.254", "link local (cloud metadata)"),
            ("172.31.255.255", "private use"),
            ("192.0.0.9", "IETF protocol assignments"),
            ("192.0.2.55", "documentation (TEST-NET-1)"),
            ("192.31.196.1", "AS112-v4"),
            ("192.52.193.1", "AMT"),
            ("192.88.99.1", "deprecated 6to4 relay anycast"),
            ("192.168.0.1", "private use"),
            ("192.175.48.1", "direct delegation AS112 service"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation (TEST-NET-2)"),
            ("203.0.113.9", "documentation (TEST-NET-3)"),
            ("224.0.0.251", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("255.255.255.255", "limited broadcast"),
            ("::", "unspecified, loopback and IPv4-compatible (deprecated)"),
            ("::1", "unspecified, loopback and IPv4-compatible (deprecated)"),
            ("::127.0.0.1", "unspecified, loopback and IPv4-compatible (deprecated)"),
            ("::ffff:10.0.0.1", "IPv4-mapped"),
            ("64:ff9b::7f00:1", "IPv4/IPv6 translation (NAT64)"),
            ("64:ff9b:1::a00:1", "local-use IPv4/IPv6 translation"),
            ("100::1", "discard-only"),
            ("100:0:0:1::1", "dummy IPv6 prefix"),
            ("2001::7f00:1", "IETF protocol assignments (Teredo, benchmarking, ORCHID, AMT)"),
            ("2001:2::1", "IETF protocol assignments (Teredo, benchmarking, ORCHID, AMT)"),
            ("2001:20::1", "IETF protocol assignments (Teredo, benchmarking, ORCHID, AMT)"),
            ("2001:db8::1", "documentation"),
            ("2002:7f00:1::", "6to4"),
            ("2620:4f:8000::1", "direct delegation AS112 service"),
            ("3fff::1", "documentation"),
            ("5f00::1", "segment routing (SRv6) SIDs"),
            ("fd12:3456::1", "unique local"),
            ("fe80::1", "link local"),
            ("fec0::1", "site local (deprecated)"),
            ("ff02::1", "multicast"),
        ];
        for (address, range) in inside {
            let ip: IpAddr = address.parse().expect(address);
            assert_eq!(special_range(ip), Some(range), "{address}");
            let host = if ip.is_ipv6() { format!("[{address}]") } else { address.to_string() };
            assert!(refuse(&format!("https://{host}/hook"), false).is_some(), "{address} refused at registration");
        }
        for public in
            ["8.8.8.8", "203.0.114.1", "198.20.0.1", "192.0.3.1", "100.128.0.1", "2606:4700::1111", "2400:cb00::1"]
        {
            let ip: IpAddr = public.parse().expect(public);
            assert!(is_public(ip), "{public}");
        }
    }
}
