"""The baseline for bench/write.py: CPython's logging writing the seed's six
files through RotatingFileHandlers, with barg's routing and formats.

Usage: python_writer.py DIR < events.ndjson
"""

import json
import logging
import logging.handlers
import sys
import time
from datetime import datetime

SIMPLE = "[%(levelname)s] %(asctime)s %(name)s | %(message)s"
VERBOSE = "[%(levelname)s] %(asctime)s %(name)s %(module)s.%(funcName)s:%(lineno)d | %(message)s"
MB = 10 * 1024 * 1024
LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "WARN": 30, "ERROR": 40, "CRITICAL": 50, "FATAL": 50}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        return json.dumps(
            {
                "timestamp": record.iso,
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                "extra_data": record.extra_data,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )


class Within(logging.Filter):
    """Takes records of the given loggers and their descendants, or refuses them."""

    def __init__(self, names, refuse=False):
        super().__init__()
        self.names, self.refuse = names, refuse

    def filter(self, record):
        within = any(record.name == n or record.name.startswith(n + ".") for n in self.names)
        return within != self.refuse


def handler(directory, name, fmt, backups, level=logging.DEBUG, only=None, refuse=None):
    h = logging.handlers.RotatingFileHandler(
        f"{directory}/{name}", maxBytes=MB, backupCount=backups, encoding="utf-8"
    )
    if fmt == "json":
        h.setFormatter(JsonFormatter())
    else:
        f = logging.Formatter(fmt, datefmt="%Y-%m-%d %H:%M:%S")
        f.converter = time.gmtime
        h.setFormatter(f)
    h.setLevel(level)
    if only:
        h.addFilter(Within(only))
    if refuse:
        h.addFilter(Within(refuse, refuse=True))
    return h


def main():
    directory = sys.argv[1]
    handlers = [
        handler(directory, "derakht.log", SIMPLE, 5, refuse=["analytics"]),
        handler(directory, "errors.log", VERBOSE, 10, level=logging.ERROR),
        handler(directory, "security.log", SIMPLE, 10, only=["security", "django.security"]),
        handler(directory, "performance.log", SIMPLE, 5, only=["performance"]),
        handler(directory, "audit.log", "json", 20, only=["audit"]),
        handler(directory, "analytics.log", "json", 10, only=["analytics"]),
    ]
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for h in handlers:
        root.addHandler(h)
    for line in sys.stdin:
        r = json.loads(line)
        level = LEVELS[r["level"].upper()]
        if level < logging.INFO:
            continue
        record = logging.LogRecord(
            r["logger"], level, r.get("module") or "-", r.get("line") or 0,
            r["message"], None, None, func=r.get("function") or "-",
        )
        record.module = r.get("module") or "-"
        record.created = datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")).timestamp()
        record.iso = r["timestamp"]
        record.extra_data = r.get("extra_data", {})
        for h in handlers:
            if level >= h.level:
                h.handle(record)
    for h in handlers:
        h.close()


if __name__ == "__main__":
    main()
