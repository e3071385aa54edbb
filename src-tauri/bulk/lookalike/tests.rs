//! Numbers that may be the same caller, named and kept or left out.

use super::*;
use crate::bulk::{plan, preview, propose, read, Counts, Preview, RowState};

fn number(text: &str) -> ContactNumber {
    ContactNumber::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn run(csv: &str, choice: SameCaller) -> Preview {
    let table = read(csv.as_bytes()).unwrap();
    preview(&table, &propose(&table.headers), choice).unwrap()
}

fn states(p: &Preview) -> Vec<(u32, RowState)> {
    p.rows.iter().map(|r| (r.line, r.state)).collect()
}

fn named(p: &Preview) -> Vec<u32> {
    p.same_caller_rows.iter().map(|&i| p.rows[i].line).collect()
}

#[test]
fn the_four_spellings_of_one_mobile() {
    let spellings = [
        "+91 98100 00001",
        "919810000001",
        "098100 00001",
        "9810000001",
    ];
    let digits: Vec<String> = spellings
        .iter()
        .map(|s| number(s).as_str().to_owned())
        .collect();
    // Sent as written: digits only, no prefix added or removed.
    assert_eq!(
        digits,
        ["919810000001", "919810000001", "09810000001", "9810000001"]
    );
    for d in &digits {
        assert_eq!(national(d), Some("9810000001"), "{d}");
    }
    // `+91` and `91` are the same digits: the same number, not a look-alike.
    assert!(!may_be_same(&number(spellings[0]), &number(spellings[1])));
    for (a, b) in [(0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] {
        assert!(
            may_be_same(&number(spellings[a]), &number(spellings[b])),
            "{} and {}",
            spellings[a],
            spellings[b]
        );
    }
}

#[test]
fn ten_digits_then_0_91_and_plus_91_before_them() {
    let ten = number("9810000001");
    for other in ["09810000001", "919810000001", "+919810000001"] {
        assert!(may_be_same(&ten, &number(other)), "{other}");
        assert!(may_be_same(&number(other), &ten), "{other}");
    }
    // A landline with its area code is 10 digits too.
    assert!(may_be_same(
        &number("011 2345 6789"),
        &number("+91 11 2345 6789")
    ));
}

#[test]
fn numbers_that_only_share_digits_are_not_look_alikes() {
    let ten = number("9810000001");
    for other in [
        "8109810000001",  // 13 digits that end alike
        "19810000001",    // 11 digits, not 0 first
        "929810000001",   // 12 digits, not 91 first
        "0919810000001",  // 0 and 91 together: 13 digits
        "00919810000001", // the international prefix: 14 digits
        "9810000002",     // one digit apart
        "981000000",      // 9 digits
        "9810000001",     // the same number: an exact duplicate
    ] {
        assert!(!may_be_same(&ten, &number(other)), "{other}");
    }
    // No Indian number starts with 0 once its prefix is taken off.
    assert_eq!(national("0981000000"), None);
    assert_eq!(national("00981000000"), None);
    assert_eq!(national("910981000000"), None);
    assert_eq!(national("123456"), None);
}

#[test]
fn exact_duplicates_are_still_replaced_by_the_last_and_not_named() {
    for choice in [SameCaller::KeepBoth, SameCaller::KeepLast] {
        let p = run(
            "Phone,VIP\n\
             98765 43210,yes\n\
             +91 98765 43211,yes\n\
             9876543210,no\n\
             919876543211,no\n",
            choice,
        );
        assert_eq!(
            states(&p),
            [
                (2, RowState::Replaced),
                (3, RowState::Replaced),
                (4, RowState::Ready),
                (5, RowState::Ready)
            ]
        );
        assert_eq!(p.counts.replaced, 2);
        assert_eq!(p.counts.same_caller, 0);
        assert!(p.rows.iter().all(|r| r.same_caller.is_empty()));
    }
}

const FILE: &str = "Customer Name,Mobile No,VIP\n\
                    Ravi Verma,+91 98100 00001,yes\n\
                    Asha Rao,98765 43210,yes\n\
                    Ravi,098100 00001,no\n\
                    Ravi V,98100 00001,yes\n\
                    Sunil,8109810000001,yes\n";

#[test]
fn keep_both_names_them_and_sends_each_as_written() {
    let p = run(FILE, SameCaller::KeepBoth);
    assert_eq!(p.counts.ready, 5);
    assert_eq!(
        (p.counts.same_caller, p.counts.left_out_same_caller),
        (3, 0)
    );
    assert_eq!(named(&p), [2, 4, 5]);
    let others: Vec<(u32, &str)> = p.rows[0]
        .same_caller
        .iter()
        .map(|l| (l.line, l.number.as_str()))
        .collect();
    assert_eq!(others, [(4, "09810000001"), (5, "9810000001")]);
    assert!(p.rows[1].same_caller.is_empty());
    assert!(p.rows[4].same_caller.is_empty(), "only shares digits");

    let table = read(FILE.as_bytes()).unwrap();
    let (send, left) = plan(&table, &p, true);
    let sent: Vec<String> = send
        .iter()
        .map(|r| match &r.change {
            crate::history::Change::Contact { number, .. } => number.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        sent,
        [
            "919810000001",
            "9876543210",
            "09810000001",
            "9810000001",
            "8109810000001"
        ]
    );
    assert!(left.is_empty());
}

#[test]
fn keep_the_last_sends_only_the_last_and_says_why_of_the_others() {
    let p = run(FILE, SameCaller::KeepLast);
    assert_eq!(
        states(&p),
        [
            (2, RowState::LeftOutSameCaller),
            (3, RowState::Ready),
            (4, RowState::LeftOutSameCaller),
            (5, RowState::Ready),
            (6, RowState::Ready)
        ]
    );
    assert_eq!(
        p.counts,
        Counts {
            rows: 5,
            ready: 3,
            same_caller: 3,
            left_out_same_caller: 2,
            ..Counts::default()
        }
    );
    assert_eq!(p.choice, SameCaller::KeepLast);
    assert_eq!(named(&p), [2, 4, 5], "still named, all of them");
    let first = &p.rows[0];
    assert_eq!((first.replaced_by, &first.update), (Some(5), &None));
    assert_eq!(
        first.note.as_deref(),
        Some(
            "Row 2 is not sent: row 5 may be the same caller (9810000001) and comes later, \
             and you chose Keep the last."
        )
    );

    let table = read(FILE.as_bytes()).unwrap();
    let (send, left) = plan(&table, &p, true);
    assert_eq!(send.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 5, 6]);
    let reasons: Vec<(u32, &str)> = left.iter().map(|l| (l.line, l.reason.as_str())).collect();
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0], (2, first.note.as_deref().unwrap()));
    assert_eq!(left[1].number.as_deref(), Some("09810000001"));
    assert!(reasons[1].1.starts_with("Row 4 is not sent: row 5 may be"));
}

