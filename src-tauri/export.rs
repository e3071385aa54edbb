//! A group's member list as CSV, for a spreadsheet. No Tauri here.

use crate::csv_guard::push_row;
use crate::deepcall::group::GroupMembers;

/// Members files are read by spreadsheets where a comma separates cells.
const SEPARATOR: char = ',';

/// RFC 4180 CSV (CRLF line ends) with a UTF-8 byte-order mark, so that
/// Excel shows names in any script correctly.
pub fn members_csv(group: &GroupMembers) -> String {
    let mut out = String::from("\u{feff}");
    push_row(
        &mut out,
        &["Name", "Number", "Receives calls", "Note"],
        SEPARATOR,
    );
    for m in &group.members {
        let number = m.agent_id.to_string();
        push_row(
            &mut out,
            &[
                m.name.as_deref().unwrap_or(""),
                &number,
                if m.receives_calls { "Yes" } else { "No" },
                if m.in_agent_list {
                    ""
                } else {
                    "Not in the account's agent list"
                },
            ],
            SEPARATOR,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deepcall::group::{Group, Member};

    fn member(id: u64, name: Option<&str>, on: bool, listed: bool) -> Member {
        Member {
            agent_id: id,
            name: name.map(str::to_owned),
            in_agent_list: listed,
            receives_calls: on,
        }
    }

    fn group(members: Vec<Member>) -> GroupMembers {
        GroupMembers {
            group: Group {
                id: 28,
                name: "G".into(),
                status: None,
                created_at: None,
                created_by: None,
            },
            members,
            other_agents: vec![],
        }
    }

    #[test]
    fn quotes_defuses_and_marks() {
        let g = group(vec![
            member(3, Some("bhawesh"), true, true),
            member(4, Some("Sharma, \"Raj\""), false, true),
            member(5, Some("=HYPERLINK(\"x\")"), true, true),
            member(12, None, false, false),
            member(13, Some("Zoë 😀"), true, true),
        ]);
        let csv = members_csv(&g);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], "Name,Number,Receives calls,Note");
        assert_eq!(lines[1], "bhawesh,3,Yes,");
        assert_eq!(lines[2], "\"Sharma, \"\"Raj\"\"\",4,No,");
        assert_eq!(lines[3], "\"'=HYPERLINK(\"\"x\"\")\",5,Yes,");
        assert_eq!(lines[4], ",12,No,Not in the account's agent list");
        assert_eq!(lines[5], "Zoë 😀,13,Yes,");
        assert_eq!(lines[6], "");
        assert!(csv.starts_with('\u{feff}'));
    }

    #[test]
    fn no_formula_starts_after_a_separator_either() {
        let g = group(vec![
            member(3, Some("x;=1+1"), true, true),
            member(4, Some("y, =HYPERLINK(\"http://a\")"), false, true),
            member(5, Some("Ravi;-1"), true, true),
        ]);
        crate::csv_guard::assert_no_formula_in_any_reading(&members_csv(&g));
    }
}
