//! Payment card numbers.
//!
//! ```text
//! (?:\d+S{1,3})*\d+    a run of digit groups (\d: ASCII, Arabic-Indic or Persian;
//!                      S: a space, dash, dot or tab, or U+00A0, U+2007, U+2009, U+202F)
//! ```
//! Inside a run, any consecutive groups holding 13 to 19 digits are a card
//! when their first digits are an issuer prefix of [`ISSUERS`] and the Luhn
//! check fits. Trying every run of groups, not only the whole run, finds a
//! card written next to other numbers (`qty 2 4111 1111 1111 1111`). A group
//! of more than 19 digits is an id, not a card. Timestamps (`17…`) and ids
//! that start with a digit no issuer uses survive even when Luhn-valid.

use super::{Span, digit_at};
use crate::sanitize::Rule;

/// A card network and the prefixes of its numbers, as inclusive ranges of
/// the leading digits (`(2221, 2720)`: the first four digits).
pub struct Issuer {
    /// The network.
    pub network: &'static str,
    /// Its prefixes.
    pub prefixes: &'static [(u32, u32)],
}

/// Issuer prefixes, from the networks' published ranges. Overlaps are fine:
/// a number counts when any row fits.
pub const ISSUERS: &[Issuer] = &[
    Issuer {
        network: "Visa",
        prefixes: &[(4, 4)],
    },
    Issuer {
        network: "Mastercard",
        prefixes: &[(51, 55), (2221, 2720)],
    },
    Issuer {
        network: "American Express",
        prefixes: &[(34, 34), (37, 37)],
    },
    Issuer {
        network: "Diners Club",
        prefixes: &[(300, 305), (36, 36), (38, 39)],
    },
    Issuer {
        network: "JCB",
        prefixes: &[(3528, 3589)],
    },
    Issuer {
        network: "Discover",
        prefixes: &[(6011, 6011), (644, 649), (65, 65)],
    },
    Issuer {
        network: "UnionPay",
        prefixes: &[(62, 62), (81, 81)],
    },
    Issuer {
        network: "Maestro",
        prefixes: &[(50, 50), (56, 58), (60, 69)],
    },
    Issuer {
        network: "Mir",
        prefixes: &[(2200, 2204)],
    },
    Issuer {
        network: "RuPay",
        prefixes: &[(60, 60), (65, 65), (81, 82), (508, 508)],
    },
    Issuer {
        network: "Troy",
        prefixes: &[(9792, 9792)],
    },
    // Iran's Shetab network: Melli 6037, Saman 6219, Mellat 6104, Sepah 5892,
    // Pasargad 5022, Tose'e Ta'avon 5029, Shahr 5028, Dey 5029, Iran Zamin
    // 5057, Saderat 6037, Tejarat 6273/5859, Eghtesad Novin 6274, Parsian
    // 6221, Ayandeh 6362, Sina 6393, Post Bank 6277, Keshavarzi 6037/6392,
    // Maskan 6280, Refah 5894, Ansar 6273, Hekmat 6369, Karafarin 6274,
    // Sarmayeh 6396, Resalat 5041, Mehr Iran 6063, Gardeshgari 5054.
    Issuer {
        network: "Shetab",
        prefixes: &[
            (6037, 6037),
            (6219, 6219),
            (6104, 6104),
            (5892, 5892),
            (5894, 5894),
            (5859, 5859),
            (5022, 5022),
            (5028, 5029),
            (5041, 5041),
            (5054, 5054),
            (5057, 5057),
            (6063, 6063),
            (6221, 6221),
            (6273, 6274),
            (6277, 6277),
            (6280, 6280),
            (6362, 6362),
            (6369, 6369),
            (6392, 6393),
            (6396, 6396),
        ],
    },
];

/// True when `digits` (values 0..=9) start with an issuer prefix.
pub fn has_issuer_prefix(digits: &[u8]) -> bool {
    // No issuer's numbers start with 0, 1 or 7: ids and times in
    // milliseconds are not looked up.
    if digits.first().is_none_or(|d| matches!(d, 0 | 1 | 7)) {
        return false;
    }
    // The number formed by the first one to four digits, by width.
    let mut leads = [None; 5];
    let mut n = 0u32;
    for (width, &d) in digits.iter().take(4).enumerate() {
        n = n * 10 + u32::from(d);
        leads[width + 1] = Some(n);
    }
    ISSUERS.iter().any(|issuer| {
        issuer.prefixes.iter().any(|&(low, high)| {
            leads[decimal_width(low)].is_some_and(|lead| (low..=high).contains(&lead))
        })
    })
}

fn decimal_width(n: u32) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        _ => 4,
    }
}

/// The Luhn check: doubling every second digit from the right, the sum is a
/// multiple of ten.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// One group of a run: its bytes and its digits' place in the run's digits.
struct Group {
    start: usize,
    end: usize,
    first_digit: usize,
    digits: usize,
}

