//! A vendor API's base URL, read strictly: `http(s)://host[:port][/path]` with a
//! host of ASCII letters, digits, dots and hyphens (or a dotted IPv4 address),
//! and a path of plain characters. That is every base a vendor documents or an
//! operator names, and what routing compares (origin and path). Anything else,
//! user info, `%`-escapes, a query, `.` segments, a non-ASCII host, is not read
//! at all rather than read differently from a browser: such a base is left as
//! typed and called directly. The `url` crate's full WHATWG parser (with IDNA)
//! was 42 KB of the app's wasm for this one decision; a proptest holds every
//! address read here to what that parser reads.

/// The parts of a base URL that routing compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`, lower case.
    pub scheme: &'static str,
    /// Lower case.
    pub host: String,
    /// `None` for the scheme's default port.
    pub port: Option<u16>,
    /// Without a trailing slash: `/api/v2`, or empty.
    pub path: String,
}

impl BaseUrl {
    /// `text` read strictly (ASCII white space around it ignored); `None` for
    /// anything outside the grammar above.
    pub fn parse(text: &str) -> Option<BaseUrl> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let (scheme, default_port, rest) = scheme_of(text)?;
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port_of(port)?)),
            None => (authority, None),
        };
        Some(BaseUrl {
            scheme,
            host: host_of(host)?,
            port: port.filter(|&port| port != default_port),
            path: path_of(path)?.to_owned(),
        })
    }

    /// `host[:port]`, the port only when it is not the scheme's default.
    pub fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// Whether both name the same scheme, host and port.
    pub fn same_origin(&self, other: &BaseUrl) -> bool {
        (self.scheme, &self.host, self.port) == (other.scheme, &other.host, other.port)
    }
}

fn scheme_of(text: &str) -> Option<(&'static str, u16, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.eq_ignore_ascii_case("https") {
        Some(("https", 443, rest))
    } else if scheme.eq_ignore_ascii_case("http") {
        Some(("http", 80, rest))
    } else {
        None
    }
}

fn port_of(port: &str) -> Option<u16> {
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port.parse().ok()
}

/// Labels of letters, digits and inner hyphens; a name whose last label looks
/// numeric must be a plain dotted IPv4 address (WHATWG reads `127.1` or `0x7f.1`
/// as addresses too, and rewrites them).
fn host_of(host: &str) -> Option<String> {
    let labels: Vec<&str> = host.split('.').collect();
    let plain_label = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.get(2..4).is_none_or(|dashes| dashes != "--")
    };
    if host.is_empty() || host.len() > 253 || !labels.iter().all(plain_label) {
        return None;
    }
    let last = labels.last()?;
    let numeric_looking = last.bytes().all(|b| b.is_ascii_digit())
        || last.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("0x"));
    if numeric_looking && !is_dotted_ipv4(&labels) {
        return None;
    }
    Some(host.to_ascii_lowercase())
}

fn is_dotted_ipv4(labels: &[&str]) -> bool {
    labels.len() == 4
        && labels.iter().all(|part| {
            part.bytes().all(|b| b.is_ascii_digit())
                && (part.len() == 1 || !part.starts_with('0'))
                && part.parse::<u8>().is_ok()
        })
}

