//! Where deliveries may go. A tenant chooses the URLs the server sends to, so every
//! address a delivery or an alert notice would connect to is checked when it is sent:
//! an IP literal in the URL before sending ([`Destinations::check_url`]), and every
//! address a name resolves to in the HTTP client's resolver ([`GuardedResolver`]), so
//! that a name cannot resolve to a public address when validated and to a private one
//! when used (DNS rebinding). Addresses that are not the public internet are refused
//! unless the server was started with `--allow-destination` for their network.

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, LazyLock};

use ipnet::IpNet;
use url::{Host, Url};

/// Networks of IPv4 that are not the public internet, most specific first.
const SPECIAL_V4: [(&str, &str); 16] = [
    ("0.0.0.0/8", "an unspecified (\"this network\") address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a shared (CGNAT) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("168.63.129.16/32", "a cloud platform address (Azure's host services)"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "an IETF protocol address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a 6to4 relay address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved or broadcast address"),
];

/// Networks of IPv6 that are not the public internet (IPv4 embedded in IPv6 apart).
const SPECIAL_V6: [(&str, &str); 11] = [
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("64:ff9b:1::/48", "a local NAT64 address"),
    ("100::/64", "a discard-only address"),
    // 2001:0000::/32 only: the rest of 2001::/16 is public.
    ("2001::/32", "a Teredo address"),
    ("2001:db8::/32", "a documentation address"),
    ("2002::/16", "a 6to4 address"),
    ("fc00::/7", "a unique-local address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
];

static SPECIAL: LazyLock<Vec<(IpNet, &'static str)>> = LazyLock::new(|| {
    SPECIAL_V4
        .iter()
        .chain(&SPECIAL_V6)
        .map(|(net, what)| (net.parse().expect("the special networks are valid CIDRs"), *what))
        .collect()
});

/// The IPv4 address an IPv6 address carries, and the form that carries it: mapped
/// (`::ffff:a.b.c.d`), compatible (`::a.b.c.d`, deprecated) or NAT64 (`64:ff9b::a.b.c.d`).
fn embedded_v4(address: Ipv6Addr) -> Option<(Ipv4Addr, &'static str)> {
    let [a, b, c, d, e, f, g, h] = address.segments();
    let v4 = || Ipv4Addr::from((u32::from(g) << 16) | u32::from(h));
    match (a, b, c, d, e, f) {
        (0, 0, 0, 0, 0, 0xffff) => Some((v4(), "an IPv4-mapped")),
        // `::` and `::1` are IPv6's own unspecified and loopback addresses.
        (0, 0, 0, 0, 0, 0) if g != 0 => Some((v4(), "an IPv4-compatible")),
        (0x64, 0xff9b, 0, 0, 0, 0) => Some((v4(), "a NAT64")),
        _ => None,
    }
}

/// What kind of non-public address this is, in words; `None` for a public address.
pub fn classify(address: IpAddr) -> Option<Cow<'static, str>> {
    if let IpAddr::V6(v6) = address {
        if let Some((v4, form)) = embedded_v4(v6) {
            return classify(IpAddr::V4(v4)).map(|what| Cow::Owned(format!("{form} form of {what}")));
        }
    }
    SPECIAL.iter().find(|(net, _)| net.contains(&address)).map(|(_, what)| Cow::Borrowed(*what))
}

/// A destination the server will not send to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The host as the URL names it.
    pub host: String,
    /// The address it is (or resolves to).
    pub address: IpAddr,
    /// What kind of address that is.
    pub what: Cow<'static, str>,
}

impl fmt::Display for Refused {
    /// What the tenant may read (the diverted event's message): a name's resolved address
    /// is left out, so that a refusal tells nothing of the inside network; it is logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self { host, address, what } = self;
        if *host == address.to_string() {
            write!(f, "destination {address} is {what}; not allowed")
        } else {
            write!(f, "destination {host} resolves to {what}; not allowed")
        }
    }
}

impl std::error::Error for Refused {}

/// The networks the server may send to beyond the public internet (`--allow-destination`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Destinations {
    allowed: Vec<IpNet>,
    own: Vec<IpAddr>,
}

impl Destinations {
    /// Public addresses only, plus these networks.
    pub fn allowing(networks: impl IntoIterator<Item = IpNet>) -> Self {
        Self { allowed: networks.into_iter().map(|net| net.trunc()).collect(), own: Vec::new() }
    }

    /// Public addresses and loopback (127.0.0.0/8, ::1): the demo's and the tests'.
    pub fn with_loopback() -> Self {
        Self::allowing(["127.0.0.0/8", "::1/128"].map(|net| net.parse().expect("loopback networks are valid CIDRs")))
    }