/// Finds the card numbers in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text.as_bytes(), out, Cards::at);
}

/// The card scanner along one text: where the next run may start, and the
/// buffers of the last run, kept for the next text.
#[derive(Default)]
pub struct Cards {
    next: usize,
    groups: Vec<Group>,
    digits: Vec<u8>,
}

impl Cards {
    /// Starts over on a new text, keeping the buffers.
    pub fn restart(&mut self) {
        self.next = 0;
    }

    /// The bytes its buffers hold.
    pub fn capacity_bytes(&self) -> usize {
        self.groups.capacity() * std::mem::size_of::<Group>() + self.digits.capacity()
    }

    /// Looks at byte `i`, which matters only when it is a digit (`0`..`9`,
    /// or the lead byte 0xD9 or 0xDB of an Arabic-Indic or Persian one):
    /// a digit outside the runs already read starts a run.
    #[inline]
    pub fn at(&mut self, bytes: &[u8], i: usize, out: &mut Vec<Span>) {
        if i >= self.next && digit_at(bytes, i).is_some() {
            self.run(bytes, i, out);
        }
    }

    /// Reads the run that starts at `i`: groups of digits joined by one to
    /// three separators ([`separator_width`]).
    fn run(&mut self, bytes: &[u8], mut i: usize, out: &mut Vec<Span>) {
        let (groups, digits) = (&mut self.groups, &mut self.digits);
        groups.clear();
        digits.clear();
        loop {
            let start = i;
            let first_digit = digits.len();
            while let Some((d, len)) = digit_at(bytes, i) {
                digits.push(d);
                i += len;
            }
            groups.push(Group {
                start,
                end: i,
                first_digit,
                digits: digits.len() - first_digit,
            });
            let mut j = i;
            for _ in 0..3 {
                match separator_width(&bytes[j..]) {
                    0 => break,
                    width => j += width,
                }
            }
            if j > i && digit_at(bytes, j).is_some() {
                i = j;
            } else {
                break;
            }
        }
        self.next = i;
        if digits.len() >= 13 {
            candidates(groups, digits, out);
        }
    }
}

/// The UTF-8 length of the character at the start of `bytes` when it may
/// join a card's groups, else 0: a space, dash or dot, a tab, or one of the
/// spaces that editors and locales put between groups of digits (no-break
/// U+00A0, figure U+2007, thin U+2009, narrow no-break U+202F).
fn separator_width(bytes: &[u8]) -> usize {
    match bytes {
        [b' ' | b'-' | b'.' | b'\t', ..] => 1,
        [0xC2, 0xA0, ..] => 2,
        [0xE2, 0x80, 0x87 | 0x89 | 0xAF, ..] => 3,
        _ => 0,
    }
}

