//! Which images the terminal can show, and how big its cells are, asked once at start-up.
//!
//! # Why this does not use `Picker::from_query_stdio`
//!
//! ratatui-image 11's `from_query_stdio` (even with `QueryStdioOptions::timeout`) reads the
//! answer on a thread of its own, blocked in `stdin().read()` until it sees the terminal's
//! status reply. When nothing answers (tmux, a test pty, a slow link) the call returns after
//! the timeout but that thread stays behind, reading, and eats the keys typed next.
//!
//! So [`terminal`] asks the terminal itself, on the calling thread, with `poll(2)` and
//! a deadline, and leaves nothing running when it returns. It asks only what comes back as
//! CSI replies (device attributes for sixel, `CSI 16 t` for the cell size, `CSI 5 n` as the
//! end marker): if one of them arrives after the deadline, crossterm drops it instead of
//! reporting keys. It does *not* send kitty's graphics query, whose reply (`ESC _ G … ESC \`)
//! crossterm would read as Alt+_ and then typed letters if it came late; kitty (and ghostty)
//! and iTerm2-style terminals are recognised from the environment instead.

use std::time::Duration;

use ratatui_image::picker::ProtocolType;
use ratatui_image::FontSize;

/// The protocol to draw photos with, and the cell size in pixels if it is known. Call after the
/// terminal is in raw mode and before anything reads keys (see `Photos::detect`).
pub(super) fn terminal(timeout: Duration) -> (ProtocolType, Option<FontSize>) {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if in_multiplexer(&env) {
        return (ProtocolType::Halfblocks, None);
    }
    let answer = ask_terminal(timeout);
    let sixel = answer.as_ref().is_some_and(|a| a.sixel);
    let protocol = choose(&env, sixel);
    let cell = answer.and_then(|a| a.cell).or_else(window_cell_size);
    (protocol, cell.map(FontSize::from))
}

/// Inside tmux or GNU screen graphics would need passthrough, and then do not move or vanish
/// with the pane: half-blocks there.
fn in_multiplexer(env: &dyn Fn(&str) -> Option<String>) -> bool {
    env("TMUX").is_some()
        || env("STY").is_some()
        || env("TERM_PROGRAM").is_some_and(|t| t == "tmux")
        || env("TERM").is_some_and(|t| t.starts_with("tmux") || t.starts_with("screen"))
}

/// Which protocol to use, from the environment and whether the terminal said it does sixel.
/// Kitty beats sixel, as in ratatui-image; WezTerm and Konsole draw sixel badly.
fn choose(env: &dyn Fn(&str) -> Option<String>, sixel: bool) -> ProtocolType {
    let term = env("TERM").unwrap_or_default();
    let program = env("TERM_PROGRAM").unwrap_or_default();
    let kitty = term == "xterm-kitty"
        || env("KITTY_WINDOW_ID").is_some()
        || term == "xterm-ghostty"
        || program.eq_ignore_ascii_case("ghostty");
    let wezterm = program.contains("WezTerm") || env("WEZTERM_EXECUTABLE").is_some();
    let iterm2 = wezterm
        || program.contains("iTerm")
        || program.contains("mintty")
        || env("LC_TERMINAL").is_some_and(|t| t.contains("iTerm"));
    let konsole = env("KONSOLE_VERSION").is_some();
    if kitty && !wezterm && !konsole {
        ProtocolType::Kitty
    } else if wezterm {
        ProtocolType::Iterm2
    } else if sixel && !konsole {
        ProtocolType::Sixel
    } else if iterm2 {
        ProtocolType::Iterm2
    } else {
        ProtocolType::Halfblocks
    }
}

/// What the terminal said.
#[derive(Debug, Default, PartialEq)]
struct Answer {
    sixel: bool,
    /// Cell size in pixels, (width, height).
    cell: Option<(u16, u16)>,
}

/// A cell size in pixels, if it is believable.
fn sane_cell(width: u16, height: u16) -> Option<(u16, u16)> {
    ((2..=200).contains(&width) && (4..=400).contains(&height)).then_some((width, height))
}

/// Device attributes (sixel is attribute 4), cell size in pixels, then a status report whose
/// reply (`CSI 0 n`) marks the end of the answers. Every reply is a CSI sequence.
const QUERY: &[u8] = b"\x1b[c\x1b[16t\x1b[5n";

#[cfg(unix)]
fn ask_terminal(timeout: Duration) -> Option<Answer> {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;

    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    if !stdin.is_terminal() || !stdout.is_terminal() || !unix::is_raw(stdin.as_fd()) {
        return None;
    }
    let mut out = stdout.lock();
    unix::query(stdin.as_fd(), &mut out, timeout)
}