    fn allows(&self, address: IpAddr) -> bool {
        let embedded = match address {
            IpAddr::V6(v6) => embedded_v4(v6).map(|(v4, _)| IpAddr::V4(v4)),
            IpAddr::V4(_) => None,
        };
        self.allowed.iter().any(|net| net.contains(&address) || embedded.is_some_and(|v4| net.contains(&v4)))
    }

    /// These addresses too are refused unless allowed: the host's own interfaces (its
    /// public ones included, which [`classify`] passes).
    pub fn refusing_own(self, own: impl IntoIterator<Item = IpAddr>) -> Self {
        Self { own: own.into_iter().map(|address| address.to_canonical()).collect(), ..self }
    }

    /// Whether `host` may be reached at `address`.
    pub fn check(&self, host: &str, address: IpAddr) -> Result<(), Refused> {
        let what = classify(address).or_else(|| {
            self.own.contains(&address.to_canonical()).then_some(Cow::Borrowed("an address of this server's host"))
        });
        match what {
            Some(what) if !self.allows(address) => {
                tracing::warn!(host, address = %address, what = %what, "destination refused");
                Err(Refused { host: host.to_owned(), address, what })
            }
            _ => Ok(()),
        }
    }

    /// Checks a URL whose host is an IP literal. The HTTP client connects to a literal
    /// without resolving it, so the resolver never sees it; a name is left to the
    /// resolver. `url` has already normalised IPv4's other spellings (`2130706433`,
    /// `127.1`, `0x7f.1`) into the address they mean.
    pub fn check_url(&self, url: &Url) -> Result<(), Refused> {
        let address = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(_)) | None => return Ok(()),
        };
        self.check(&address.to_string(), address)
    }
}

/// Parses `--allow-destination`: a network in CIDR notation, or one address.
pub fn parse_network(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map(|net| net.trunc())
        .map_err(|_| format!("{text:?} is not a network (e.g. 10.1.0.0/16, fd00::/8) or an address"))
}

