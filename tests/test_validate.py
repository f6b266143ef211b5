"""``tracklint validate``: event payloads checked against the plan with check's rules, codes,
reporters and exit codes; every input layout and vendor; bad records reported and counted."""

from __future__ import annotations

import functools
import gzip
import json
import os
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracklint.cli import app
from tracklint.validate.locate import locate
from tracklint.validate.read import BadRecord, Record, open_source, records

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "examples" / "acme" / "tracking-plan.yaml"

GOOD = {"type": "track", "event": "Product Added", "userId": "u1",
        "properties": {"product_id": "sku_1", "quantity": 2}, "context": {"ip": "203.0.113.1"}}


def line(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def run(tmp_path: Path, *args: str):
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        env = {"TRACKLINT_OUTPUT_FORMAT": None, "GITHUB_STEP_SUMMARY": None, "NO_COLOR": "1"}
        return CliRunner().invoke(app, ["validate", "--plan", str(PLAN), "--isolated", *args], env=env,
                                  catch_exceptions=False)
    finally:
        os.chdir(old)


def findings(tmp_path: Path, name: str, *args: str) -> tuple[int, dict]:
    result = run(tmp_path, name, "-f", "json", "--examples", "0", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def codes_by_line(doc: dict) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for d in doc["diagnostics"]:
        out.setdefault(d["line"], set()).add(d["code"])
    return out


# ----------------------------------------------------------------------------- Segment


def test_conforming_records_exit_0_and_are_counted(tmp_path):
    (tmp_path / "e.jsonl").write_text(line(GOOD) + "\n" + line(GOOD) + "\n")
    code, doc = findings(tmp_path, "e.jsonl")
    assert code == 0
    assert doc["diagnostics"] == []
    assert doc["validate"]["by_event"] == [
        {"event": "event `Product Added`", "records": 2, "conforming": 2, "violations": []}]


def test_a_violation_is_at_the_record_line_the_value_column_and_names_its_pointer(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "sku_1", "quantity": "2"}}
    (tmp_path / "e.jsonl").write_text(line(GOOD) + "\n" + line(bad) + "\n")
    code, doc = findings(tmp_path, "e.jsonl")
    assert code == 1
    [d] = doc["diagnostics"]
    text = line(bad)
    assert (d["code"], d["path"], d["line"]) == ("TL006", "e.jsonl", 2)
    assert text[d["column"] - 1:d["end_column"] - 1] == '"2"'
    assert d["message"].endswith("(at `/properties/quantity`)")


def test_every_rule_of_a_call_applies_to_data(tmp_path):
    records = [
        {"type": "track", "event": "Order Completed", "properties": {"order_id": "ord_1", "revenue": 1, "currency": "USD"}},
        {"type": "track", "event": "Product Added", "properties": {"quantity": 1, "product_id": "p"}, "x": 1},
        {"type": "track", "event": "Product Added", "properties": {"product_id": "p"}},
        {"type": "track", "event": "Product Added", "properties": {"product_id": "p", "quantity": 1, "Colour": "red"}},
        {"type": "track", "event": "Order Refunded", "properties": {"order_id": "nope", "amount": 2, "reason": "bored"}},
        {"type": "identify", "traits": {"email": "someone", "plan": "pro"}},
        {"type": "track", "properties": {}},
    ]
    (tmp_path / "e.jsonl").write_text("".join(line(r) + "\n" for r in records))
    _, doc = findings(tmp_path, "e.jsonl")
    assert codes_by_line(doc) == {
        1: {"TL001"},  # renamed in the plan
        3: {"TL004"},  # quantity is required
        4: {"TL005", "TL003"},  # unplanned, and not snake_case
        5: {"TL007"},  # pattern and enum
        6: {"TL007"},  # email format
        7: {"TL010"},  # a track without an event name
    }


def test_a_batch_is_read_message_by_message(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p"}}
    (tmp_path / "batch.json").write_text(json.dumps({"batch": [GOOD, bad], "sentAt": "2026-01-01T00:00:00Z"}, indent=2))
    _, doc = findings(tmp_path, "batch.json")
    [d] = doc["diagnostics"]
    assert d["message"].endswith("(at `/batch/1/properties`)")
    assert doc["validate"]["events"] == 2


def test_a_pretty_printed_array_points_at_the_line_of_the_value(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p", "quantity": 0}}
    text = json.dumps([GOOD, bad], indent=2)
    (tmp_path / "export.json").write_text(text)
    _, doc = findings(tmp_path, "export.json")
    [d] = doc["diagnostics"]
    lines = text.split("\n")
    assert lines[d["line"] - 1].strip() == '"quantity": 0'
    assert lines[d["line"] - 1][d["column"] - 1:d["end_column"] - 1] == "0"


def test_values_one_after_another_are_read_too(tmp_path):
    bad = {**GOOD, "event": "Unplanned Thing"}
    (tmp_path / "dump.json").write_text(json.dumps(GOOD, indent=1) + "\n" + json.dumps(bad, indent=1) + "\n")
    _, doc = findings(tmp_path, "dump.json")
    assert [d["code"] for d in doc["diagnostics"]] == ["TL001"]
    assert doc["validate"]["records"] == 2


# ----------------------------------------------------------------------------- other vendors


def test_posthog_events_leave_posthogs_own_properties_and_events_out(tmp_path):
    records = [
        {"event": "Product Viewed", "distinct_id": "d", "properties": {"$lib": "web", "product_id": "p", "position": 1}},
        {"event": "Product Viewed", "distinct_id": "d", "properties": json.dumps({"$lib": "web", "position": 1})},
        {"event": "$pageview", "distinct_id": "d", "properties": {"$current_url": "https://x"}},
        {"event": "$identify", "distinct_id": "d", "properties": {"$set": {"plan": "gold"}}},
    ]
    (tmp_path / "ph.jsonl").write_text("".join(line(r) + "\n" for r in records))
    _, doc = findings(tmp_path, "ph.jsonl")
    assert codes_by_line(doc) == {2: {"TL004"}, 4: {"TL007"}}
    assert doc["validate"]["skipped"] == {"PostHog's own event (`$...`)": 1}
    identify = next(d for d in doc["diagnostics"] if d["line"] == 4)
    assert identify["message"].endswith("(at `/properties/$set/plan`)")


def test_amplitude_exports_check_event_properties(tmp_path):
    records = [
        {"event_type": "Checkout Started", "user_id": "u", "event_properties": {"cart_value": -1}},
        {"event_type": "session_start", "user_id": "u", "event_properties": {}},
        {"event_type": "Checkout Started", "user_id": "u", "event_properties": {"cart_value": 3, "currency": "EUR"}},
    ]
    (tmp_path / "amp.json").write_text("".join(line(r) + "\n" for r in records))
    _, doc = findings(tmp_path, "amp.json")
    [d] = doc["diagnostics"]
    assert (d["line"], d["code"]) == (1, "TL007")
    assert d["message"].endswith("(at `/event_properties/cart_value`)")


def test_snowplow_schema_uris_map_to_plan_events(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "tracklint: 1\nevents:\n"
        "  com.acme/checkout_started:\n    properties:\n      step: {type: integer, required: true}\n"
        "  signed_up:\n    properties:\n      method: {type: string, enum: [email, sso]}\n"
    )
    envelope = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
    records = [
        {"schema": envelope, "data": {"schema": "iglu:com.acme/checkout_started/jsonschema/1-0-0", "data": {"step": "2"}}},
        {"event": "unstruct", "unstruct_event": json.dumps(
            {"schema": envelope, "data": {"schema": "iglu:com.acme/signed_up/jsonschema/1-0-2", "data": {"method": "fax"}}})},
        {"schema": "iglu:com.other/unplanned/jsonschema/1-0-0", "data": {}},
        {"schema": envelope, "data": {"schema": "iglu:com.acme/checkout_started/jsonschema/1-0-0", "data": {"step": 2}}},
    ]
    (tmp_path / "sp.jsonl").write_text("".join(line(r) + "\n" for r in records))
    result = run(tmp_path, "sp.jsonl", "--plan", str(plan), "-f", "json")
    doc = json.loads(result.stdout)
    assert codes_by_line(doc) == {1: {"TL006"}, 2: {"TL007"}, 3: {"TL001"}}
    assert "`com.other/unplanned`" in next(d for d in doc["diagnostics"] if d["line"] == 3)["message"]


# ----------------------------------------------------------------------------- bad records


def test_bad_records_are_tl000_findings_with_their_line_and_the_run_goes_on(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p"}}
    data = (line(GOOD) + "\n" + '{"type": "track", "event": \n' + line(GOOD) + "\n").encode()
    data += b'{"type":"track","event":"Product Added","properties":{"product_id":"\xff"}}\n'
    data += (line(bad) + "\n").encode()
    (tmp_path / "e.jsonl").write_bytes(data)
    code, doc = findings(tmp_path, "e.jsonl")
    assert code == 1
    assert codes_by_line(doc) == {2: {"TL000"}, 4: {"TL000"}, 5: {"TL004"}}
    assert "not UTF-8" in next(d for d in doc["diagnostics"] if d["line"] == 4)["message"]
    assert doc["validate"]["bad_records"] == 2
    assert doc["validate"]["records"] == 3


def test_gzip_is_read_transparently_and_a_truncated_one_is_reported(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p"}}
    body = "".join(line(GOOD) + "\n" for _ in range(2000)) + line(bad) + "\n"
    packed = gzip.compress(body.encode())
    (tmp_path / "whole.jsonl.gz").write_bytes(packed)
    _, doc = findings(tmp_path, "whole.jsonl.gz")
    assert codes_by_line(doc) == {2001: {"TL004"}}
    (tmp_path / "cut.gz").write_bytes(packed[: len(packed) - 20])
    _, doc = findings(tmp_path, "cut.gz")
    [d] = [d for d in doc["diagnostics"] if d["code"] == "TL000"]
    assert "truncated" in d["message"]
    # every complete line that can still be decompressed is checked
    inflate = zlib.decompressobj(wbits=31)
    readable = inflate.decompress(packed[: len(packed) - 20]).count(b"\n")
    assert doc["validate"]["records"] == readable > 1900


def test_examples_cap_the_findings_but_the_summary_counts_them_all(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p"}}
    (tmp_path / "e.jsonl").write_text("".join(line(bad) + "\n" for _ in range(10)))
    result = run(tmp_path, "e.jsonl", "-f", "json", "--examples", "2")
    doc = json.loads(result.stdout)
    assert [d["line"] for d in doc["diagnostics"]] == [1, 2]
    [event] = doc["validate"]["by_event"]
    assert event["violations"] == [{"code": "TL004", "key": "quantity", "count": 10,
                                    "examples": ["e.jsonl:1", "e.jsonl:2"]}]


# ----------------------------------------------------------------------------- CLI contract


def test_exit_codes_follow_check(tmp_path):
    (tmp_path / "ok.jsonl").write_text(line(GOOD) + "\n")
    assert run(tmp_path, "ok.jsonl").exit_code == 0
    (tmp_path / "warn.jsonl").write_text(line({**GOOD, "event": "product added"}) + "\n")
    assert run(tmp_path, "warn.jsonl").exit_code == 1  # TL001 (same name folded) is an error
    assert run(tmp_path, "warn.jsonl", "--exit-zero").exit_code == 0
    missing = run(tmp_path, "nope.jsonl")
    assert missing.exit_code == 2
    assert "event file not found" in missing.stderr
    assert "Traceback" not in missing.output


@pytest.mark.parametrize("fmt", ["full", "concise", "sarif", "github", "markdown", "gitlab", "junit"])
def test_every_check_format_writes_the_findings(tmp_path, fmt):
    (tmp_path / "e.jsonl").write_text(line({**GOOD, "properties": {"product_id": "p"}}) + "\n")
    result = run(tmp_path, "e.jsonl", "-f", fmt, "--color", "never")
    assert result.exit_code == 1, result.output
    assert "quantity" in result.stdout
    if fmt in ("full", "concise"):
        assert "1 record" in result.stdout  # the per-event summary follows


def test_the_terminal_shows_the_record_with_a_caret_under_the_value(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p", "quantity": "2"}}
    (tmp_path / "e.jsonl").write_text(line(bad) + "\n")
    out = run(tmp_path, "e.jsonl", "--color", "never").stdout
    record_line = next(row for row in out.splitlines() if '"quantity":"2"' in row)
    caret_line = out.splitlines()[out.splitlines().index(record_line) + 1]
    assert record_line[caret_line.index("^"):].startswith('"2"')


# ----------------------------------------------------------------------------- properties


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
_json = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)), max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(_json, st.sampled_from([None, 1, 2]), st.data())
def test_locate_finds_the_text_of_every_value(doc, indent, data):
    text = json.dumps({"root": doc}, indent=indent, ensure_ascii=False)
    path, value = ["root"], doc
    while isinstance(value, (dict, list)) and value and data.draw(st.booleans()):
        key = data.draw(st.sampled_from(list(value) if isinstance(value, dict) else list(range(len(value)))))
        path.append(key)
        value = value[key]
    pointer = "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)
    start, end = locate(text, pointer)
    assert json.loads(text[start:end]) == value


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400), st.sampled_from(["plain", "gzip", "zip"]))
def test_the_reader_never_raises_on_arbitrary_bytes(tmp_path, data, packing):
    path = tmp_path / "any.bin"
    if packing == "gzip":
        data = gzip.compress(data)[: max(1, len(data))]
    elif packing == "zip":
        data = b"PK\x03\x04" + data
    path.write_bytes(data)
    source = open_source(str(path))
    try:
        for _member, items in source.parts():
            for item in items:
                assert isinstance(item, (Record, BadRecord))
                assert item.line >= 1
    finally:
        source.close()


def test_bytes_that_are_not_utf8_fail_only_their_own_record_in_an_array(tmp_path):
    records = [line(GOOD).encode(), line(GOOD).replace("sku_1", "sku_\udcff").encode("utf-8", "surrogateescape"),
               line(GOOD).encode()]
    (tmp_path / "a.json").write_bytes(b"[\n" + b",\n".join(records) + b"\n]\n")
    _, doc = findings(tmp_path, "a.json")
    assert codes_by_line(doc) == {3: {"TL000"}}
    assert doc["validate"]["events"] == 2


def test_records_on_one_line_have_their_columns_counted_from_the_line_start(tmp_path):
    bad = {**GOOD, "properties": {"product_id": "p", "quantity": "2"}}
    text = "[" + line(GOOD) + ", " + line(bad) + "]\n"
    (tmp_path / "one.json").write_text(text)
    _, doc = findings(tmp_path, "one.json")
    [d] = doc["diagnostics"]
    assert d["line"] == 1
    assert text[d["column"] - 1:d["end_column"] - 1] == '"2"'


@functools.lru_cache(maxsize=1)
def _loaded_plan():
    from tracklint.plan.load import load_plan

    return load_plan(PLAN)


_keys = st.sampled_from(["type", "event", "properties", "traits", "name", "event_type", "event_properties",
                         "distinct_id", "schema", "data", "unstruct_event", "event_vendor", "batch", "context",
                         "quantity", "product_id", "$set", "$lib"])
_values = st.sampled_from(["track", "identify", "page", "Product Added", "$identify", "iglu:com.acme/x/jsonschema/1-0-0",
                           "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"])
_payload = st.recursive(st.one_of(_scalars, _values),
                        lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=5)),
                        max_leaves=25)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dictionaries(_keys, _payload, max_size=6), min_size=1, max_size=5))
