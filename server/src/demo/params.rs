//! Query-string access shared by the demo vendors: typed getters that say what is
//! wrong, and Make's `key[0]=…` arrays.

/// The decoded query pairs of one request.
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// The last value given for `key` (a repeated key overrides, as in most servers).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// An integer parameter, or a message naming it.
    pub fn int(&self, key: &str) -> Result<Option<i64>, String> {
        self.get(key)
            .map(|value| {
                value
                    .parse::<i64>()
                    .map_err(|_| format!("{key} must be an integer, got {value:?}"))
            })
            .transpose()
    }

    /// An integer within `range`.
    pub fn int_in(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, String> {
        match self.int(key)? {
            Some(value) if !range.contains(&value) => Err(format!(
                "{key} must be between {} and {}, got {value}",
                range.start(),
                range.end()
            )),
            other => Ok(other),
        }
    }

    /// `true`/`false`.
    pub fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        self.get(key)
            .map(|value| match value {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(format!("{key} must be true or false, got {value:?}")),
            })
            .transpose()
    }

    /// Refuses a parameter the vendor does not document, as real APIs do, so an
    /// app that sends one fails here rather than only against the vendor.
    /// `known` holds the documented names; arrays (`event[0]`, `event[]`) count
    /// as their name.
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        let base = |key: &str| -> String {
            match key.split_once('[') {
                Some((name, index))
                    if index
                        .strip_suffix(']')
                        .is_some_and(|i| i.chars().all(|c| c.is_ascii_digit())) =>
                {
                    name.to_owned()
                }
                _ => key.to_owned(),
            }
        };
        match self
            .0
            .iter()
            .find(|(key, _)| !known.contains(&base(key).as_str()))
        {
            Some((key, _)) => Err(format!("Unknown parameter: {key}")),
            None => Ok(()),
        }
    }

    /// Every value of a parameter that accepts arrays: `key=a`, `key[]=a`,
    /// `key[0]=a&key[1]=b`.
    pub fn list(&self, key: &str) -> Vec<&str> {
        let bracketed = format!("{key}[");
        self.0
            .iter()
            .filter(|(k, _)| {
                k == key
                    || (k.starts_with(&bracketed)
                        && k.ends_with(']')
                        && k[bracketed.len()..k.len() - 1]
                            .chars()
                            .all(|c| c.is_ascii_digit()))
            })
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Offset paging over an already filtered, sorted list: `(page, has_more)`.
pub fn offset_page<T: Clone>(items: &[T], offset: usize, limit: usize) -> (Vec<T>, bool) {
    let page: Vec<T> = items.iter().skip(offset).take(limit).cloned().collect();
    let has_more = offset.saturating_add(page.len()) < items.len();
    (page, has_more)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn arrays_accept_every_documented_form() {
        let p = params(&[
            ("event", "a"),
            ("event[0]", "b"),
            ("event[1]", "c"),
            ("event[]", "d"),
            ("events", "x"),
            ("event[x]", "y"),
        ]);
        assert_eq!(p.list("event"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn typed_getters_report_bad_values() {
        let p = params(&[("limit", "0"), ("days", "x"), ("flag", "yes")]);
        assert!(p
            .int_in("limit", 1..=100)
            .unwrap_err()
            .contains("between 1 and 100"));
        assert!(p.int("days").unwrap_err().contains("days"));
        assert!(p.bool("flag").is_err());
        assert_eq!(p.int("absent"), Ok(None));
    }

    #[test]
    fn offset_pages_report_more() {
        let items: Vec<u32> = (0..5).collect();
        assert_eq!(offset_page(&items, 0, 2), (vec![0, 1], true));
        assert_eq!(offset_page(&items, 4, 2), (vec![4], false));
        assert_eq!(offset_page(&items, 9, 2), (vec![], false));
    }

    #[test]
    fn undocumented_parameters_are_named() {
        let p = Params(
            [
                ("event[0]", "a"),
                ("event[]", "b"),
                ("pg[limit]", "5"),
                ("from", "1"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        assert_eq!(p.only(&["event", "pg[limit]", "from"]), Ok(()));
        assert_eq!(
            p.only(&["event", "from"]),
            Err("Unknown parameter: pg[limit]".to_owned())
        );
        let stray = Params(vec![("_".into(), "1".into())]);
        assert_eq!(
            stray.only(&["event"]),
            Err("Unknown parameter: _".to_owned())
        );
    }
}
