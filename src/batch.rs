//! A batch of events in one JSON array, cut into its items' texts.
//!
//! The writer's `POST /v1/events` and the npm package's batch functions take
//! a JSON array of events. Read whole, one syntax error anywhere would refuse
//! every event of the array. [`json_array_items`] instead finds where each
//! item begins and ends without reading it: each item is then read on its
//! own, as a line of NDJSON is, and an item that is not JSON is refused
//! while the good items around it are kept, within the limits below.
//!
//! The cut follows the array's structure: strings (with their escapes) and
//! brackets. For an array that parses, the items are exactly the texts that
//! serde_json's `RawValue` gives. A broken item is cut where its array most
//! likely goes on: a closing bracket closes the nearest open bracket of its
//! kind (and those opened inside it), a `]` that closes nothing inside an
//! item is the item's own unless the text ends after it, and a line break
//! ends a string, which in JSON cannot hold one. An item whose brackets and
//! strings balance costs only itself. One that leaves a bracket or a string
//! open (cut short, a `}` missing) cannot be told from the items after it:
//! they become part of it, up to where its brackets close, and are refused
//! with it. The items before it are always kept, and no text is dropped
//! unreported.

/// UTF-8's byte-order mark, which an editor may put at the start of a file;
/// RFC 8259 lets a reader ignore it there, and every input of barg does.
pub const BYTE_ORDER_MARK: &str = "\u{feff}";

/// `text` without a [`BYTE_ORDER_MARK`] at its start.
pub fn without_byte_order_mark(text: &[u8]) -> &[u8] {
    text.strip_prefix(BYTE_ORDER_MARK.as_bytes())
        .unwrap_or(text)
}

/// Where an array holds no item, or holds more than its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArrayError<'a> {
    /// Nothing between two commas, or a comma just inside a bracket.
    #[error("an empty item: no value before the `{delimiter}` at byte {at}")]
    Empty {
        /// The `,` or `]` that came where a value should have.
        delimiter: char,
        /// Its place in the text, from 1.
        at: usize,
    },
    /// The text ended inside the array.
    #[error("the array is not closed: the text ends at byte {at} without its `]`")]
    Unclosed {
        /// The text's length.
        at: usize,
    },
    /// Something other than white space after the array.
    #[error("text after the array's closing `]`, from byte {at}")]
    Trailing {
        /// The text after the array, up to the end.
        text: &'a [u8],
        /// Where it begins, from 1.
        at: usize,
    },
}

impl<'a> ArrayError<'a> {
    /// The input this error stands for: the trailing text, or nothing.
    pub fn text(&self) -> &'a [u8] {
        match self {
            ArrayError::Trailing { text, .. } => text,
            _ => b"",
        }
    }
}

/// One place of a batch: an item's text (without the white space around
/// it), or what is wrong there.
pub type Item<'a> = Result<&'a [u8], ArrayError<'a>>;

/// The items of the JSON array that `text` holds, in order, each to be read
/// by itself; `None` when `text` does not begin (after white space) with
/// `[`. An array without its `]` or with text after it gives its items and
/// then an error for that.
pub fn json_array_items(text: &[u8]) -> Option<Vec<Item<'_>>> {
    let open = text.iter().position(|b| !is_space(*b))?;
    if text[open] != b'[' {
        return None;
    }
    let mut items = Vec::new();
    // The brackets open inside the current item, innermost last.
    let mut open_brackets: Vec<u8> = Vec::new();
    let mut start = open + 1;
    let mut at = start;
    while let Some(&byte) = text.get(at) {
        match byte {
            b'"' => {
                at = string_end(text, at + 1);
                continue;
            }
            b'[' | b'{' => open_brackets.push(byte),
            b',' if open_brackets.is_empty() => {
                items.push(item(text, start, at));
                start = at + 1;
            }
            b']' | b'}' => {
                let opener = if byte == b']' { b'[' } else { b'{' };
                match open_brackets.iter().rposition(|&b| b == opener) {
                    Some(inner) => open_brackets.truncate(inner),
                    // The array's own `]`: it closes whatever the item left
                    // open when it is the last thing in the text, and is
                    // the item's own stray bracket otherwise.
                    None if byte == b']'
                        && (open_brackets.is_empty() || rest_is_space(text, at + 1)) =>
                    {
                        if !(items.is_empty() && trim(text, start, at).is_empty()) {
                            items.push(item(text, start, at));
                        }
                        let rest = at + 1;
                        if let Some(from) = text[rest..].iter().position(|b| !is_space(*b)) {
                            items.push(Err(ArrayError::Trailing {
                                text: trim(text, rest, text.len()),
                                at: rest + from + 1,
                            }));
                        }
                        return Some(items);
                    }
                    None => {}
                }
            }
            _ => {}
        }
        at += 1;
    }
    let last = trim(text, start, text.len());
    if !last.is_empty() {
        items.push(Ok(last));
    }
    items.push(Err(ArrayError::Unclosed { at: text.len() }));
    Some(items)
}

/// Where the string whose text begins at `from` ends: past its closing
/// quote, at a line break (which JSON does not allow in one), or at the end
/// of the text.
fn string_end(text: &[u8], mut from: usize) -> usize {
    while let Some(found) = text
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| matches!(b, b'"' | b'\\' | b'\n')))
    {
        from += found;
        match text[from] {
            b'\\' => from += 2,
            b'"' => return from + 1,
            _ => return from,
        }
    }
    text.len()
}

/// The item between `start` and the delimiter at `end`.
fn item(text: &[u8], start: usize, end: usize) -> Item<'_> {
    match trim(text, start, end) {
        b"" => Err(ArrayError::Empty {
            delimiter: char::from(text[end]),
            at: end + 1,
        }),
        found => Ok(found),
    }
}

