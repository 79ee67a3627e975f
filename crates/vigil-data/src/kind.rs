//! Column kinds, decided by looking at every non-missing value of a column.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Integer,
    Number,
    Boolean,
    Timestamp,
    Text,
}

/// Which kinds every value seen so far is compatible with. A column with no values at all is text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KindGuess {
    seen: bool,
    integer: bool,
    number: bool,
    boolean: bool,
    timestamp: bool,
}

impl Default for KindGuess {
    fn default() -> Self {
        Self {
            seen: false,
            integer: true,
            number: true,
            boolean: true,
            timestamp: true,
        }
    }
}

impl KindGuess {
    /// Narrows the guess by one present value; returns the value as a number while every
    /// value so far has been one (so numeric columns are parsed once).
    pub(crate) fn observe(&mut self, value: &str) -> Option<f64> {
        self.seen = true;
        let mut parsed = None;
        if self.number {
            parsed = value.parse::<f64>().ok().filter(|x| x.is_finite());
            self.number = parsed.is_some();
        }
        if self.integer {
            self.integer = self.number && value.parse::<i64>().is_ok();
        }
        if self.boolean {
            self.boolean = matches!(
                value,
                "true" | "false" | "True" | "False" | "TRUE" | "FALSE"
            );
        }
        if self.timestamp {
            self.timestamp = is_timestamp(value);
        }
        parsed
    }

    /// The guess after the values of both `self` and `other` (parts of one column read apart).
    pub(crate) fn merge(self, other: Self) -> Self {
        Self {
            seen: self.seen || other.seen,
            integer: self.integer && other.integer,
            number: self.number && other.number,
            boolean: self.boolean && other.boolean,
            timestamp: self.timestamp && other.timestamp,
        }
    }

    pub(crate) fn kind(self) -> ColumnKind {
        if !self.seen {
            ColumnKind::Text
        } else if self.integer {
            ColumnKind::Integer
        } else if self.number {
            ColumnKind::Number
        } else if self.boolean {
            ColumnKind::Boolean
        } else if self.timestamp {
            ColumnKind::Timestamp
        } else {
            ColumnKind::Text
        }
    }
}

/// ISO 8601 date or date-time: `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM[:SS[.fraction]]`, optionally followed by `Z` or an offset `±HH:MM`.
pub(crate) fn is_timestamp(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
    };
    let number = |range: std::ops::Range<usize>| -> u32 {
        value
            .get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or(u32::MAX)
    };
    let date_shape = digits(0..4)
        && bytes.get(4) == Some(&b'-')
        && digits(5..7)
        && bytes.get(7) == Some(&b'-')
        && digits(8..10);
    if !date_shape {
        return false;
    }
    if !(1..=12).contains(&number(5..7)) || !(1..=31).contains(&number(8..10)) {
        return false;
    }
    if bytes.len() == 10 {
        return true;
    }
    if !matches!(bytes.get(10), Some(b'T' | b' '))
        || !digits(11..13)
        || bytes.get(13) != Some(&b':')
        || !digits(14..16)
    {
        return false;
    }
    if number(11..13) > 23 || number(14..16) > 59 {
        return false;
    }
    let mut rest = &value[16..];
    if let Some(seconds) = rest.strip_prefix(':') {
        let (whole, tail) = seconds.split_at(seconds.len().min(2));
        if whole.len() != 2 || !whole.bytes().all(|b| b.is_ascii_digit()) || whole > "60" {
            return false;
        }
        rest = tail;
        if let Some(fraction) = rest.strip_prefix('.') {
            let end = fraction
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(fraction.len());
            if end == 0 {
                return false;
            }
            rest = &fraction[end..];
        }
    }
    match rest.as_bytes() {
        [] | [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_iso_timestamps() {
        for ok in [
            "2024-01-01",
            "2024-01-01T00:00:00",
            "2024-12-31 23:59",
            "2024-02-29T12:30:45.123Z",
            "2024-02-29T12:30:45+01:00",
        ] {
            assert!(is_timestamp(ok), "{ok}");
        }
        for bad in [
            "2024-13-01",
            "2024-1-01",
            "01/02/2024",
            "2024-01-01T25:00",
            "2024-01-01Tx",
            "20240101",
        ] {
            assert!(!is_timestamp(bad), "{bad}");
        }
    }

    #[test]
    fn kind_is_the_narrowest_that_fits_every_value() {
        let kind_of = |values: &[&str]| {
            let mut guess = KindGuess::default();
            for v in values {
                guess.observe(v);
            }
            guess.kind()
        };
        assert_eq!(kind_of(&["1", "2", "-3"]), ColumnKind::Integer);
        assert_eq!(kind_of(&["1", "2.5"]), ColumnKind::Number);
        assert_eq!(kind_of(&["true", "False"]), ColumnKind::Boolean);
        assert_eq!(
            kind_of(&["2024-01-01", "2024-01-02T10:00:00"]),
            ColumnKind::Timestamp
        );
        assert_eq!(kind_of(&["North", "1"]), ColumnKind::Text);
        assert_eq!(kind_of(&["inf"]), ColumnKind::Text);
        assert_eq!(kind_of(&[]), ColumnKind::Text);
    }
}