#[cfg(not(unix))]
fn ask_terminal(_timeout: Duration) -> Option<Answer> {
    None
}

#[cfg(unix)]
fn window_cell_size() -> Option<(u16, u16)> {
    unix::window_cell_size()
}

#[cfg(not(unix))]
fn window_cell_size() -> Option<(u16, u16)> {
    None
}

#[cfg(unix)]
mod unix {
    use std::io::Write;
    use std::os::fd::{AsRawFd, BorrowedFd};
    use std::time::{Duration, Instant};

    use ratatui_image::picker::cap_parser::{Parser, Response};

    use super::{sane_cell, Answer, QUERY};

    /// Whether `fd` is a terminal in raw mode (no line editing, no echo, reads return at once),
    /// so the answer neither shows on screen nor waits for Enter.
    pub(super) fn is_raw(fd: BorrowedFd<'_>) -> bool {
        // SAFETY: termios is plain data; tcgetattr fills it for a valid fd or fails.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(fd.as_raw_fd(), &mut t) } != 0 {
            return false;
        }
        t.c_lflag & (libc::ICANON | libc::ECHO) == 0 && t.c_cc[libc::VMIN] <= 1
    }

    /// Write the query to `out`, then read replies from `input` until the status reply or the
    /// deadline, on this thread only. On the deadline, whatever part of an answer arrived is
    /// thrown away from the input queue so it is not read later as key presses.
    pub(super) fn query(
        input: BorrowedFd<'_>,
        out: &mut dyn Write,
        timeout: Duration,
    ) -> Option<Answer> {
        let fd = input.as_raw_fd();
        out.write_all(QUERY).and_then(|()| out.flush()).ok()?;
        let deadline = Instant::now() + timeout;
        let mut parser = Parser::new();
        let mut answer = Answer::default();
        let mut heard = false;
        let mut buf = [0u8; 256];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut pfd = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = i32::try_from(left.as_millis()).unwrap_or(i32::MAX).max(1);
            // SAFETY: one valid pollfd.
            let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
            if ready < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                break;
            }
            if ready == 0 {
                continue; // the loop checks the deadline
            }
            if pfd.revents & libc::POLLIN == 0 {
                break; // hung up or error
            }
            // SAFETY: `buf` is valid for `buf.len()` bytes. Input is waiting and the terminal
            // is in raw mode (VMIN <= 1), so this returns at once.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n < 0 {
                match std::io::Error::last_os_error().kind() {
                    std::io::ErrorKind::Interrupted | std::io::ErrorKind::WouldBlock => continue,
                    _ => break,
                }
            }
            if n == 0 {
                break;
            }
            heard = true;
            for &byte in &buf[..n as usize] {
                for response in parser.push(char::from(byte)) {
                    match response {
                        Response::Sixel => answer.sixel = true,
                        Response::CellSize(Some((w, h))) => answer.cell = sane_cell(w, h),
                        Response::Status => return Some(answer),
                        _ => {}
                    }
                }
            }
        }
        // SAFETY: tcflush on a valid fd; at worst it fails and nothing is discarded.
        unsafe { libc::tcflush(fd, libc::TCIFLUSH) };
        heard.then_some(answer)
    }

    /// The cell size from the window size in pixels, where the terminal reports it.
    pub(super) fn window_cell_size() -> Option<(u16, u16)> {
        // SAFETY: winsize is plain data; TIOCGWINSZ fills it for a terminal or fails.
        let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
        if unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) } != 0
            || ws.ws_col == 0
            || ws.ws_row == 0
        {
            return None;
        }
        sane_cell(ws.ws_xpixel / ws.ws_col, ws.ws_ypixel / ws.ws_row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_protocol_follows_the_terminal() {
        let pick =
            |vars: &'static [(&'static str, &'static str)], sixel| choose(&env_of(vars), sixel);
        assert_eq!(
            pick(&[("TERM", "xterm-256color")], false),
            ProtocolType::Halfblocks
        );
        assert_eq!(
            pick(&[("TERM", "xterm-256color")], true),
            ProtocolType::Sixel
        );
        assert_eq!(pick(&[("TERM", "xterm-kitty")], true), ProtocolType::Kitty);
        assert_eq!(
            pick(&[("KITTY_WINDOW_ID", "1")], false),
            ProtocolType::Kitty
        );
        assert_eq!(
            pick(&[("TERM_PROGRAM", "ghostty")], false),
            ProtocolType::Kitty
        );
        assert_eq!(
            pick(&[("TERM_PROGRAM", "iTerm.app")], false),
            ProtocolType::Iterm2
        );
        assert_eq!(
            pick(&[("TERM_PROGRAM", "WezTerm")], true),
            ProtocolType::Iterm2
        );
        assert_eq!(
            pick(&[("KONSOLE_VERSION", "230805")], true),
            ProtocolType::Halfblocks
        );
        assert_eq!(pick(&[], false), ProtocolType::Halfblocks);

        assert!(in_multiplexer(&env_of(&[(
            "TMUX",
            "/tmp/tmux-0/default,1,0"
        )])));
        assert!(in_multiplexer(&env_of(&[("TERM", "screen-256color")])));
        assert!(in_multiplexer(&env_of(&[("TERM", "tmux-256color")])));
        assert!(!in_multiplexer(&env_of(&[("TERM", "xterm-256color")])));
    }

    #[test]
    fn a_cell_size_must_be_believable() {
        assert!(sane_cell(0, 18).is_none());
        assert!(sane_cell(9, 0).is_none());
        assert!(sane_cell(9, 18).is_some());
    }

    #[cfg(unix)]
    mod terminal {
        use super::super::{unix, QUERY};
        use super::*;
        use std::io::{Read, Write};
        use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
        use std::time::Instant;

        fn make_raw(fd: BorrowedFd<'_>) {
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                assert_eq!(libc::tcgetattr(fd.as_raw_fd(), &mut t), 0);
                libc::cfmakeraw(&mut t);
                assert_eq!(libc::tcsetattr(fd.as_raw_fd(), libc::TCSANOW, &t), 0);
            }
        }

        /// Read from the terminal side with a timeout, as the console's own key reader would.
        fn read_within(fd: BorrowedFd<'_>, timeout: Duration) -> Vec<u8> {
            let mut pfd = libc::pollfd {
                fd: fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            let ready = unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as i32) };
            if ready <= 0 {
                return Vec::new();
            }
            let mut buf = [0u8; 64];
            let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            buf[..n.max(0) as usize].to_vec()
        }

        fn open() -> (pty_process::blocking::Pty, pty_process::blocking::Pts, File) {
            let (pty, pts) = pty_process::blocking::open().unwrap();
            make_raw(pts.as_fd());
            assert!(unix::is_raw(pts.as_fd()));
            let out = File::from(pts.as_fd().try_clone_to_owned().unwrap());
            (pty, pts, out)
        }

        #[test]
        fn a_terminal_that_answers_is_heard() {
            let (mut pty, pts, mut out) = open();
            let answerer = std::thread::spawn(move || {
                let mut asked = Vec::new();
                let mut buf = [0u8; 64];
                while !asked.ends_with(b"\x1b[5n") {
                    let n = pty.read(&mut buf).unwrap();
                    asked.extend_from_slice(&buf[..n]);
                }
                pty.write_all(b"\x1b[?62;4;22c\x1b[6;18;9t\x1b[0n").unwrap();
                (pty, asked)
            });
            let answer = unix::query(pts.as_fd(), &mut out, Duration::from_secs(10)).unwrap();
            let (_pty, asked) = answerer.join().unwrap();
            assert_eq!(asked, QUERY);
            assert!(answer.sixel);
            assert_eq!(answer.cell, Some((9, 18)));
        }

        #[test]
        fn a_silent_terminal_costs_the_timeout_and_keeps_later_keys() {
            let (mut pty, pts, mut out) = open();
            let started = Instant::now();
            let answer = unix::query(pts.as_fd(), &mut out, Duration::from_millis(150));
            let took = started.elapsed();
            assert_eq!(answer, None);
            assert!(took >= Duration::from_millis(150), "{took:?}");
            assert!(took < Duration::from_secs(2), "{took:?}");
            // Nothing was left reading the terminal: a key typed now reaches the console.
            pty.write_all(b"q").unwrap();
            assert_eq!(read_within(pts.as_fd(), Duration::from_secs(5)), b"q");
        }

        #[test]
        fn half_an_answer_is_used_and_then_thrown_away() {
            let (mut pty, pts, mut out) = open();
            // The terminal has said sixel, and started on the cell size, when time runs out.
            pty.write_all(b"\x1b[?62;4c\x1b[6;1").unwrap();
            let answer = unix::query(pts.as_fd(), &mut out, Duration::from_millis(150)).unwrap();
            assert!(answer.sixel);
            assert!(answer.cell.is_none());
            // The cut-off sequence is gone, so it cannot turn into key presses.
            pty.write_all(b"x").unwrap();
            assert_eq!(read_within(pts.as_fd(), Duration::from_secs(5)), b"x");
        }

        #[test]
        fn a_cooked_terminal_is_not_asked() {
            let (_pty, pts) = pty_process::blocking::open().unwrap();
            assert!(!unix::is_raw(pts.as_fd()));
        }
    }
}