#[test]
fn keep_the_last_after_exact_duplicates() {
    // Row 2 is replaced by row 3 (the same number); rows 3 and 4 may
    // be the same caller, and row 4 is the last of them.
    let p = run(
        "Phone,VIP\n9810000001,yes\n9810000001,no\n+91 9810000001,yes\n",
        SameCaller::KeepLast,
    );
    assert_eq!(
        states(&p),
        [
            (2, RowState::Replaced),
            (3, RowState::LeftOutSameCaller),
            (4, RowState::Ready)
        ]
    );
    assert!(p.rows[0]
        .note
        .as_deref()
        .unwrap()
        .contains("the same number"));
    assert_eq!(named(&p), [2, 3, 4]);
    let others: Vec<u32> = p.rows[0].same_caller.iter().map(|l| l.line).collect();
    assert_eq!(others, [4]);
    let others: Vec<u32> = p.rows[2].same_caller.iter().map(|l| l.line).collect();
    assert_eq!(others, [3], "each spelling at its last row");
}

#[test]
fn a_left_out_row_no_longer_asks_to_blacklist() {
    let csv = "Phone,Blacklisted\n09810000001,yes\n9810000001,no\n";
    let both = run(csv, SameCaller::KeepBoth);
    assert_eq!(both.counts.blacklisting, 1);
    let last = run(csv, SameCaller::KeepLast);
    assert_eq!(last.counts.blacklisting, 0);
    assert!(last.blacklisting.is_empty());
}

#[test]
fn the_choice_as_the_screen_sends_it() {
    assert_eq!(SameCaller::default(), SameCaller::KeepBoth);
    let c: SameCaller = serde_json::from_value(serde_json::json!("keepLast")).unwrap();
    assert_eq!(c, SameCaller::KeepLast);
}
