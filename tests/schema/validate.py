#!/usr/bin/env python3
"""Validate a JSON document against a JSON Schema (Debian's python3-jsonschema).

usage: validate.py SCHEMA FILE

Schemas that SCHEMA refers to by file name (bom-1.6.schema.json refers to
spdx.schema.json and jsf-0.82.schema.json) are looked up next to it. Formats
(date-time, uri, ...) are checked where jsonschema has a checker for them.

Exit status: 0 valid; 1 invalid (each error on standard error, with its JSON
path); 2 bad usage or unreadable files; 3 jsonschema is not installed (the
caller skips).
"""
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv):
    if len(argv) != 3:
        print("usage: validate.py SCHEMA FILE", file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate.py: python3-jsonschema is not installed", file=sys.stderr)
        return 3
    schema_path, doc_path = argv[1], argv[2]
    try:
        schema = load(schema_path)
        doc = load(doc_path)
    except (OSError, ValueError) as e:
        print(f"validate.py: {e}", file=sys.stderr)
        return 2

    cls = jsonschema.validators.validator_for(schema)
    kwargs = {"format_checker": cls.FORMAT_CHECKER}
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7

        resources = []
        folder = os.path.dirname(os.path.abspath(schema_path))
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            try:
                contents = load(os.path.join(folder, name))
            except (OSError, ValueError):
                continue
            resource = Resource.from_contents(contents, default_specification=DRAFT7)
            resources.append((name, resource))
            if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
                resources.append((contents["$id"], resource))
        kwargs["registry"] = Registry().with_resources(resources)
    except ImportError:
        # Older jsonschema: a resolver that maps file names to the schemas beside this one.
        base = "file://" + os.path.dirname(os.path.abspath(schema_path)) + "/"
        kwargs["resolver"] = jsonschema.RefResolver(base, schema)

    validator = cls(schema, **kwargs)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors:
        where = "/".join(str(p) for p in e.absolute_path) or "(root)"
        print(f"{doc_path}: {where}: {e.message}", file=sys.stderr)
    if errors:
        return 1
    print(f"{doc_path}: valid against {os.path.basename(schema_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
