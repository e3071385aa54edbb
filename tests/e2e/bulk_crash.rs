//! A bulk run cut off by a crash, with rows in flight. The app is
//! killed with SIGKILL mid-run while two rows' answers are held: DeepCall has
//! applied one and not the other. At the next start the Bulk update screen
//! offers to resume the run; resumed, it reads back every row not yet
//! confirmed instead of sending blindly: the applied one is confirmed, the
//! other (DeepCall has other values, and whether someone changed it since
//! cannot be told) is not sent over them, and the rest is sent. The
//! sandbox's log proves that no row was carried out twice. (`bulk.rs` has the plain case with the 50-row file:
//! the badge, the notice and Resume.)

use std::sync::Arc;
use std::time::Duration;

use deepcall_desk::sandbox::{extra_contact, Answer, Fault, Misbehaviour, Options, Sandbox};
use thirtyfour::prelude::*;

use crate::support::requests::{GET_INFO, UPDATE};
use crate::support::{App, Launch, TempDir, WAIT};

const ROWS: usize = 400;

/// A name of letters only (the editor's rule for names), one per row.
fn name_of(i: usize) -> String {
    let letter = |n: usize| char::from(b'a' + (n % 26) as u8);
    format!("Caller {}{}", letter(i / 26), letter(i))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_way_resumes_at_the_next_start_and_sends_no_row_twice() {
    let sb = Arc::new(
        Sandbox::start(Options {
            contacts: ROWS,
            ..Options::default()
        })
        .await
        .unwrap(),
    );
    // Slow answers, so that the run is still under way when it is cut off.
    sb.set_misbehaviour(Misbehaviour {
        delay: Some(Duration::from_millis(20)..=Duration::from_millis(40)),
        seed: 3,
        ..Misbehaviour::default()
    })
    .unwrap();
    let home = Arc::new(TempDir::new("bulk-crash"));
    let file = home.0.join("vip.csv");
    // Each row also names its contact as the directory already has it: a
    // row in flight that was not applied then reads back half as the row
    // has it (the name) and half not (VIP), and must still be found not
    // applied, and sent again.
    let mut csv = String::from("Phone,Name,VIP\n");
    for i in 0..ROWS {
        sb.add_contact(&extra_contact(i), &name_of(i));
        csv += &format!("{},{},yes\n", extra_contact(i), name_of(i));
    }
    std::fs::write(&file, csv).unwrap();
    let launch = || Launch {
        sandbox: Some(sb.clone()),
        home: Some(home.clone()),
        ..Launch::new("bulk-crash")
    };

    // ---- the run, cut off --------------------------------------------------
    let app = App::launch_with(launch()).await;
    app.go("Bulk update").await;
    app.bulk().choose(&file).await;
    app.bulk().wait_step("Match the columns").await;
    app.click_button("Check the rows").await;
    app.click_button(&format!("Send {ROWS} rows")).await;
    app.bulk().wait_step("Sending").await;
    assert!(
        sb.wait_for_log(WAIT, |log| log.iter().filter(|r| r.carried_out).count()
            >= 100)
            .await,
        "a hundred rows were sent"
    );
    // The next two updates: one applied, one not; neither is answered.
    sb.fail_next_on(UPDATE, Fault::Hold { apply: true });
    sb.fail_next_on(UPDATE, Fault::Hold { apply: false });
    assert!(
        sb.wait_for_log(WAIT, |log| log
            .iter()
            .filter(|r| r.answer == Answer::Held)
            .count()
            == 2)
            .await,
        "two rows are in flight"
    );
    app.screenshot("bulk-crash-before").await;
    app.kill();
    app.close().await;
    sb.release_held();
    // Slowed answers still under way end (the longest wait is 40 ms).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = sb.updates_carried_out();
    assert!(before.len() < ROWS, "the run was cut off before its end");
    let held_back = sb
        .requests_to(UPDATE)
        .iter()
        .find(|r| r.fault == Some(Fault::Hold { apply: false }))
        .and_then(|r| r.json.as_ref()?["contact"].as_str().map(str::to_owned))
        .expect("the row held unapplied");
    sb.set_misbehaviour(Misbehaviour::default()).unwrap();
    sb.clear_requests();

    // ---- the next start: resume --------------------------------------------
    let app = App::launch_with(launch()).await;
    app.go("Bulk update").await;
    app.wait_text("was not finished").await;
    app.screenshot("bulk-crash-resume-offer").await;
    app.click_button("Resume").await;
    app.bulk().wait_step("Results").await;
    // Rows on their way that never arrived (the held one, and any the
    // kill caught before they reached DeepCall) are not sent over values
    // that may be newer; every other row is confirmed.
    let counts = app.text_of(By::Css("[data-testid='bulk-counts']")).await;
    let number_before = |words: &str| -> usize {
        let at = counts.find(words).unwrap_or_else(|| panic!("{counts}"));
        let digits: String = counts[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().unwrap_or_else(|_| panic!("{counts}"))
    };
    let confirmed = number_before(" confirmed");
    let held = number_before(" not sent — DeepCall has other values");
    assert_eq!(confirmed + held, ROWS, "{counts}");
    assert!((1..=32).contains(&held), "{counts}");
    app.screenshot("bulk-crash-resumed").await;
    app.close().await;

    // The rows in flight were read again, not re-sent blindly.
    assert!(
        sb.requests_to(GET_INFO).len() >= 2,
        "the rows in flight were checked"
    );
    // No row carried out twice, across both starts; every row but those
    // held back once, and the held ones never.
    let after = sb.updates_carried_out();
    let mut never = Vec::new();
    for i in 0..ROWS {
        let n = extra_contact(i);
        let times = before.get(&n).copied().unwrap_or(0) + after.get(&n).copied().unwrap_or(0);
        assert!(times <= 1, "row {} ({n}) carried out {times} times", i + 2);
        assert_eq!(sb.contact(&n).unwrap()["other"]["vip"], times == 1, "{n}");
        if times == 0 {
            never.push(n);
        }
    }
    assert_eq!(never.len(), held, "{never:?}");
    assert!(never.contains(&held_back), "{never:?}");
}