/// The HTTP client's resolver: the system's, keeping only the addresses that
/// [`Destinations`] allows. When none is left, the connection fails with [`Refused`].
pub struct GuardedResolver(pub Arc<Destinations>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let destinations = Arc::clone(&self.0);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|address| match destinations.check(&host, address.ip()) {
                    Ok(()) => true,
                    Err(why) => {
                        refused.get_or_insert(why);
                        false
                    }
                })
                .collect();
            match refused {
                Some(why) if allowed.is_empty() => Err(why.into()),
                _ => Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(text: &str) -> Option<String> {
        classify(text.parse().unwrap()).map(Cow::into_owned)
    }

    #[test]
    fn public_addresses_pass() {
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.215.14",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "2606:4700::1111",
            "2a00:1450::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2001:4860::8888",
            "2001:1::1",
            "168.63.129.17",
        ] {
            assert_eq!(what(public), None, "{public}");
        }
    }

    #[test]
    fn every_kind_of_non_public_address_is_named() {
        let cases = [
            ("0.0.0.0", "an unspecified (\"this network\") address"),
            ("10.0.0.1", "a private address"),
            ("172.16.0.1", "a private address"),
            ("172.31.255.255", "a private address"),
            ("192.168.1.1", "a private address"),
            ("100.64.0.1", "a shared (CGNAT) address"),
            ("100.127.255.255", "a shared (CGNAT) address"),
            ("127.0.0.1", "a loopback address"),
            ("127.255.255.254", "a loopback address"),
            ("169.254.169.254", "a link-local address"),
            ("192.0.0.8", "an IETF protocol address"),
            ("192.0.2.1", "a documentation address"),
            ("198.51.100.1", "a documentation address"),
            ("203.0.113.1", "a documentation address"),
            ("198.18.0.1", "a benchmarking address"),
            ("224.0.0.1", "a multicast address"),
            ("239.255.255.250", "a multicast address"),
            ("240.0.0.1", "a reserved or broadcast address"),
            ("255.255.255.255", "a reserved or broadcast address"),
            ("::", "an unspecified address"),
            ("::1", "a loopback address"),
            ("fc00::1", "a unique-local address"),
            ("fd12:3456::1", "a unique-local address"),
            ("fe80::1", "a link-local address"),
            ("febf::1", "a link-local address"),
            ("fec0::1", "a site-local address"),
            ("ff02::1", "a multicast address"),
            ("2001:db8::1", "a documentation address"),
            ("100::1", "a discard-only address"),
            ("::ffff:127.0.0.1", "an IPv4-mapped form of a loopback address"),
            ("::ffff:169.254.169.254", "an IPv4-mapped form of a link-local address"),
            ("::ffff:a00:1", "an IPv4-mapped form of a private address"),
            ("::127.0.0.1", "an IPv4-compatible form of a loopback address"),
            ("::10.0.0.1", "an IPv4-compatible form of a private address"),
            ("64:ff9b::a9fe:a9fe", "a NAT64 form of a link-local address"),
            ("168.63.129.16", "a cloud platform address (Azure's host services)"),
            ("2002:c000:204::1", "a 6to4 address"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address"),
            ("64:ff9b:1::a00:1", "a local NAT64 address"),
        ];
        for (address, expected) in cases {
            assert_eq!(what(address).as_deref(), Some(expected), "{address}");
        }
    }

    #[test]
    fn allowances_open_their_networks_and_the_embedded_forms_of_them() {
        let loopback = Destinations::with_loopback();
        for allowed in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1", "8.8.8.8"] {
            assert_eq!(loopback.check("h", allowed.parse().unwrap()), Ok(()), "{allowed}");
        }
        for refused in ["10.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fe80::1", "0.0.0.0"] {
            assert!(loopback.check("h", refused.parse().unwrap()).is_err(), "{refused}");
        }
        let none = Destinations::default();
        assert!(none.check("h", "127.0.0.1".parse().unwrap()).is_err());
        let one = Destinations::allowing([parse_network("10.1.2.3").unwrap()]);
        assert_eq!(one.check("h", "10.1.2.3".parse().unwrap()), Ok(()));
        assert!(one.check("h", "10.1.2.4".parse().unwrap()).is_err());
    }

    #[test]
    fn the_hosts_own_addresses_are_refused_unless_allowed() {
        let own: IpAddr = "93.184.215.14".parse().unwrap();
        let guarded = Destinations::default().refusing_own([own, "::ffff:8.8.4.4".parse().unwrap()]);
        let refused = guarded.check("me.example", own).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "destination me.example resolves to an address of this server's host; not allowed"
        );
        assert!(guarded.check("h", "8.8.4.4".parse().unwrap()).is_err(), "an IPv4 address given mapped");
        assert_eq!(guarded.check("h", "93.184.215.15".parse().unwrap()), Ok(()));
        let allowed = Destinations::allowing([parse_network("93.184.215.14").unwrap()]).refusing_own([own]);
        assert_eq!(allowed.check("h", own), Ok(()));
    }

    #[test]
    fn refusals_say_why() {
        let none = Destinations::default();
        let literal = none.check("10.0.0.1", "10.0.0.1".parse().unwrap()).unwrap_err();
        assert_eq!(literal.to_string(), "destination 10.0.0.1 is a private address; not allowed");
        let named = none.check("localhost", "127.0.0.1".parse().unwrap()).unwrap_err();
        assert_eq!(named.to_string(), "destination localhost resolves to a loopback address; not allowed");
        let v6 = none.check_url(&Url::parse("http://[::ffff:7f00:1]/").unwrap()).unwrap_err();
        assert_eq!(
            v6.to_string(),
            "destination ::ffff:127.0.0.1 is an IPv4-mapped form of a loopback address; not allowed"
        );
    }

    #[test]
    fn ip_literals_are_checked_as_url_reads_them() {
        let none = Destinations::default();
        for (url, address) in [
            ("http://2130706433/", "127.0.0.1"),
            ("http://127.1/", "127.0.0.1"),
            ("http://0x7f.1/", "127.0.0.1"),
            ("http://0177.0.0.1/", "127.0.0.1"),
            ("http://127.0.0.1./", "127.0.0.1"),
            ("http://[::1]:8080/", "::1"),
            ("http://[::ffff:7f00:1]/", "::ffff:127.0.0.1"),
            ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ] {
            let refused = none.check_url(&Url::parse(url).unwrap()).unwrap_err();
            assert_eq!(refused.address, address.parse::<IpAddr>().unwrap(), "{url}");
        }
        // A name is the resolver's to check.
        assert_eq!(none.check_url(&Url::parse("http://localhost:1/").unwrap()), Ok(()));
        assert_eq!(none.check_url(&Url::parse("https://8.8.8.8/").unwrap()), Ok(()));
    }

    #[test]
    fn allowances_parse_as_networks_or_addresses() {
        assert_eq!(parse_network("127.0.0.0/8").unwrap().to_string(), "127.0.0.0/8");
        assert_eq!(parse_network("10.9.8.7/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_network("::1").unwrap().to_string(), "::1/128");
        assert_eq!(parse_network("192.168.1.5").unwrap().to_string(), "192.168.1.5/32");
        for bad in ["", "localhost", "10.0.0.0/33", "10.0.0"] {
            assert!(parse_network(bad).is_err(), "{bad}");
        }
    }
}
