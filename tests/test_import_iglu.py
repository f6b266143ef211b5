"""Iglu importer: every schema in ../shared/data/iglu imports as one event with its properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracklint.importers import detect_format, import_plan, load_any

# Top-level properties of each schema (the keys of its `properties` plus required-only names),
# counted from the files.
PROPERTY_COUNTS = {
    "com.callrail/call_complete/1-0-0": 35,
    "com.callrail/call_complete/1-0-1": 36,
    "com.iterable/system_webhook/1-0-1": 4,
    "com.iterable/system_webhook/2-0-0": 4,
    "com.iterable/system_webhook/2-0-1": 4,
    "com.mandrill/message_clicked/1-0-0": 8,
    "com.mandrill/message_clicked/1-0-1": 8,
    "com.mandrill/message_clicked/1-0-2": 8,
    "com.optimizely.optimizelyx/summary/1-0-0": 4,
    "com.optimizely.optimizelyx/summary/1-1-0": 5,
    "com.sendgrid/click/1-0-0": 11,
    "com.sendgrid/click/2-0-0": 15,
    "com.sendgrid/dropped/2-0-0": 12,
    "com.sendgrid/dropped/3-0-0": 12,
    "com.snowplowanalytics.accelerators.travel/schedule_update/1-0-0": 1,
    "com.snowplowanalytics.accelerators.travel/schedule_update/1-0-1": 3,
    "com.snowplowanalytics.iglu/resolver-config/1-0-1": 2,
    "com.snowplowanalytics.iglu/resolver-config/1-0-2": 3,
    "com.snowplowanalytics.iglu/resolver-config/1-0-3": 3,
    "com.snowplowanalytics.monitoring.batch/load_succeeded/1-0-0": 0,
    "com.snowplowanalytics.monitoring.batch/load_succeeded/2-0-0": 6,
    "com.snowplowanalytics.monitoring.batch/load_succeeded/3-0-0": 6,
    "com.snowplowanalytics.monitoring.batch/load_succeeded/3-0-1": 7,
    "com.snowplowanalytics.oss/oss_context/1-0-0": 9,
    "com.snowplowanalytics.oss/oss_context/1-0-1": 10,
    "com.snowplowanalytics.snowplow.badrows/enrichment_failures/1-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/enrichment_failures/2-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/enrichment_failures/2-0-1": 3,
    "com.snowplowanalytics.snowplow.badrows/loader_iglu_error/1-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/loader_iglu_error/2-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/loader_iglu_error/2-0-1": 3,
    "com.snowplowanalytics.snowplow.badrows/loader_parsing_error/1-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/loader_parsing_error/2-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/schema_violations/1-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/schema_violations/2-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/tracker_protocol_violations/1-0-0": 3,
    "com.snowplowanalytics.snowplow.badrows/tracker_protocol_violations/1-0-1": 3,
    "com.snowplowanalytics.snowplow.enrichments/bot_detection_enrichment_config/1-0-0": 4,
    "com.snowplowanalytics.snowplow.enrichments/bot_detection_enrichment_config/1-0-1": 4,
    "com.snowplowanalytics.snowplow.storage/postgresql_config/1-0-1": 10,
    "com.snowplowanalytics.snowplow.storage/postgresql_config/1-1-0": 11,
    "com.snowplowanalytics.snowplow.storage/postgresql_config/2-0-0": 12,
    "com.snowplowanalytics.snowplow.storage/redshift_config/1-0-0": 11,
    "com.snowplowanalytics.snowplow.storage/redshift_config/2-0-0": 13,
    "com.snowplowanalytics.snowplow.storage/redshift_config/2-1-0": 14,
    "com.snowplowanalytics.snowplow.storage/redshift_config/3-0-0": 15,
    "com.snowplowanalytics.snowplow.storage/redshift_config/4-0-0": 16,
    "com.snowplowanalytics.snowplow.storage/shredding_complete/1-0-1": 6,
    "com.snowplowanalytics.snowplow.storage/shredding_complete/2-0-0": 6,
    "com.snowplowanalytics.snowplow/anon_ip/1-0-0": 4,
    "com.snowplowanalytics.snowplow/anon_ip/1-0-1": 4,
    "com.snowplowanalytics.snowplow/browser_context/1-0-0": 13,
    "com.snowplowanalytics.snowplow/browser_context/2-0-0": 13,
    "com.snowplowanalytics.snowplow/campaign_attribution/1-0-0": 4,
    "com.snowplowanalytics.snowplow/campaign_attribution/1-0-1": 4,
    "com.snowplowanalytics.snowplow/client_session/1-0-0": 5,
    "com.snowplowanalytics.snowplow/client_session/1-0-1": 6,
    "com.snowplowanalytics.snowplow/client_session/1-0-2": 8,
    "com.snowplowanalytics.snowplow/identity_merge/1-0-0": 4,
    "com.snowplowanalytics.snowplow/identity_merge/2-0-0": 4,
    "com.snowplowanalytics.snowplow/ip_lookups/1-0-0": 4,
    "com.snowplowanalytics.snowplow/ip_lookups/2-0-0": 4,
    "com.snowplowanalytics.snowplow/ip_lookups/2-0-1": 4,
    "com.snowplowanalytics.snowplow/link_click/1-0-0": 4,
    "com.snowplowanalytics.snowplow/link_click/1-0-1": 5,
}


def _schema_path(shared: Path, key: str) -> Path:
    vendor, name, version = key.split("/")
    return shared / "data" / "iglu" / "schemas" / vendor / name / "jsonschema" / version


@pytest.mark.parametrize("key", sorted(PROPERTY_COUNTS))
def test_each_schema_imports(shared_dir: Path, key: str) -> None:
    path = _schema_path(shared_dir, key)
    assert detect_format(path) == "iglu"
    result = import_plan([path])
    vendor, name, version = key.split("/")
    assert list(result.plan.events) == [f"{vendor}/{name}"]
    event = result.plan.events[f"{vendor}/{name}"]
    assert len(event.properties) == PROPERTY_COUNTS[key]
    assert f"iglu:{vendor}/{name}/jsonschema/{version}" in (event.description or "")
    assert result.plan.version == version.replace("-", ".")


def test_registry_directory_keeps_newest_versions(shared_dir: Path) -> None:
    root = shared_dir / "data" / "iglu" / "schemas"
    result = import_plan([root], "iglu")
    names = {key.rsplit("/", 1)[0] for key in PROPERTY_COUNTS}
    assert set(result.plan.events) == names
    assert len(result.plan.events) == 26
    assert result.plan.version is None
    client = result.plan.events["com.snowplowanalytics.snowplow/client_session"]
    assert client.description.endswith("iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2")
    older = [w for w in result.warnings if "client_session" in w.message and "older" in w.message]
    assert len(older) == 1 and "1-0-0, 1-0-1" in older[0].message


def test_client_session_details(shared_dir: Path) -> None:
    path = _schema_path(shared_dir, "com.snowplowanalytics.snowplow/client_session/1-0-2")
    event = load_any(path).events["com.snowplowanalytics.snowplow/client_session"]
    assert event.additional_properties is False
    assert event.properties["eventIndex"].type == ("null", "integer")
    assert event.properties["sessionIndex"].maximum == 2147483647
    assert event.properties["sessionId"].format == "uuid"
    assert event.properties["userId"].required and not event.properties["eventIndex"].required
    assert event.properties["storageMechanism"].enum[0] == "SQLITE"


def test_local_ref_resolved_and_additional_properties_schema_warned(shared_dir: Path) -> None:
    path = _schema_path(shared_dir, "com.snowplowanalytics.snowplow/campaign_attribution/1-0-1")
    result = import_plan([path])
    event = next(iter(result.plan.events.values()))
    fields = event.properties["parameters"].properties["fields"].properties
    assert fields["mktMedium"].type == ("array",)
    assert fields["mktMedium"].items.type == ("string",)
    assert [w.pointer for w in result.warnings] == [
        "/properties/parameters/properties/fields/properties/mktClickId/additionalProperties"
    ]


def test_inexpressible_constructs_are_warned_with_pointers(shared_dir: Path) -> None:
    path = _schema_path(shared_dir, "com.snowplowanalytics.snowplow.storage/redshift_config/4-0-0")
    result = import_plan([path])
    pointers = sorted(w.pointer for w in result.warnings)
    assert pointers == [
        "/properties/host/anyOf",
        "/properties/sshTunnel/properties/bastion/properties/host/anyOf",
        "/properties/sshTunnel/properties/destination/properties/host/anyOf",
    ]
    path = _schema_path(shared_dir, "com.iterable/system_webhook/2-0-1")
    assert [w.pointer for w in import_plan([path]).warnings] == ["/minProperties"]


def test_not_a_self_describing_schema(tmp_path: Path) -> None:
    from tracklint.errors import PlanError

    path = tmp_path / "plain"
    path.write_text(json.dumps({"type": "object"}))
    with pytest.raises(PlanError, match="self-describing"):
        import_plan([path], "iglu")
