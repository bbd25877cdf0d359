//! Which addresses webhooks may call. A tenant admin chooses the URL, but the request comes from inside the
//! deployment, next to PostgreSQL, Redis and the cloud's metadata service; unless the deployment allows it,
//! endpoints must be public addresses — checked when the URL is registered (literal addresses, `localhost`)
//! and again on every connection by the resolver, so that a name that later resolves inward is refused too.

use std::net::{IpAddr, SocketAddr};

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

/// Whether an address is on the public internet: not loopback, private, link-local (cloud metadata), shared
/// (carrier-grade NAT), unspecified, multicast, broadcast, documentation or unique-local.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
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
        assert!(refuse("https://203.0.113.0/x", false).is_some(), "documentation range");
        assert!(refuse("ftp://desa.example/", true).unwrap_or_default().contains("https://"));
        assert!(refuse("https://user:pw@desa.example/", true).unwrap_or_default().contains("secret"));
        assert!(refuse("bukan url", true).is_some());
    }
}