def test_any_json_record_is_checked_or_counted_never_a_crash(records):
    """Records of every vendor's keys in every combination: each is an event checked, or a
    record counted as not an event; nothing raises."""
    import tempfile

    from tracklint.config import Settings
    from tracklint.validate.run import validate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        result, summary = validate(Settings(root=Path(tmp), plan=PLAN), _loaded_plan(), [("r.jsonl", path)], examples=0)
    assert summary.records == len(records)
    assert summary.events + sum(summary.skipped.values()) >= len(records)
    assert all(d.location.line >= 1 for d in result.diagnostics)


def test_an_array_on_one_line_longer_than_the_read_chunk_is_streamed(tmp_path, monkeypatch):
    from tracklint.validate import read

    monkeypatch.setattr(read, "CHUNK", 64)  # every record spans several chunks
    bad = {**GOOD, "properties": {"product_id": "p"}}
    (tmp_path / "one.json").write_text("[" + ",".join(line(r) for r in [GOOD, GOOD, bad, GOOD]) + "]")
    with (tmp_path / "one.json").open("rb") as raw:
        items = list(records(raw))
    assert [type(i).__name__ for i in items] == ["Record"] * 4
    assert items[2].value == bad
    assert items[2].column == 2 + 2 * (len(line(GOOD)) + 1)