/// `text[start..end]` without JSON's white space around it.
fn trim(text: &[u8], start: usize, end: usize) -> &[u8] {
    let part = &text[start..end];
    let first = part
        .iter()
        .position(|b| !is_space(*b))
        .unwrap_or(part.len());
    let last = part
        .iter()
        .rposition(|b| !is_space(*b))
        .map_or(first, |i| i + 1);
    &part[first..last]
}

/// Whether nothing but white space follows `from`.
fn rest_is_space(text: &[u8], from: usize) -> bool {
    text[from..].iter().all(|b| is_space(*b))
}

/// JSON's white space (RFC 8259 section 2).
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items as text, or the error's message.
    fn check(text: &str, expected: &[Result<&str, &str>]) {
        let items: Vec<Result<&str, String>> = json_array_items(text.as_bytes())
            .unwrap_or_else(|| panic!("{text:?} is not an array"))
            .into_iter()
            .map(|item| {
                item.map(|t| std::str::from_utf8(t).unwrap())
                    .map_err(|e| e.to_string())
            })
            .collect();
        let expected: Vec<Result<&str, String>> =
            expected.iter().map(|e| e.map_err(str::to_owned)).collect();
        assert_eq!(items, expected, "{text:?}");
    }

    #[test]
    fn a_good_array_gives_its_items() {
        check("[]", &[]);
        check(" \n[ \t]\r\n", &[]);
        check("[1]", &[Ok("1")]);
        check(
            r#"[ {"a":[1,{"b":"],}"}]} ,"x\"],[", [] , {} ]"#,
            &[
                Ok(r#"{"a":[1,{"b":"],}"}]}"#),
                Ok(r#""x\"],[""#),
                Ok("[]"),
                Ok("{}"),
            ],
        );
        check(r#"["\\",2]"#, &[Ok(r#""\\""#), Ok("2")]);
    }

    #[test]
    fn not_an_array_is_none() {
        for text in ["", "  ", "{}", r#"{"a":[1]}"#, "\n{}\n{}", "1"] {
            assert_eq!(json_array_items(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn a_broken_item_is_cut_where_the_array_goes_on() {
        // A syntax error inside an item stays in that item.
        check(
            r#"[{"a":1},{"b":oops},{"c":3}]"#,
            &[Ok(r#"{"a":1}"#), Ok(r#"{"b":oops}"#), Ok(r#"{"c":3}"#)],
        );
        // A closing bracket closes what was opened inside its own.
        check(
            r#"[{"a":[1},{"b":2}]"#,
            &[Ok(r#"{"a":[1}"#), Ok(r#"{"b":2}"#)],
        );
        check(r#"[{"a":1,{"b":2}]"#, &[Ok(r#"{"a":1,{"b":2}"#)]);
        // The array's `]` closes an item left open; a `]` inside an item
        // and before more text is the item's own.
        check(r#"[{"a":1},{"b":2] "#, &[Ok(r#"{"a":1}"#), Ok(r#"{"b":2"#)]);
        check(
            r#"[{"a":1]},{"b":2}]"#,
            &[Ok(r#"{"a":1]}"#), Ok(r#"{"b":2}"#)],
        );
        // An item left open takes the items after it with it.
        check(
            "[{\"a\":{\"x\":1},\n{\"b\":2}]",
            &[Ok("{\"a\":{\"x\":1},\n{\"b\":2}")],
        );
        // An unterminated string ends at the line's end.
        check(
            "[{\"a\":\"open},\n{\"b\":2}]",
            &[Ok("{\"a\":\"open},\n{\"b\":2}")],
        );
        check("[\"open\n,\"b\"]", &[Ok("\"open"), Ok("\"b\"")]);
        // A stray closing brace is the item's own error.
        check("[1},2]", &[Ok("1}"), Ok("2")]);
    }

    #[test]
    fn what_is_not_an_item_is_named_with_its_place() {
        check(
            "[1,,2]",
            &[
                Ok("1"),
                Err("an empty item: no value before the `,` at byte 4"),
                Ok("2"),
            ],
        );
        check(
            "[1, ]",
            &[
                Ok("1"),
                Err("an empty item: no value before the `]` at byte 5"),
            ],
        );
        check(
            "[,1]",
            &[
                Err("an empty item: no value before the `,` at byte 2"),
                Ok("1"),
            ],
        );
        check(
            "[1, 2",
            &[
                Ok("1"),
                Ok("2"),
                Err("the array is not closed: the text ends at byte 5 without its `]`"),
            ],
        );
        check(
            "[",
            &[Err(
                "the array is not closed: the text ends at byte 1 without its `]`",
            )],
        );
        check(
            "[1,\n",
            &[
                Ok("1"),
                Err("the array is not closed: the text ends at byte 4 without its `]`"),
            ],
        );
        check(
            "[1] x ",
            &[
                Ok("1"),
                Err("text after the array's closing `]`, from byte 5"),
            ],
        );
        check(
            "[1]]",
            &[
                Ok("1"),
                Err("text after the array's closing `]`, from byte 4"),
            ],
        );
        let trailing = json_array_items(b"[1] [2] ").unwrap();
        assert_eq!(trailing[1].unwrap_err().text(), b"[2]");
    }

    #[test]
    fn no_text_is_lost_or_read_twice() {
        // However the array is broken, the items' texts appear in it in
        // order, without overlapping.
        let text = br#" [{"a":"x,]"}, [1,{] , "\"" ,{"b":[}] ] ,] "#;
        let items = json_array_items(text).unwrap();
        let mut after = 0;
        for item in items.iter().flatten() {
            let at = item.as_ptr() as usize - text.as_ptr() as usize;
            assert!(at >= after, "{items:?}");
            after = at + item.len();
        }
        assert!(after <= text.len());
    }
}
