"""CPython's RotatingFileHandler, the reference for barg's size rotation.

Usage: reference_rotation.py PATH MAX_BYTES BACKUPS < lines
Writes each line of standard input as one record, '%(message)s' formatted,
through a RotatingFileHandler on PATH.
"""

import logging
import logging.handlers
import sys


def main() -> None:
    path, max_bytes, backups = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("reference")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    for line in sys.stdin.read().splitlines():
        logger.info(line)
    handler.close()


if __name__ == "__main__":
    main()
