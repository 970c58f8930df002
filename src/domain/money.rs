//! Loss and recovery are held in pence and typed in pounds.

/// Parse `12`, `12.5`, `12.50`, `£1,234.05` into pence. Refuses negatives,
/// more than two decimal places, and anything that is not a number.
pub fn parse_pence(input: &str) -> Result<i64, String> {
    let s = input.trim().trim_start_matches('£').replace(',', "");
    if s.is_empty() {
        return Ok(0);
    }
    let bad = || format!("“{}” is not an amount in pounds (e.g. 12.50)", input.trim());
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > 2 {
        return Err(format!(
            "“{}” has more than two decimal places",
            input.trim()
        ));
    }
    let pounds: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let pence: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    pounds
        .checked_mul(100)
        .and_then(|p| p.checked_add(pence))
        .filter(|p| *p <= 10_000_000_000)
        .ok_or_else(|| format!("“{}” is too large", input.trim()))
}

/// `1,234,567`
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `£1,234.05`
pub fn format_pence(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    let grouped = group_thousands(p / 100);
    format!("{sign}£{grouped}.{:02}", p % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds_and_pence_are_parsed() {
        assert_eq!(parse_pence("12"), Ok(1200));
        assert_eq!(parse_pence("12.5"), Ok(1250));
        assert_eq!(parse_pence("£1,234.05"), Ok(123_405));
        assert_eq!(parse_pence(".99"), Ok(99));
        assert_eq!(parse_pence(""), Ok(0));
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        assert!(parse_pence("12.345").unwrap_err().contains("two decimal"));
        assert!(parse_pence("-5").unwrap_err().contains("not an amount"));
        assert!(parse_pence("ten").is_err());
        assert!(parse_pence(".").is_err());
        assert!(parse_pence("99999999999999")
            .unwrap_err()
            .contains("too large"));
    }

    #[test]
    fn amounts_are_shown_in_pounds() {
        assert_eq!(format_pence(0), "£0.00");
        assert_eq!(format_pence(5), "£0.05");
        assert_eq!(format_pence(123_405), "£1,234.05");
        assert_eq!(format_pence(100_000_000), "£1,000,000.00");
    }
}