/// Every run of consecutive groups with 13 to 19 digits that is a card. At
/// most 19 groups are tried from each start, so this is linear in the run.
fn candidates(groups: &[Group], digits: &[u8], out: &mut Vec<Span>) {
    for (s, first) in groups.iter().enumerate() {
        let lead = &digits[first.first_digit..];
        if lead.len() < 13 {
            // Too few digits left for a card.
            break;
        }
        if !has_issuer_prefix(&lead[..lead.len().min(4)]) {
            continue;
        }
        let mut count = 0;
        for last in &groups[s..] {
            count += last.digits;
            if count > 19 {
                break;
            }
            if count < 13 {
                continue;
            }
            let number = &digits[first.first_digit..first.first_digit + count];
            if luhn_valid(number) {
                let mut last4 = [0u8; 4];
                for (slot, d) in last4.iter_mut().zip(&number[count - 4..]) {
                    *slot = b'0' + d;
                }
                out.push(Span {
                    start: first.start,
                    end: last.end,
                    rule: Rule::CardNumber,
                    last4: Some(last4),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    #[test]
    fn cards_are_found() {
        let cases: &[(&str, &[&str])] = &[
            ("4111111111111111", &["4111111111111111"]),
            ("card 4111 1111 1111 1111 ok", &["4111 1111 1111 1111"]),
            ("4111-1111-1111-1111", &["4111-1111-1111-1111"]),
            ("amex 3782 822463 10005", &["3782 822463 10005"]),
            ("mc 5555555555554444.", &["5555555555554444"]),
            ("mc2 2223003122003222", &["2223003122003222"]),
            ("visa13 4222222222222", &["4222222222222"]),
            ("jcb 3530111333300000", &["3530111333300000"]),
            ("diners 30569309025904", &["30569309025904"]),
            ("unionpay 6200000000000005", &["6200000000000005"]),
            ("shetab melli 6037991234567893", &["6037991234567893"]),
            ("shetab 6219-8610-0000-0009", &["6219-8610-0000-0009"]),
            ("mellat 6104 3377 0000 0001", &["6104 3377 0000 0001"]),
            ("sepah 5892101234567895", &["5892101234567895"]),
            ("pasargad 5022291234567897", &["5022291234567897"]),
            ("persian ۶۰۳۷۹۹۱۲۳۴۵۶۷۸۹۳", &["۶۰۳۷۹۹۱۲۳۴۵۶۷۸۹۳"]),
            ("arabic ٤١١١١١١١١١١١١١١١", &["٤١١١١١١١١١١١١١١١"]),
            ("mixed ۶۰۳۷ ۹۹۱۲ ۳۴۵۶ ۷۸۹۳", &["۶۰۳۷ ۹۹۱۲ ۳۴۵۶ ۷۸۹۳"]),
            ("qty 2 4111 1111 1111 1111", &["4111 1111 1111 1111"]),
            ("order_4111111111111111x", &["4111111111111111"]),
            ("4111  1111  1111  1111", &["4111  1111  1111  1111"]),
            ("dots 4012.8888.8888.1881.", &["4012.8888.8888.1881"]),
            (
                "nbsp 4111\u{a0}1111\u{a0}1111\u{a0}1111",
                &["4111\u{a0}1111\u{a0}1111\u{a0}1111"],
            ),
            (
                "narrow 4111\u{202f}1111\u{202f}1111\u{202f}1111 ok",
                &["4111\u{202f}1111\u{202f}1111\u{202f}1111"],
            ),
            (
                "thin 4111\u{2009}1111\u{2007}1111 \u{a0}1111",
                &["4111\u{2009}1111\u{2007}1111 \u{a0}1111"],
            ),
            ("tab 4111\t1111\t1111\t1111", &["4111\t1111\t1111\t1111"]),
            (
                "persian ۶۰۳۷\u{a0}۹۹۱۲\u{a0}۳۴۵۶\u{a0}۷۸۹۳",
                &["۶۰۳۷\u{a0}۹۹۱۲\u{a0}۳۴۵۶\u{a0}۷۸۹۳"],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), *expected, "{text}");
        }
    }

    #[test]
    fn look_alikes_survive() {
        for text in [
            // Luhn-valid, but no issuer starts with 1: a time in milliseconds.
            "at 1735208445122",
            "1000000000000008",
            // An issuer prefix but a failing Luhn check.
            "4111111111111112",
            "6037 9912 3456 7890",
            // Too short, too long.
            "411111111111",
            "41111111111111111111111",
            "date 2025-12-26 10:30:45",
            "phone +98 912 345 6789",
            "ids 7000000000000005 9000000000000001 8000000000000003",
            "version 4.0.12.1881 price 4012.88 ip 10.20.30.40",
            // Four separators are more than join two groups of one number.
            "4111 \u{a0}\u{2009} 1111 1111 1111",
            // A line break ends a number, as do other spaces.
            "4111\n1111\n1111\n1111",
            "4111\u{2003}1111\u{2003}1111\u{2003}1111",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn last_four_digits_are_ascii() {
        let mut spans = Vec::new();
        find("۶۰۳۷۹۹۱۲۳۴۵۶۷۸۹۳", &mut spans);
        assert_eq!(spans[0].last4, Some(*b"7893"));
    }

    #[test]
    fn prefixes_are_ranges_of_one_to_four_digits() {
        for issuer in ISSUERS {
            for &(low, high) in issuer.prefixes {
                assert!(
                    low <= high && high < 10_000,
                    "{}: {low}..{high}",
                    issuer.network
                );
                assert_eq!(
                    decimal_width(low),
                    decimal_width(high),
                    "{}",
                    issuer.network
                );
                let lead = |n: u32| n / 10u32.pow(decimal_width(n) as u32 - 1);
                assert!(
                    ![0, 1, 7].contains(&lead(low)) && ![0, 1, 7].contains(&lead(high)),
                    "{}: has_issuer_prefix rejects 0, 1 and 7 at once",
                    issuer.network
                );
            }
        }
    }

    #[test]
    fn luhn_and_prefix_tables() {
        assert!(luhn_valid(&[
            4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        ]));
        assert!(!luhn_valid(&[
            4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2
        ]));
        for (lead, is_card) in [
            (&[4u8][..], true),
            (&[2, 2, 2, 1], true),
            (&[2, 7, 2, 0], true),
            (&[2, 7, 2, 1], false),
            (&[3, 3], false),
            (&[1], false),
            (&[7], false),
            (&[9, 7, 9, 2], true),
            (&[9, 7, 9, 1], false),
            (&[5, 9], false),
        ] {
            assert_eq!(has_issuer_prefix(lead), is_card, "{lead:?}");
        }
    }
}
