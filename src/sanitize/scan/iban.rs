//! IBANs (the Iranian Sheba number is one: `IR` and 24 digits).
//!
//! ```text
//! \b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9])+\b     with the country's length and mod 97 = 1
//! ```
//! The country code must be one of [`LENGTHS`], and the number, separators
//! left out, exactly that country's length; then the ISO 13616 check (mod 97)
//! must give 1. Letters may be in either case, and digits may be Persian or
//! Arabic-Indic. Groups may be separated by one space or dash.

use super::{Span, digit_at};
use crate::sanitize::Rule;

/// IBAN lengths by country, from the SWIFT IBAN registry.
pub const LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IR", 26),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

const MAX_LEN: usize = 34;

/// One character of an IBAN: a digit or a letter (`A` = 10 … `Z` = 35).
fn char_at(bytes: &[u8], i: usize) -> Option<(u8, usize)> {
    if let Some((d, len)) = digit_at(bytes, i) {
        return Some((d, len));
    }
    let b = *bytes.get(i)?;
    b.is_ascii_alphabetic()
        .then(|| (b.to_ascii_uppercase() - b'A' + 10, 1))
}

fn country_length(a: u8, b: u8) -> Option<usize> {
    let code = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    LENGTHS
        .iter()
        .find(|(c, _)| c.as_bytes() == code)
        .map(|&(_, len)| len)
}

/// The ISO 13616 check: the first four characters moved to the end, each
/// letter read as two digits, the number mod 97 is 1.
pub fn checksum_valid(chars: &[u8]) -> bool {
    let (head, tail) = chars.split_at(4.min(chars.len()));
    let remainder = tail.iter().chain(head).fold(0u32, |n, &v| {
        if v < 10 {
            (n * 10 + u32::from(v)) % 97
        } else {
            (n * 100 + u32::from(v)) % 97
        }
    });
    remainder == 1
}

/// Finds the IBANs in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, Ibans::at);
}

/// The IBAN scanner along one text: where the last IBAN found ends.
#[derive(Default)]
pub struct Ibans {
    next: usize,
}

impl Ibans {
    /// Looks at byte `i`, which matters only when it is a digit (`0`..`9`,
    /// or the lead byte 0xD9 or 0xDB of an Arabic-Indic or Persian one):
    /// every IBAN starts two letters before its first digit.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        let Some(start) = i.checked_sub(2) else {
            return;
        };
        // Two letters at a word start, then a check digit: only then look
        // the country up.
        let candidate = start >= self.next
            && bytes[start + 1].is_ascii_alphabetic()
            && bytes[start].is_ascii_alphabetic()
            && (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
            && digit_at(bytes, i).is_some();
        if candidate {
            self.candidate(bytes, start, out);
        }
    }

    /// Reads the IBAN that may start at `start`.
    fn candidate(&mut self, bytes: &[u8], start: usize, out: &mut Vec<Span>) {
        let mut chars = [0u8; MAX_LEN];
        let end = country_length(bytes[start], bytes[start + 1])
            .and_then(|len| read(bytes, start, len, &mut chars));
        if let Some(end) = end {
            out.push(Span::new(start, end, Rule::Iban));
            self.next = end;
        }
    }
}

/// Reads an IBAN of `len` characters starting at `start`; its end when it
/// is one.
fn read(bytes: &[u8], start: usize, len: usize, chars: &mut [u8; MAX_LEN]) -> Option<usize> {
    let mut i = start;
    let mut count = 0;
    while count < len {
        if count > 0 && matches!(bytes.get(i), Some(b' ' | b'-')) {
            i += 1;
        }
        let (value, width) = char_at(bytes, i)?;
        // The check digits are digits.
        if (count == 2 || count == 3) && value > 9 {
            return None;
        }
        chars[count] = value;
        count += 1;
        i += width;
    }
    if char_at(bytes, i).is_some() {
        return None;
    }
    checksum_valid(&chars[..len]).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn ibans_are_found() {
        let cases: &[(&str, &[&str])] = &[
            (
                "IR820540102680020817909002",
                &["IR820540102680020817909002"],
            ),
            (
                "sheba: IR82 0540 1026 8002 0817 9090 02.",
                &["IR82 0540 1026 8002 0817 9090 02"],
            ),
            (
                "ir820540102680020817909002",
                &["ir820540102680020817909002"],
            ),
            (
                "IR۸۲۰۵۴۰۱۰۲۶۸۰۰۲۰۸۱۷۹۰۹۰۰۲",
                &["IR۸۲۰۵۴۰۱۰۲۶۸۰۰۲۰۸۱۷۹۰۹۰۰۲"],
            ),
            (
                "GB82 WEST 1234 5698 7654 32",
                &["GB82 WEST 1234 5698 7654 32"],
            ),
            ("DE89370400440532013000", &["DE89370400440532013000"]),
            ("(NO9386011117947)", &["NO9386011117947"]),
            (
                "FR14-2004-1010-0505-0001-3M02-606",
                &["FR14-2004-1010-0505-0001-3M02-606"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            // A wrong check digit.
            "IR830540102680020817909002",
            // One digit short, one digit long.
            "IR82054010268002081790900",
            "IR8205401026800208179090021",
            // Glued to a word.
            "XIR820540102680020817909002",
            // No such country.
            "ZZ820540102680020817909002",
            "GB82 WEST 1234 5698 7654 3",
            "ORDER 12345",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
