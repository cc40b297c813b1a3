//! HTTP-dates (RFC 9110 §5.6.7), for `Retry-After` and `Date`: the
//! preferred IMF-fixdate and, as recipients must, the obsolete RFC 850 and
//! asctime forms. No clock: a date is seconds since the Unix epoch.

/// Seconds since the Unix epoch of an HTTP-date, any of its three forms
/// (`Sun, 06 Nov 1994 08:49:37 GMT`, `Sunday, 06-Nov-94 08:49:37 GMT`,
/// `Sun Nov  6 08:49:37 1994`); `None` for anything else, dates before 1970
/// included. The day name is not checked against the date (a sender's
/// mistake there changes nothing).
///
/// ```
/// use ssewire::reconnect::parse_http_date;
///
/// assert_eq!(parse_http_date(b"Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
/// assert_eq!(parse_http_date(b"Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
/// assert_eq!(parse_http_date(b"Sun Nov  6 08:49:37 1994"), Some(784_111_777));
/// assert_eq!(parse_http_date(b"120"), None);
/// ```
pub fn parse_http_date(value: &[u8]) -> Option<u64> {
    let value = crate::adapters::trim_ows(value);
    let comma = value.iter().position(|&b| b == b',');
    let (year, month, day, time) = match comma {
        // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
        Some(3) => {
            let rest = value.get(4..)?;
            let [b' ', d1, d2, b' ', m1, m2, m3, b' ', y1, y2, y3, y4, b' ', time @ .., b' ', b'G', b'M', b'T'] =
                rest
            else {
                return None;
            };
            let year = number(&[*y1, *y2, *y3, *y4])?;
            (year, month(&[*m1, *m2, *m3])?, number(&[*d1, *d2])?, time)
        }
        // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year is
        // 1970-2069 here (RFC 9110 asks for the nearest past century
        // within 50 years; dates this client sees are near now).
        Some(at) => {
            let rest = value.get(at.checked_add(1)?..)?;
            let [b' ', d1, d2, b'-', m1, m2, m3, b'-', y1, y2, b' ', time @ .., b' ', b'G', b'M', b'T'] =
                rest
            else {
                return None;
            };
            let yy = number(&[*y1, *y2])?;
            let year = yy.saturating_add(if yy < 70 { 2000 } else { 1900 });
            (year, month(&[*m1, *m2, *m3])?, number(&[*d1, *d2])?, time)
        }
        // asctime: "Sun Nov  6 08:49:37 1994" (day padded with a space).
        None => {
            let [_, _, _, b' ', m1, m2, m3, b' ', d1, d2, b' ', time @ .., b' ', y1, y2, y3, y4] =
                value
            else {
                return None;
            };
            let day = if *d1 == b' ' {
                number(&[*d2])?
            } else {
                number(&[*d1, *d2])?
            };
            let year = number(&[*y1, *y2, *y3, *y4])?;
            (year, month(&[*m1, *m2, *m3])?, day, time)
        }
    };
    let [h1, h2, b':', n1, n2, b':', s1, s2] = time else {
        return None;
    };
    let (hour, minute, second) = (
        number(&[*h1, *h2])?,
        number(&[*n1, *n2])?,
        number(&[*s1, *s2])?,
    );
    // 60: a leap second, as the grammar allows.
    if year < 1970
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let seconds = [
        (days_from_civil(year, month, day), 86_400),
        (hour, 3600),
        (minute, 60),
        (second, 1),
    ];
    Some(seconds.iter().fold(0u64, |sum, &(n, unit)| {
        sum.saturating_add(n.saturating_mul(unit))
    }))
}

fn number(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |n, &d| {
        d.is_ascii_digit().then(|| {
            n.saturating_mul(10)
                .saturating_add(u64::from(d.wrapping_sub(b'0')))
        })
    })
}

fn month(name: &[u8; 3]) -> Option<u64> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let at = MONTHS.iter().position(|m| *m == name)?;
    u64::try_from(at).ok().map(|m| m.saturating_add(1))
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a valid date on or after it (Howard Hinnant's
/// `days_from_civil`, unsigned: years from 1970 only, so nothing wraps; the
/// wrapping operations are for the lint).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 {
        year.wrapping_sub(1)
    } else {
        year
    };
    let era = year / 400;
    let yoe = year % 400;
    let mp = month.wrapping_add(9) % 12;
    let doy = (mp.wrapping_mul(153).wrapping_add(2) / 5)
        .wrapping_add(day)
        .wrapping_sub(1);
    let doe = yoe
        .wrapping_mul(365)
        .wrapping_add(yoe / 4)
        .wrapping_sub(yoe / 100)
        .wrapping_add(doy);
    era.wrapping_mul(146_097)
        .wrapping_add(doe)
        .wrapping_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::parse_http_date;

    #[test]
    fn the_three_forms_and_the_calendar() {
        assert_eq!(parse_http_date(b"Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            parse_http_date(b" Tue, 29 Feb 2028 23:59:60 GMT\t"),
            Some(1_835_481_600)
        );
        assert_eq!(
            parse_http_date(b"Mon, 07 Dec 2026 12:00:00 GMT"),
            Some(1_796_644_800)
        );
        assert_eq!(
            parse_http_date(b"Monday, 07-Dec-26 12:00:00 GMT"),
            Some(1_796_644_800)
        );
        assert_eq!(
            parse_http_date(b"Mon Dec  7 12:00:00 2026"),
            Some(1_796_644_800)
        );
        assert_eq!(
            parse_http_date(b"Mon Dec 17 12:00:00 2026"),
            Some(1_796_644_800 + 10 * 86_400)
        );
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            &b""[..],
            b"120",
            b"Mon, 07 Dec 2026 12:00:00 UTC",
            b"Mon, 7 Dec 2026 12:00:00 GMT",
            b"Mon, 07 dec 2026 12:00:00 GMT",
            b"Mon, 30 Feb 2026 12:00:00 GMT",
            b"Mon, 29 Feb 2026 12:00:00 GMT",
            b"Mon, 07 Dec 2026 24:00:00 GMT",
            b"Mon, 07 Dec 1969 12:00:00 GMT",
            b"Mon, 07 Dec 2026 12:00 GMT",
            b"Mon, 07 Dec +026 12:00:00 GMT",
            b"Monday, 07-Dec-2026 12:00:00 GMT",
            b"Mon Dec 7 12:00:00 2026",
        ] {
            assert_eq!(
                parse_http_date(bad),
                None,
                "{:?}",
                core::str::from_utf8(bad)
            );
        }
    }
}
