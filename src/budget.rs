//! The time budget of the document being read on this thread (`--doc-timeout`).
//!
//! The engine starts a budget when it takes up a document and ends it when the document is
//! done. The loops that do a document's work (rules over sentences, readings, scripts'
//! operations, records) ask [`over`] as they go, saying where they are; once the budget is
//! spent every such loop stops at its next check, and [`spent`] tells the engine how far the
//! document got. Work outside a run (explain, eval, tests) has no budget and never stops.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The default budget of one document: generous for real documents (the slowest of 35,440
/// news articles takes milliseconds), short enough that one pathological file does not hold
/// a batch for long.
pub const DEFAULT: Duration = Duration::from_secs(30);

thread_local! {
    static STATE: Cell<State> = const { Cell::new(State::NONE) };
}

#[derive(Clone, Copy)]
struct State {
    started: Option<Instant>,
    limit: Duration,
    /// Set once the budget is found spent: every later check says so without the clock.
    over: bool,
    /// The step and byte offset of the latest check (no offset: the whole document's step).
    step: &'static str,
    at: Option<usize>,
}

impl State {
    const NONE: State = State {
        started: None,
        limit: Duration::MAX,
        over: false,
        step: "reading the document",
        at: None,
    };
}

/// Starts the budget of the document this thread takes up (`None`: no limit).
pub fn start(limit: Option<Duration>) {
    STATE.with(|s| {
        s.set(match limit {
            Some(limit) => State {
                started: Some(Instant::now()),
                limit,
                ..State::NONE
            },
            None => State::NONE,
        })
    });
}

/// Ends the budget of this thread's document.
pub fn end() {
    STATE.with(|s| s.set(State::NONE));
}

/// Whether the budget is spent, noting that the work is at `step`, byte `at` of the text
/// (`None`: a step over the whole document, such as its scripts).
#[inline]
pub fn over(step: &'static str, at: Option<usize>) -> bool {
    STATE.with(|s| {
        let mut st = s.get();
        let Some(started) = st.started else {
            return false;
        };
        if !st.over {
            st.step = step;
            st.at = at;
            st.over = started.elapsed() > st.limit;
            s.set(st);
        }
        st.over
    })
}

/// Whether the budget is spent, without noting where the work is (for a script's operations).
#[inline]
pub fn expired() -> bool {
    STATE.with(|s| {
        let mut st = s.get();
        match st.started {
            Some(started) if !st.over => {
                st.over = started.elapsed() > st.limit;
                s.set(st);
                st.over
            }
            _ => st.over,
        }
    })
}

/// If the budget is spent: why, for the run summary, saying how far the document of `len`
/// bytes got.
pub fn spent(len: usize) -> Option<String> {
    let st = STATE.with(Cell::get);
    if !st.over {
        return None;
    }
    let place = match st.at {
        Some(at) => {
            let percent = (at.min(len) * 100).checked_div(len).unwrap_or(100);
            format!(" at byte {at} of {len} ({percent}%)")
        }
        None => format!(" (a document of {len} bytes)"),
    };
    Some(format!(
        "over its time budget of {} (--doc-timeout): stopped while {}{place}; its records are not written",
        seconds(st.limit),
        st.step,
    ))
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_budget_nothing_is_ever_over() {
        end();
        assert!(!over("rules", Some(10)));
        assert!(!expired());
        assert_eq!(spent(100), None);
    }

    #[test]
    fn a_spent_budget_says_where_the_work_stopped() {
        start(Some(Duration::ZERO));
        std::thread::sleep(Duration::from_millis(2));
        assert!(over("reading figures", Some(250)));
        // Later checks say so too, and do not move the place it stopped.
        assert!(over("making records", Some(900)));
        assert!(expired());
        assert_eq!(
            spent(1000).as_deref(),
            Some(
                "over its time budget of 0 s (--doc-timeout): stopped while reading figures at byte 250 of 1000 (25%); its records are not written"
            )
        );
        start(Some(Duration::ZERO));
        std::thread::sleep(Duration::from_millis(2));
        assert!(over("running scripts", None));
        assert_eq!(
            spent(1000).as_deref(),
            Some(
                "over its time budget of 0 s (--doc-timeout): stopped while running scripts (a document of 1000 bytes); its records are not written"
            )
        );
        end();
        assert_eq!(spent(1000), None);
    }

    #[test]
    fn a_budget_not_spent_lets_the_work_go_on() {
        start(Some(Duration::from_secs(3600)));
        assert!(!over("rules", Some(1)));
        assert!(!expired());
        assert_eq!(spent(10), None);
        end();
    }
}
