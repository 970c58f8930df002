//! The roster as the coordinator calls it, driven by keys: every business
//! name whole (wrapped where the column is narrow), when each station was
//! last heard, a timer for the station being called, and the calling script
//! from `[rollcall] script`. On the demo and on a store made from empty.

mod support;

use support::*;
use watchroom::app::config::Config;

/// The roster's lines (the left half of the screen), as text.
fn roster(c: &Console, w: u16) -> Vec<String> {
    c.text_at(w, 40)
        .lines()
        .map(|l| l.chars().take(usize::from(w) * 64 / 100).collect())
        .collect()
}

#[test]
fn every_business_name_is_whole_on_the_roster_however_narrow_and_each_station_says_when_last_heard()
{
    let mut c = demo_console();
    // a station heard by hand this morning
    c.keys("5o");
    c.keys("HS07");
    c.key(ratatui::crossterm::event::KeyCode::Enter);
    c.keys("R");
    let stations = c.roll_call().stations.clone();
    for w in [100u16, 140] {
        c.update(watchroom::app::Action::Resize(w, 40));
        let lines = roster(&c, w);
        let text = lines.join("\n");
        // the first screenful's names, word by word, each word on the screen
        for st in stations.iter().take(12) {
            for word in st.member.split(' ') {
                assert!(
                    text.contains(word),
                    "{w} wide: “{word}” of {}\n{text}",
                    st.member
                );
            }
        }
        let hs07 = lines.iter().find(|l| l.contains("HS07")).unwrap();
        let today = now().format("%H:%M").to_string();
        assert!(hs07.contains(&today), "heard this morning: {hs07}");
    }
    // a long name at 100 wide takes a second line rather than being cut
    c.update(watchroom::app::Action::Resize(100, 40));
    let text = roster(&c, 100).join("\n");
    assert!(
        text.contains("Holland &") && text.contains("Barrett"),
        "{text}"
    );
    assert!(
        !text.contains("Holland & Barrett"),
        "wrapped at 100 wide: {text}"
    );
}

#[test]
fn the_station_being_called_has_a_timer_and_the_script_names_it() {
    let config = Config::parse(
        "[rollcall]\nscript = \"{call_sign}, {call_sign}, this is Control: radio check for {business}, over\"\n",
    )
    .unwrap();
    let (_dir, path) = demo_store();
    let mut c = console_on(&path, "Tom Baxter", config);
    c.keys("5R");
    let st = c.roll_call().stations[0].clone();
    let say = format!(
        "{0}, {0}, this is Control: radio check for {1}, over",
        st.call_sign, st.member
    );
    assert!(c.text().contains(&say), "{}", c.text());
    assert!(c.text().contains("Now calling (1 of"), "{}", c.text());
    c.clock.advance(chrono::Duration::seconds(72));
    c.update(watchroom::app::Action::Tick);
    assert!(c.text().contains("calling for 1:12"), "{}", c.text());
    // answered: the next station is called from 0:00, and the script follows it
    c.keys("5");
    let next = c.roll_call().stations[1].clone();
    assert!(c.text().contains("calling for 0:00"), "{}", c.text());
    assert!(
        c.text()
            .contains(&format!("{0}, {0}, this is Control", next.call_sign)),
        "{}",
        c.text()
    );
}

#[test]
fn a_script_with_an_unknown_placeholder_is_refused_when_the_config_is_read() {
    let e = Config::parse("[rollcall]\nscript = \"{callsign}, radio check\"\n").unwrap_err();
    assert!(e.contains("{callsign} is not a placeholder"), "{e}");
    assert!(e.contains("{call_sign}, {business}"), "{e}");
}

#[test]
fn on_a_store_made_from_empty_a_station_never_heard_says_so_until_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = scheme_with_radios(
        dir.path(),
        "Dana Chief",
        "The Castlebrook Arms and Function Rooms",
        &["MS01", "MS02"],
    );
    let mut c = console_on(&path, "Dana Chief", Config::default());
    c.keys("5R");
    let text = roster(&c, 120).join("\n");
    assert_eq!(text.matches("never").count(), 2, "{text}");
    for word in ["Castlebrook", "Arms", "Function", "Rooms"] {
        assert!(text.contains(word), "{text}");
    }
    // heard tonight, then saved: the next roll-call says when
    c.keys("54");
    c.key(ratatui::crossterm::event::KeyCode::Enter);
    c.clock.advance(chrono::Duration::days(1));
    c.keys("R");
    let text = roster(&c, 120).join("\n");
    assert_eq!(text.matches("never").count(), 0, "{text}");
    let yesterday = now().format("%a %H:%M").to_string();
    assert!(text.contains(&yesterday), "{text}");
}
