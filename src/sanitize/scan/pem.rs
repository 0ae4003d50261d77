//! PEM private key blocks.
//!
//! ```text
//! -----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [^-]*-----|$)
//! ```
//! The whole block is redacted, markers included. A block without its END
//! marker (a truncated log line) is redacted to the end of the string: what
//! follows a BEGIN line is key material until proven otherwise.

use super::{Span, find_from};
use crate::sanitize::Rule;

const BEGIN: &str = "-----BEGIN ";
const END: &str = "-----END ";
const DASHES: &str = "-----";
/// Longer labels are not PEM labels; the bound keeps the label search short.
const MAX_LABEL: usize = 64;

/// Finds the private key blocks in `text`, looking at every byte.
pub fn find(text: &str, out: &mut Vec<Span>) {
    super::every_byte(text, text, out, PrivateKeys::at);
}

/// The private key scanner along one text: where the last marker or block
/// it read ends.
#[derive(Default)]
pub struct PrivateKeys {
    next: usize,
}

impl PrivateKeys {
    /// Looks at byte `i`, which matters only when it is the first `-` of
    /// `-----BEGIN `.
    #[inline]
    pub fn at(&mut self, text: &str, i: usize, out: &mut Vec<Span>) {
        if i >= self.next && text.as_bytes()[i..].starts_with(BEGIN.as_bytes()) {
            self.block(text, i, out);
        }
    }

    /// Reads the block whose BEGIN marker starts at `start`.
    fn block(&mut self, text: &str, start: usize, out: &mut Vec<Span>) {
        let label_start = start + BEGIN.len();
        let window_end = (label_start + MAX_LABEL + DASHES.len()).min(text.len());
        let window = text.as_bytes().get(label_start..window_end).unwrap_or(&[]);
        let label_end = window
            .windows(DASHES.len())
            .position(|w| w == DASHES.as_bytes())
            .map(|p| label_start + p);
        let Some(label_end) = label_end else {
            self.next = label_start;
            return;
        };
        let label = &text[label_start..label_end];
        if !(label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK")) {
            self.next = label_end;
            return;
        }
        let body = label_end + DASHES.len();
        let end = find_from(text, body, END)
            .and_then(|after| find_from(text, after + END.len(), DASHES))
            .map_or(text.len(), |p| p + DASHES.len());
        out.push(Span::new(start, end, Rule::PrivateKey));
        self.next = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::scan::found;

    const RSA: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3\nxfn/ygWyF8PbnGy0AHB7MhgHcTz6\n-----END RSA PRIVATE KEY-----";

    #[test]
    fn blocks_are_found() {
        let escaped = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEF\\n-----END PRIVATE KEY-----";
        let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----";
        let pgp =
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF0=\n-----END PGP PRIVATE KEY BLOCK-----";
        let in_text = format!("key was {RSA} and more");
        let cases: Vec<(&str, Vec<&str>)> = vec![
            (RSA, vec![RSA]),
            (&in_text, vec![RSA]),
            (escaped, vec![escaped]),
            (openssh, vec![openssh]),
            (pgp, vec![pgp]),
            (
                "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY",
                vec![
                    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY",
                ],
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(found(find, text), expected, "{text}");
        }
    }

    #[test]
    fn public_material_survives() {
        for text in [
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----",
            "-----BEGIN ",
            "----- BEGIN PRIVATE KEY -----",
            "",
        ] {
            assert_eq!(found(find, text), Vec::<String>::new(), "{text}");
        }
    }
}
