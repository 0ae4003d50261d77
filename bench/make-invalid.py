#!/usr/bin/env python3
"""Writes bench/invalid-events.ndjson: each line of examples/events.ndjson
broken in one of six ways, in turn, so that benchmarks of the validator (Rust
and ajv) time invalid events as realistic as the valid ones. Run it again when
the examples change."""
import json
from pathlib import Path

root = Path(__file__).resolve().parent.parent
lines = (root / "examples/events.ndjson").read_text().splitlines()


def breaks(i, line):
    event = json.loads(line)
    kind = i % 6
    if kind == 0:
        event["level"] = "LOUD"  # unknown level
    elif kind == 1:
        del event["message"]  # missing field
    elif kind == 2:
        event["extra_data"] = "none"  # wrong type
    elif kind == 3:
        event["host"] = "web-1"  # unknown field
    elif kind == 4:
        event["logger"] = event["logger"] + "..x"  # bad logger
    else:
        # Duplicate key: a rule only barg sees; the line is still JSON.
        text = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        return text[:-1] + ',"level":"DEBUG"}'
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


out = "\n".join(breaks(i, line) for i, line in enumerate(lines)) + "\n"
(root / "bench/invalid-events.ndjson").write_text(out)
