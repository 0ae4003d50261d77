"""CPython's logging.Formatter as the reference for barg's text formats.

Reads records as NDJSON on stdin, one object per line with the keys
`seconds` (Unix time), `level` (Python's number), `logger`, `message`,
`module`, `function` and `line`, and prints for each a JSON object with the
`simple` and `verbose` lines that CPython formats, and whether every text
field is printable by Python's definition (`str.isprintable`), the only case
in which barg promises identical bytes.
"""

import json
import logging
import sys
import time

VERBOSE = "[%(levelname)s] %(asctime)s %(name)s %(module)s.%(funcName)s:%(lineno)d | %(message)s"
SIMPLE = "[%(levelname)s] %(asctime)s %(name)s | %(message)s"
DATEFMT = "%Y-%m-%d %H:%M:%S"


def formatter(fmt):
    f = logging.Formatter(fmt, datefmt=DATEFMT)
    f.converter = time.gmtime
    return f


def main():
    verbose, simple = formatter(VERBOSE), formatter(SIMPLE)
    out = sys.stdout
    for line in sys.stdin:
        r = json.loads(line)
        record = logging.LogRecord(
            name=r["logger"],
            level=r["level"],
            pathname=__file__,
            lineno=r["line"],
            msg=r["message"],
            args=None,
            exc_info=None,
            func=r["function"],
        )
        record.module = r["module"]
        # A quarter past the second, so float rounding cannot cross it.
        record.created = r["seconds"] + 0.25
        printable = all(s.isprintable() for s in (r["message"], r["module"], r["function"]))
        out.write(
            json.dumps(
                {"printable": printable, "simple": simple.format(record), "verbose": verbose.format(record)},
                ensure_ascii=True,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
