//! Pure chart arithmetic: axis scales with round ticks, bar positions and
//! number formats. Shared by the server render and the browser, tested
//! here.

/// An axis from 0 to `top` with ticks at round steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axis {
    /// The axis' highest value (≥ every value, a round number).
    pub top: i64,
    /// Tick values from 0 to `top`.
    pub ticks: Vec<i64>,
}

/// A scale for values up to `max` with about `wanted` steps of 1, 2 or 5
/// times a power of ten.
pub fn axis(max: i64, wanted: i64) -> Axis {
    let max = max.max(1);
    let wanted = wanted.max(1);
    let raw = (max + wanted - 1) / wanted;
    let mut power = 1_i64;
    while power.saturating_mul(10) <= raw {
        power *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10 * power);
    let top = ((max + step - 1) / step) * step;
    Axis {
        top,
        ticks: (0..=top / step).map(|i| i * step).collect(),
    }
}

/// Position of `value` on an axis drawn `length` long (0 at the start).
pub fn along(value: i64, top: i64, length: f64) -> f64 {
    if top <= 0 {
        return 0.0;
    }
    (value.max(0) as f64 / top as f64) * length
}

/// (x, width) of bar `index` of `count` in a band `width` wide from `left`.
pub fn band(index: usize, count: usize, left: f64, width: f64) -> (f64, f64) {
    let count = count.max(1) as f64;
    let slot = width / count;
    let gap = (slot * 0.2).min(8.0);
    (
        left + slot * index as f64 + gap / 2.0,
        (slot - gap).max(1.0),
    )
}

/// Which of `count` labels to print so that at most `room` show.
pub fn label_every(count: usize, room: usize) -> usize {
    count.div_ceil(room.max(1)).max(1)
}

/// `1234567` → `1,234,567`.
pub fn grouped(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Minor units as `12,345.67`.
pub fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", grouped((abs / 100) as i64), abs % 100)
}

/// A short axis label: `950`, `12k`, `1.5M` (of whole units).
pub fn compact(value: i64) -> String {
    let abs = value.unsigned_abs();
    let (scaled, suffix) = match abs {
        0..=9_999 => return grouped(value),
        10_000..=999_999 => (abs as f64 / 1_000.0, "k"),
        1_000_000..=999_999_999 => (abs as f64 / 1_000_000.0, "M"),
        _ => (abs as f64 / 1_000_000_000.0, "G"),
    };
    let sign = if value < 0 { "-" } else { "" };
    let text = if scaled >= 100.0 {
        format!("{scaled:.0}")
    } else {
        format!("{scaled:.1}").trim_end_matches(".0").to_owned()
    };
    format!("{sign}{text}{suffix}")
}

/// Basis points as `97.5 %`.
pub fn percent(bp: i64) -> String {
    format!("{}.{} %", bp / 100, (bp % 100) / 10)
}

/// Minutes as `2 d 3 h`, `5 h 10 min`, `45 min`.
pub fn minutes(total: i64) -> String {
    let (d, h, m) = (total / 1440, (total % 1440) / 60, total % 60);
    match (d, h) {
        (0, 0) => format!("{m} min"),
        (0, _) => format!("{h} h {m} min"),
        _ => format!("{d} d {h} h"),
    }
}

/// A rating × 100 as `4.25`.
pub fn rating(x100: i64) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers_above_the_data() {
        assert_eq!(
            axis(0, 4),
            Axis {
                top: 1,
                ticks: vec![0, 1]
            }
        );
        assert_eq!(axis(7, 4).ticks, vec![0, 2, 4, 6, 8]);
        assert_eq!(
            axis(93, 4),
            Axis {
                top: 100,
                ticks: vec![0, 50, 100]
            }
        );
        assert_eq!(axis(1_234_567, 4).top, 1_500_000);
        for max in [1, 9, 10, 11, 99, 101, 4_999, 123_456_789] {
            let a = axis(max, 4);
            assert!(a.top >= max && a.ticks.len() <= 6, "{max}: {a:?}");
        }
    }

    #[test]
    fn bars_share_the_band_without_overlap() {
        let (x0, w0) = band(0, 10, 50.0, 500.0);
        let (x1, _) = band(1, 10, 50.0, 500.0);
        assert!(x0 >= 50.0 && x0 + w0 < x1);
        assert_eq!(along(50, 100, 200.0), 100.0);
        assert_eq!(along(-5, 100, 200.0), 0.0);
        assert_eq!(label_every(30, 8), 4);
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(money(123_456_789), "1,234,567.89");
        assert_eq!(money(-5), "-0.05");
        assert_eq!(compact(950), "950");
        assert_eq!(compact(12_500), "12.5k");
        assert_eq!(compact(2_000_000), "2M");
        assert_eq!(percent(9_750), "97.5 %");
        assert_eq!(minutes(1_505), "1 d 1 h");
        assert_eq!(minutes(310), "5 h 10 min");
        assert_eq!(rating(425), "4.25");
    }
}
