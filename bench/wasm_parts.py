#!/usr/bin/env python3
"""What each part of a .wasm costs: its functions' code grouped by crate (and
by module for barg itself), with the data segments and custom sections.

Reads the function names from the module's `name` section, so the module must
keep it (wasm-bindgen --keep-debug, wasm-opt -g). For each group it prints the
bytes of code and the bytes that group adds to the gzip -9 of the whole code
section (the whole compressed minus the compressed rest): shared strings and
patterns make parts cost less together than apart.

Usage: bench/wasm_parts.py MODULE.wasm
"""

import gzip
import re
import sys
from collections import defaultdict


def leb(data, at):
    """An unsigned LEB128 number at `at`: its value and the next offset."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def sections(data):
    """(id, payload) for each section of the module."""
    if data[:4] != b"\0asm":
        sys.exit("not a wasm module")
    at = 8
    while at < len(data):
        kind = data[at]
        size, at = leb(data, at + 1)
        yield kind, data[at : at + size]
        at += size


def imported_functions(payload):
    count, at = leb(payload, 0)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            length, at = leb(payload, at)
            at += length
        kind = payload[at]
        at += 1
        if kind == 0:  # function: a type index
            _, at = leb(payload, at)
            functions += 1
        elif kind == 1:  # table: element type and limits
            at += 1
            flags, at = leb(payload, at)
            _, at = leb(payload, at)
            if flags & 1:
                _, at = leb(payload, at)
        elif kind == 2:  # memory: limits
            flags, at = leb(payload, at)
            _, at = leb(payload, at)
            if flags & 1:
                _, at = leb(payload, at)
        elif kind == 3:  # global: type and mutability
            at += 2
        else:  # tag
            at += 1
            _, at = leb(payload, at)
    return functions


def bodies(payload):
    count, at = leb(payload, 0)
    out = []
    for _ in range(count):
        size, at = leb(payload, at)
        out.append(payload[at : at + size])
        at += size
    return out


def function_names(payload):
    names = {}
    at = 0
    while at < len(payload):
        kind = payload[at]
        size, at = leb(payload, at + 1)
        if kind == 1:
            inner = payload[at : at + size]
            count, i = leb(inner, 0)
            for _ in range(count):
                index, i = leb(inner, i)
                length, i = leb(inner, i)
                names[index] = inner[i : i + length].decode("utf-8", "replace")
                i += length
        at += size
    return names


CRATE = re.compile(r"([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::")
# A method of a primitive type (`<str>::trim_matches`, `<[u8]>::to_vec_in`),
# named without its crate: the standard library's, core's or alloc's.
PRIMITIVE = re.compile(r"<(?:\[|str>|char>|bool>|[iuf](?:8|16|32|64|128|size)>)")


def group(name):
    """The crate a function belongs to, and barg's module for barg's own."""
    # Any function whose name mentions barg is barg's: its own, a method of
    # barg's type inside an impl of another crate's trait
    # (`<barg::x::T as serde::Serialize>`), and a generic of another crate
    # instantiated for barg's types.
    if name.endswith(" shim"):
        # wasm-bindgen's export wrappers, with the exported function's own
        # code inlined into them by wasm-opt.
        return "barg::wasm (exports)"
    barg = re.search(r"barg(?:\[[0-9a-f]+\])?::([a-z_]+)", name)
    if barg:
        return "barg::" + barg.group(1)
    if PRIMITIVE.match(name):
        return "core"
    crate = CRATE.search(name)
    if crate:
        return crate.group(1)
    if name.startswith("__wbg") or "wbindgen" in name:
        return "wasm_bindgen"
    return "(other)"


def gz(data):
    return len(gzip.compress(data, 9, mtime=0))


def main():
    data = open(sys.argv[1], "rb").read()
    imported = 0
    code = []
    names = {}
    other = defaultdict(int)
    for kind, payload in sections(data):
        if kind == 2:
            imported = imported_functions(payload)
        elif kind == 10:
            code = bodies(payload)
        elif kind == 11:
            other["(data segments)"] += len(payload)
        elif kind == 0:
            length, at = leb(payload, 0)
            name = payload[at : at + length].decode()
            if name == "name":
                names = function_names(payload[at + length :])
            else:
                other[f"(custom section {name})"] += len(payload)
        else:
            other["(module structure)"] += len(payload)
    if not names:
        sys.exit("the module has no function names: build it with --keep-debug and wasm-opt -g")

    groups = defaultdict(list)
    for i, body in enumerate(code):
        groups[group(names.get(imported + i, "(unnamed)"))].append(body)
    whole = b"".join(code)
    whole_gz = gz(whole)
    rows = []
    for name, parts in groups.items():
        rest = b"".join(b for other_name, ps in groups.items() if other_name != name for b in ps)
        rows.append((name, len(parts), sum(map(len, parts)), whole_gz - gz(rest)))
    rows.sort(key=lambda row: -row[2])

    print(f"{'part':<24} {'functions':>9} {'code':>9} {'gzip adds':>10}")
    for name, count, size, added in rows:
        print(f"{name:<24} {count:>9} {size:>9} {added:>10}")
    print(f"{'all code':<24} {len(code):>9} {len(whole):>9} {whole_gz:>10}")
    for name, size in sorted(other.items(), key=lambda kv: -kv[1]):
        print(f"{name:<24} {'':>9} {size:>9}")


if __name__ == "__main__":
    main()