/// The path without its trailing slashes, if every character is one a browser
/// keeps as it is and no segment is `.` or `..`.
fn path_of(path: &str) -> Option<&str> {
    let plain = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b));
    let dot_segment = path
        .split('/')
        .any(|segment| segment == "." || segment == "..");
    (plain && !dot_segment).then(|| path.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vendor_bases_read_with_case_default_ports_and_trailing_slashes_folded() {
        let read = BaseUrl::parse(" HTTPS://EU1.Make.com:443/api/v2/ ").unwrap();
        assert_eq!(
            read,
            BaseUrl {
                scheme: "https",
                host: "eu1.make.com".into(),
                port: None,
                path: "/api/v2".into(),
            }
        );
        let local = BaseUrl::parse("http://127.0.0.1:9300/demo/make/api/v2").unwrap();
        assert_eq!(local.authority(), "127.0.0.1:9300");
        assert_eq!(BaseUrl::parse("https://api.aitronos.com").unwrap().path, "");
        assert!(read.same_origin(&BaseUrl::parse("https://eu1.make.com/other").unwrap()));
        assert!(!read.same_origin(&BaseUrl::parse("http://eu1.make.com/api/v2").unwrap()));
    }

    #[test]
    fn anything_a_browser_might_read_otherwise_is_not_read() {
        for odd in [
            "https://user@eu1.make.com/api/v2",
            "https://eu1.make.com@evil.example/api/v2",
            "https://eu1.make.com\\evil.example/api",
            "https://eu1.make.com/api/%2e%2e/v2",
            "https://eu1.make.com/api/../v2",
            "https://eu1.make.com/api/v2?x=1",
            "https://eu1.make.com/api/v2#top",
            "https://eu1.make.com:/api/v2",
            "https://eu1.make.com:99999/api",
            "https://eu1.make.com./api/v2",
            "https://127.1/api",
            "https://0x7f.0.0.1/api",
            "https://[::1]/api",
            "https://xn--nxasmq6b.com/api",
            "https://bücher.example/api",
            "ftp://eu1.make.com/api",
            "/relay/make-eu1",
            "not a url",
        ] {
            assert_eq!(BaseUrl::parse(odd), None, "{odd}");
        }
    }

    fn address() -> impl Strategy<Value = String> {
        let scheme = prop::sample::select(vec!["http", "https", "HTTPS", "ftp", "Http"]);
        let host = prop::sample::select(vec![
            "eu1.make.com",
            "API.dify.ai",
            "localhost",
            "127.0.0.1",
            "10.0.0.255",
            "256.1.1.1",
            "01.2.3.4",
            "127.1",
            "0x7f.0.0.1",
            "a-b.example",
            "-a.example",
            "a..b",
            "a.b.",
            "user@host",
            "[::1]",
            "xn--a.example",
            "é.example",
            "a_b.example",
            "",
        ]);
        let port =
            prop::sample::select(vec!["", ":443", ":80", ":8080", ":", ":0", ":65536", ":x"]);
        let plain =
            prop::sample::select(vec!["/", "/api", "/v2", "/x-y_z", "~x", ":@", "'", "/a.b"]);
        let odd = prop::sample::select(vec![
            "/.", "/..", "%2e", "a b", "?q=1", "#f", "\\", "é", "\"", "<", "{",
        ]);
        let path = prop::collection::vec(prop_oneof![6 => plain, 1 => odd], 0..5);
        (scheme, host, port, path).prop_map(|(scheme, host, port, path)| {
            format!("{scheme}://{host}{port}{}", path.concat())
        })
    }

    /// Bases of the plain form: lower or upper case, any port, any path of
    /// plain segments.
    fn plain_base() -> impl Strategy<Value = (String, String, Option<u16>, String)> {
        let scheme = prop::sample::select(vec!["http", "https", "HTTPS", "Http"]);
        let name = prop::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?", 1..4);
        let top = "[a-zA-Z]{2,6}";
        let path = prop::collection::vec("[a-zA-Z0-9._~-]{1,8}", 0..4);
        (scheme, name, top, prop::option::of(1u16..), path).prop_map(
            |(scheme, name, top, port, path)| {
                let host = format!("{}.{top}", name.join("."));
                let path: String = path.iter().map(|segment| format!("/{segment}")).collect();
                (scheme.to_owned(), host, port, path)
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn every_plain_base_is_read_as_the_whatwg_parser_reads_it(
            (scheme, host, port, path) in plain_base()
        ) {
            prop_assume!(!path.split('/').any(|segment| segment == "." || segment == ".."));
            // `ab--` starts an IDNA label (`xn--`), which is not read.
            prop_assume!(!host.split('.').any(|label| label.get(2..4) == Some("--")));
            let text = match port {
                Some(port) => format!("{scheme}://{host}:{port}{path}/"),
                None => format!("{scheme}://{host}{path}"),
            };
            let read = BaseUrl::parse(&text);
            prop_assert!(read.is_some(), "{text}");
            let read = read.unwrap();
            let parsed = url::Url::parse(&text).unwrap();
            prop_assert_eq!(parsed.host_str(), Some(read.host.as_str()));
            prop_assert_eq!(parsed.port(), read.port);
            prop_assert_eq!(parsed.path().trim_end_matches('/'), read.path.as_str());
        }

        #[test]
        fn what_is_read_is_what_the_whatwg_parser_reads(text in address()) {
            if let Some(read) = BaseUrl::parse(&text) {
                let parsed = url::Url::parse(&text);
                prop_assert!(parsed.is_ok(), "{text}");
                let parsed = parsed.unwrap();
                prop_assert_eq!(parsed.scheme(), read.scheme);
                prop_assert_eq!(parsed.host_str(), Some(read.host.as_str()));
                prop_assert_eq!(parsed.port(), read.port);
                prop_assert_eq!(parsed.path().trim_end_matches('/'), read.path.as_str());
                prop_assert!(parsed.username().is_empty() && parsed.password().is_none());
                prop_assert!(parsed.query().is_none() && parsed.fragment().is_none());
            }
        }
    }
}
