//! A line-up as CSV, for a spreadsheet or a colleague.

use crate::csv_guard::push_row;

use super::Lineup;

/// Line-up files are read by spreadsheets where a comma separates cells.
const SEPARATOR: char = ',';

/// RFC 4180 CSV (CRLF line ends) with a UTF-8 byte-order mark, so that
/// Excel shows names in any script correctly: one row per member of each
/// group, in the line-up's order.
pub fn lineup_csv(lineup: &Lineup) -> String {
    let mut out = String::from("\u{feff}");
    push_row(
        &mut out,
        &[
            "Line-up",
            "Group",
            "Group number",
            "Agent",
            "Agent number",
            "Receives calls",
        ],
        SEPARATOR,
    );
    for g in &lineup.groups {
        let group = g.group.to_string();
        for m in &g.members {
            let agent = m.agent_id.to_string();
            push_row(
                &mut out,
                &[
                    &lineup.name,
                    &g.group_name,
                    &group,
                    m.name.as_deref().unwrap_or(""),
                    &agent,
                    if m.receives_calls { "Yes" } else { "No" },
                ],
                SEPARATOR,
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineups::{LineupGroup, LineupMember};

    #[test]
    fn each_member_of_each_group_is_a_row_and_formulas_stay_text() {
        let lineup = Lineup {
            id: 1,
            name: "=Morning".into(),
            groups: vec![LineupGroup {
                group: 28,
                group_name: "Mahipal singh, sales".into(),
                members: vec![
                    LineupMember {
                        agent_id: 8,
                        name: Some("manoj".into()),
                        receives_calls: true,
                    },
                    LineupMember {
                        agent_id: 12,
                        name: None,
                        receives_calls: false,
                    },
                ],
            }],
            slots: vec![],
            slot_words: vec![],
            updated_ms: 0,
        };
        let csv = lineup_csv(&lineup);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Line-up,Group,Group number,Agent,Agent number,Receives calls"
        );
        assert_eq!(
            lines[1],
            "'=Morning,\"Mahipal singh, sales\",28,manoj,8,Yes"
        );
        assert_eq!(lines[2], "'=Morning,\"Mahipal singh, sales\",28,,12,No");
        assert_eq!(lines[3], "");
    }
}
