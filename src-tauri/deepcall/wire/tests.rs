//! DeepCall's answers read leniently, field by field.

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

/// One field read by `de`, from a parsed `Value` and from the bytes
/// (through `Checked`): the same value, or the same error's words (the
/// bytes' error adds where it was).
fn both_ways<T>(
    de: fn(&mut serde_json::Deserializer<serde_json::de::StrRead>) -> serde_json::Result<T>,
    value_de: fn(Value) -> serde_json::Result<T>,
    text: &str,
) -> Result<T, String>
where
    T: PartialEq + fmt::Debug,
{
    let from_value = value_de(serde_json::from_str(text).unwrap()).map_err(|e| e.to_string());
    let mut d = serde_json::Deserializer::from_str(text);
    let from_bytes = de(&mut d).map_err(|e| e.to_string());
    match (&from_value, &from_bytes) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
        (Err(a), Err(b)) => assert!(b.starts_with(a.as_str()), "{text}: {a} / {b}"),
        _ => panic!("{text}: {from_value:?} / {from_bytes:?}"),
    }
    from_value
}

macro_rules! reader {
    ($de:ident) => {
        (
            |d: &mut serde_json::Deserializer<serde_json::de::StrRead>| $de(Checked(d)),
            |v: Value| $de(v),
        )
    };
}

const INPUTS: &[&str] = &[
    "28",
    "\"28\"",
    "\" 28 \"",
    "28.0",
    "28.5",
    "-3",
    "-0",
    "0",
    "1",
    "2",
    "\"x1\"",
    "null",
    "true",
    "false",
    "\"Y\"",
    "\"n\"",
    "\" yes \"",
    "\"NO\"",
    "\"True\"",
    "\"maybe\"",
    "\"\"",
    "9007199254740991",
    "9007199254740992",
    "18446744073709551616",
    "1e3",
    "-1.5e2",
    "\"caf\\u00e9\"",
    "[1,2]",
    "{\"a\":\"b\"}",
    "[]",
    "\"a very long string that goes on and on past forty characters\"",
];

#[test]
fn every_reader_reads_a_value_and_the_bytes_alike() {
    for text in INPUTS {
        let (b, v) = reader!(de_id);
        let id = both_ways(b, v, text).ok();
        assert_eq!(
            id,
            id_from_value(&serde_json::from_str(text).unwrap()),
            "{text}"
        );
        let (b, v) = reader!(de_opt_id);
        both_ways(b, v, text).ok();
        let (b, v) = reader!(de_flag);
        let flag = both_ways(b, v, text).ok();
        assert_eq!(
            flag,
            flag_from_value(&serde_json::from_str(text).unwrap()),
            "{text}"
        );
        let (b, v) = reader!(de_opt_text);
        let t = both_ways(b, v, text).unwrap();
        assert_eq!(
            t,
            text_from_value(&serde_json::from_str(text).unwrap()),
            "{text}"
        );
        let (b, v) = reader!(de_opt_int);
        let n = both_ways(b, v, text).unwrap();
        assert_eq!(
            n,
            int_from_value(&serde_json::from_str(text).unwrap()),
            "{text}"
        );
    }
}

#[test]
fn readers_errors_name_the_value() {
    let err = de_id(json!("x1")).unwrap_err().to_string();
    assert_eq!(err, "not an id: \"x1\"");
    let err = de_flag(json!([1, 2])).unwrap_err().to_string();
    assert_eq!(err, "not a yes/no flag: [1,2]");
    let err = de_opt_id(json!(-3)).unwrap_err().to_string();
    assert_eq!(err, "not an id: -3");
    assert_eq!(de_opt_id(json!(null)).unwrap(), None);
    assert_eq!(de_opt_text(json!(28.0)).unwrap().as_deref(), Some("28.0"));
    assert_eq!(de_opt_text(json!(true)).unwrap(), None);
    assert_eq!(de_opt_int(json!("-7")).unwrap(), Some(-7));
}

/// What serde_json skips unread it does not check; through `Checked` it does.
#[test]
fn checked_reads_skipped_values_as_a_value_would() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Known {
        a: u8,
    }
    let bad: [&[u8]; 4] = [
        b"{\"a\":1,\"x\":\"\xff\"}",
        b"{\"a\":1,\"x\":\"\\ud800\"}",
        b"{\"a\":1,\"x\":1e400}",
        &[
            b"{\"a\":1,\"x\":".as_slice(),
            &[b'['; 200],
            &[b']'; 200],
            b"}",
        ]
        .concat(),
    ];
    for bytes in bad {
        let shown = String::from_utf8_lossy(bytes);
        assert!(serde_json::from_slice::<Value>(bytes).is_err(), "{shown}");
        assert!(serde_json::from_slice::<Known>(bytes).is_ok(), "{shown}");
        let mut d = serde_json::Deserializer::from_slice(bytes);
        assert!(Known::deserialize(Checked(&mut d)).is_err(), "{shown}");
    }
    let mut d = serde_json::Deserializer::from_slice(b"{\"x\":[{\"y\":null}],\"a\":1}");
    assert_eq!(Known::deserialize(Checked(&mut d)).unwrap().a, 1);
}
