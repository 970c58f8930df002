//! What a new PIN must be: long enough, digits only, and not one a stranger
//! would try first. PINs already set (the demo's among them) are not judged
//! again; only a PIN being chosen is.

/// The longest PIN accepted; longer ones are a passphrase in the wrong place.
pub const MAX_PIN_LENGTH: usize = 12;

/// The scheme's rule for new PINs (`[security] min_pin_length`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinPolicy {
    pub min_length: usize,
}

impl Default for PinPolicy {
    fn default() -> Self {
        PinPolicy { min_length: 6 }
    }
}

impl PinPolicy {
    /// Accept a new PIN, or say plainly what is wrong with it. The message
    /// never repeats the PIN.
    pub fn check(&self, pin: &str) -> Result<(), String> {
        let min = self.min_length.clamp(4, MAX_PIN_LENGTH);
        if !pin.chars().all(|c| c.is_ascii_digit()) || pin.is_empty() {
            return Err("a PIN is digits only".into());
        }
        if pin.len() < min || pin.len() > MAX_PIN_LENGTH {
            return Err(format!("a PIN is {min} to {MAX_PIN_LENGTH} digits"));
        }
        if guessable(pin) {
            return Err(
                "that PIN is too easy to guess (one digit repeated, or digits running up or down): choose another"
                    .into(),
            );
        }
        Ok(())
    }
}

/// One digit repeated, or every digit one more (or one less) than the one
/// before it, wrapping 9 to 0 (`890123` is as easy as `123456`).
fn guessable(pin: &str) -> bool {
    let d: Vec<i8> = pin.bytes().map(|b| (b - b'0') as i8).collect();
    let steps: Vec<i8> = d.windows(2).map(|w| (w[1] - w[0]).rem_euclid(10)).collect();
    [0, 1, 9].iter().any(|s| steps.iter().all(|x| x == s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_by_default_and_digits_only() {
        let p = PinPolicy::default();
        assert!(p.check("40917").unwrap_err().contains("6 to 12"));
        assert!(p.check("409173").is_ok());
        assert!(p.check("40917a").unwrap_err().contains("digits only"));
        assert!(p.check("").is_err());
        assert!(p.check("4091738265431").is_err());
    }

    #[test]
    fn repeated_digits_and_runs_are_refused() {
        let p = PinPolicy::default();
        for pin in [
            "000000", "777777", "123456", "654321", "456789", "890123", "3210987",
        ] {
            let e = p.check(pin).unwrap_err();
            assert!(e.contains("too easy"), "{pin}: {e}");
            assert!(!e.contains(pin), "the message repeats the PIN: {e}");
        }
        for pin in ["135790", "112233", "123457", "246813"] {
            assert!(p.check(pin).is_ok(), "{pin} should be allowed");
        }
    }

    #[test]
    fn a_scheme_may_ask_for_longer_but_never_shorter_than_four() {
        assert!(PinPolicy { min_length: 8 }.check("4091738").is_err());
        assert!(PinPolicy { min_length: 8 }.check("40917382").is_ok());
        assert!(PinPolicy { min_length: 2 }.check("409").is_err());
        assert!(PinPolicy { min_length: 2 }.check("4091").is_ok());
    }
}
