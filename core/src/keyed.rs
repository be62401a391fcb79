//! One small macro for the enums whose variants each carry a stable key (URLs,
//! files, configuration) and a label for people: `ALL`, `key`, `label` and
//! `from_key` are written once, from one table, instead of by hand per enum.

/// Declares a fieldless enum from `Variant = ("key", "Label")` rows and gives it
/// `ALL` (declaration order), `key`, `label` and `from_key`. A key repeated by
/// mistake is an unreachable pattern, which the lints refuse.
#[macro_export]
macro_rules! keyed_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = ($key:literal, $label:literal)
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$variant_meta])* $variant),+
        }

        impl $name {
            /// Every variant, in declaration order (the order the UI lists them).
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The stable key used in URLs, files and configuration.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key),+
                }
            }

            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// Inverse of `key`; `None` for anything that is not one.
            pub fn from_key(key: &str) -> Option<$name> {
                match key {
                    $($key => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    keyed_enum! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Fruit {
            Apple = ("apple", "Apple"),
            /// Doc comments on variants are kept.
            BloodOrange = ("blood-orange", "Blood orange"),
        }
    }

    #[test]
    fn keys_and_labels_come_from_one_table() {
        assert_eq!(Fruit::ALL, [Fruit::Apple, Fruit::BloodOrange]);
        for fruit in Fruit::ALL {
            assert_eq!(Fruit::from_key(fruit.key()), Some(fruit));
        }
        assert_eq!(Fruit::BloodOrange.label(), "Blood orange");
        assert_eq!(Fruit::from_key("Apple"), None);
    }
}