def test_sarif_of_a_validate_run_is_schema_valid(tmp_path, sarif_schema):
    import jsonschema

    (tmp_path / "e.jsonl").write_text(line({**GOOD, "properties": {"product_id": "p", "quantity": "x"}}) + "\n{\n")
    result = run(tmp_path, "e.jsonl", "-f", "sarif")
    log = json.loads(result.stdout)
    validator = jsonschema.validators.validator_for(sarif_schema)
    assert not list(validator(sarif_schema).iter_errors(log))
    regions = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in log["runs"][0]["results"]]
    assert sorted(regions) == [1, 2]


def test_an_amplitude_export_zip_of_gzip_files_is_read_member_by_member(tmp_path):
    import zipfile

    good = {"event_type": "Checkout Started", "user_id": "u", "event_properties": {"cart_value": 3}}
    bad = {"event_type": "Checkout Started", "user_id": "u", "event_properties": {"cart_value": "3"}}
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        archive.writestr("123/123_2026-11-30_5#0.json.gz", gzip.compress((line(good) + "\n" + line(bad) + "\n").encode()))
        archive.writestr("123/123_2026-11-30_6#0.json.gz", gzip.compress((line(good) + "\n").encode()))
    _, doc = findings(tmp_path, "export.zip")
    [d] = doc["diagnostics"]
    assert (d["path"], d["line"], d["code"]) == ("export.zip/123/123_2026-11-30_5#0.json.gz", 2, "TL006")
    assert doc["validate"]["events"] == 3
