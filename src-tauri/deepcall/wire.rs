//! Lenient readers for what DeepCall actually sends.
//!
//! The vendor's tables and examples disagree (ids as numbers in one place and
//! strings in another; "Y"/"N" flags; dialer keys in either case), so the
//! client reads every such field through one of these helpers.

use serde::{de, Deserialize, Deserializer};
use serde_json::Value;

/// The largest id a JavaScript number holds exactly; larger ones are refused
/// so that ids survive the trip to the UI.
pub const MAX_ID: u64 = (1 << 53) - 1;

/// An id from a number (`28`, `28.0`) or a string (`"28"`, `" 28 "`).
pub fn id_from_value(v: &Value) -> Option<u64> {
    let n = match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    }?;
    (n <= MAX_ID).then_some(n)
}

/// A yes/no flag from `"Y"`/`"N"` in any case, `"yes"`/`"no"`, booleans or `1`/`0`.
pub fn flag_from_value(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" => Some(true),
            "n" | "no" | "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Text from a string or a number; `None` for null or anything else.
pub fn text_from_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A whole number from a number or a numeric string.
pub fn int_from_value(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    id_from_value(&v).ok_or_else(|| de::Error::custom(format!("not an id: {}", short(&v))))
}

pub fn de_opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::Null => Ok(None),
        v => id_from_value(&v)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("not an id: {}", short(&v)))),
    }
}

pub fn de_flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let v = Value::deserialize(d)?;
    flag_from_value(&v)
        .ok_or_else(|| de::Error::custom(format!("not a yes/no flag: {}", short(&v))))
}

pub fn de_opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text_from_value(&Value::deserialize(d)?))
}

pub fn de_opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(int_from_value(&Value::deserialize(d)?))
}

/// A list that may arrive as `null` (read as empty).
pub fn de_list_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A short rendering of a value for error details (never the whole answer).
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(40).collect();
        format!("{cut}…")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_as_numbers_or_strings() {
        assert_eq!(id_from_value(&json!(28)), Some(28));
        assert_eq!(id_from_value(&json!("28")), Some(28));
        assert_eq!(id_from_value(&json!(" 1001 ")), Some(1001));
        assert_eq!(id_from_value(&json!(28.0)), Some(28));
        assert_eq!(id_from_value(&json!(28.5)), None);
        assert_eq!(id_from_value(&json!(-3)), None);
        assert_eq!(id_from_value(&json!("x1")), None);
        assert_eq!(id_from_value(&json!(null)), None);
        assert_eq!(id_from_value(&json!(MAX_ID + 1)), None);
    }

    #[test]
    fn flags_in_any_case() {
        for y in [json!("Y"), json!("y"), json!("yes"), json!(true), json!(1)] {
            assert_eq!(flag_from_value(&y), Some(true), "{y}");
        }
        for n in [json!("N"), json!("n"), json!("No"), json!(false), json!(0)] {
            assert_eq!(flag_from_value(&n), Some(false), "{n}");
        }
        assert_eq!(flag_from_value(&json!("maybe")), None);
        assert_eq!(flag_from_value(&json!(2)), None);
    }
}
