//! A bench's numbers as people read them: rates with thousands grouped,
//! latencies in the unit that suits them, changes as signed percentages.

/// A count or rate rounded to a whole number, thousands grouped: `11,230`.
pub fn grouped(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u64);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if rounded < 0.0 {
        out.push('−');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A latency in microseconds: `850 µs`, `4.21 ms`, `1.50 s`.
pub fn micros(us: u64) -> String {
    match us {
        0..1_000 => format!("{us} µs"),
        1_000..1_000_000 => format!("{:.2} ms", us as f64 / 1_000.0),
        _ => format!("{:.2} s", us as f64 / 1_000_000.0),
    }
}

/// A share of 0..=1 as a percentage with one decimal: `37.5%`.
pub fn share(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A change in percent with its sign: `+21.4%`, `−12.7%`, `±0.0%`; an
/// infinite one (from nothing to something) is `new`.
pub fn signed_percent(change: f64) -> String {
    if change.is_infinite() {
        return "new".to_owned();
    }
    let text = format!("{:.1}", change.abs());
    match text.as_str() {
        "0.0" => "±0.0%".to_owned(),
        _ if change < 0.0 => format!("−{text}%"),
        _ => format!("+{text}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(grouped(11_230.4), "11,230");
        assert_eq!(grouped(999.6), "1,000");
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(0.0), "0");
        assert_eq!(micros(850), "850 µs");
        assert_eq!(micros(4_210), "4.21 ms");
        assert_eq!(micros(1_500_000), "1.50 s");
        assert_eq!(share(0.375), "37.5%");
        assert_eq!(signed_percent(-12.74), "−12.7%");
        assert_eq!(signed_percent(21.43), "+21.4%");
        assert_eq!(signed_percent(-0.01), "±0.0%");
        assert_eq!(signed_percent(f64::INFINITY), "new");
    }
}
