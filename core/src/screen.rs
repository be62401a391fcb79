//! The app's screens, by the path of the address.

/// What the app shows at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Logs,
    Connections,
    NotFound,
}

impl Screen {
    /// The screen at `path` (with or without a trailing slash).
    pub fn at(path: &str) -> Self {
        let path = match path.strip_suffix('/') {
            Some(trimmed) if !trimmed.is_empty() => trimmed,
            _ => path,
        };
        match path {
            "/" | "/index.html" => Screen::Logs,
            "/connections" => Screen::Connections,
            _ => Screen::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_by_path() {
        assert_eq!(Screen::at("/"), Screen::Logs);
        assert_eq!(Screen::at("/index.html"), Screen::Logs);
        assert_eq!(Screen::at("/connections"), Screen::Connections);
        assert_eq!(Screen::at("/connections/"), Screen::Connections);
        assert_eq!(Screen::at("/connections/x"), Screen::NotFound);
        assert_eq!(Screen::at("/nothing"), Screen::NotFound);
        assert_eq!(Screen::at(""), Screen::NotFound);
    }
}
