"""What one event record says, whichever tool wrote it: its kind, its name and its properties
(or traits), each with the JSON pointer it was read from.

Recognised, record by record (a file may mix them):

* **Segment / RudderStack** messages (``type``: ``track``, ``identify``, ``page``, ``screen``,
  ``group``, ``alias``): ``event`` and ``properties``; ``name`` for pages and screens;
  ``traits`` (or ``context.traits``) for identify and group. A batch ``{"batch": [...]}``
  is read message by message. ``context`` and the other envelope fields are not checked.
* **PostHog** events (``event`` with ``distinct_id``, or PostHog's ``$``-properties): the
  properties without PostHog's own ``$``-keys; ``$identify`` checks the ``$set`` traits and
  ``$groupidentify`` the ``$group_set`` ones; PostHog's other ``$`` events are its own, not the
  plan's. ``properties`` may be a JSON string (ClickHouse exports).
* **Amplitude** exports (``event_type``): ``event_properties``; Amplitude's own events
  (``$identify``, ``session_start``...) are not the plan's.
* **Snowplow** self-describing events: a ``{"schema": "iglu:...", "data": ...}`` payload (or
  the ``unstruct_event`` envelope around one, as an enriched event carries it, or the
  ``unstruct_event_<vendor>_<name>_<model>`` column of the transformed JSON). The schema URI
  ``iglu:com.acme/checkout_started/jsonschema/1-0-0`` is the plan event
  ``com.acme/checkout_started`` (how ``tracklint import iglu`` names it) or, when the plan has
  no such event, ``checkout_started``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

#: Segment / RudderStack message types and the plan kind each is checked as.
SEGMENT_TYPES = {"track": "track", "identify": "identify", "page": "page", "screen": "screen",
                 "group": "group", "alias": "alias"}
#: Amplitude's own events (besides every ``$`` event).
AMPLITUDE_OWN = frozenset({"session_start", "session_end"})
_POSTHOG_PLUMBING = frozenset({"distinct_id", "token"})


@dataclass
class Payload:
    """One event read from a record. ``pointer`` is where the event sits in the record
    ("" for the record itself, ``/batch/3`` inside a batch); ``name_at`` and ``props_at`` are
    the pointers of the name and of the properties object."""

    vendor: str
    kind: str
    name: Any
    properties: Any
    pointer: str = ""
    name_at: str = ""
    props_at: str = ""
    drop: frozenset[str] | None = None  # property keys that belong to the vendor, not the plan


@dataclass
class Skipped:
    """A record that is not an event of the plan's: why (for the summary)."""

    reason: str


def payloads(value: Any, planned: Any) -> Iterator[Payload | Skipped]:
    """The events of one record. ``planned(name) -> bool`` says whether the plan has a track
    event of that name (to map Snowplow schema URIs)."""
    if isinstance(value, dict) and isinstance(value.get("batch"), list):
        if not value["batch"]:
            yield Skipped("an empty batch")
        for i, message in enumerate(value["batch"]):
            yield _one(message, f"/batch/{i}", planned)
    else:
        yield _one(value, "", planned)


def _one(value: Any, at: str, planned: Any) -> Payload | Skipped:
    if not isinstance(value, dict):
        return Skipped("not a JSON object")
    kind = value.get("type")
    if isinstance(kind, str) and kind in SEGMENT_TYPES:
        return _segment(value, at, SEGMENT_TYPES[kind])
    if "event_type" in value:
        return _amplitude(value, at)
    if "schema" in value or "unstruct_event" in value or "event_vendor" in value:
        found = _snowplow(value, at, planned)
        if found is not None:
            return found
    if "event" in value:
        return _posthog(value, at) if _is_posthog(value) else _segment(value, at, "track")
    return Skipped("not an event payload (no `type`, `event`, `event_type` or Iglu `schema`)")


def _segment(value: dict, at: str, kind: str) -> Payload:
    vendor = "rudderstack" if "rudderId" in value or "rudderstack" in str(value.get("channel", "")) else "segment"
    if kind == "track":
        return Payload(vendor, kind, value.get("event"), value.get("properties"), at, f"{at}/event", f"{at}/properties")
    if kind in ("page", "screen"):
        return Payload(vendor, kind, value.get("name"), value.get("properties"), at, f"{at}/name", f"{at}/properties")
    if kind in ("identify", "group"):
        traits, where = value.get("traits"), f"{at}/traits"
        context = value.get("context")
        if traits is None and isinstance(context, dict) and "traits" in context:
            traits, where = context["traits"], f"{at}/context/traits"
        return Payload(vendor, kind, None, traits, at, "", where)
    return Payload(vendor, kind, None, None, at)


def _is_posthog(value: dict) -> bool:
    if "distinct_id" in value or "team_id" in value:
        return True
    props = value.get("properties")
    return isinstance(props, dict) and any(isinstance(k, str) and k.startswith("$") for k in props)


def _posthog(value: dict, at: str) -> Payload | Skipped:
    name = value.get("event")
    props = value.get("properties")
    if isinstance(props, str):
        try:
            props = json.loads(props)
        except ValueError:
            pass
    if name == "$identify":
        traits = props.get("$set") if isinstance(props, dict) else None
        return Payload("posthog", "identify", None, traits, at, "", f"{at}/properties/$set")
    if name == "$groupidentify":
        traits = props.get("$group_set") if isinstance(props, dict) else None
        return Payload("posthog", "group", None, traits, at, "", f"{at}/properties/$group_set")
    if isinstance(name, str) and name.startswith("$"):
        return Skipped("PostHog's own event (`$...`)")
    drop = frozenset(k for k in props if k.startswith("$") or k in _POSTHOG_PLUMBING) if isinstance(props, dict) else None
    return Payload("posthog", "track", name, props, at, f"{at}/event", f"{at}/properties", drop)


def _amplitude(value: dict, at: str) -> Payload | Skipped:
    name = value.get("event_type")
    if isinstance(name, str) and (name.startswith("$") or name in AMPLITUDE_OWN or name.startswith("[Amplitude]")):
        return Skipped("Amplitude's own event")
    return Payload("amplitude", "track", name, value.get("event_properties"), at, f"{at}/event_type",
                   f"{at}/event_properties")


def _snowplow(value: dict, at: str, planned: Any) -> Payload | Skipped | None:
    """A self-describing event, or None when ``value`` is not one."""
    envelope, where = value, at
    if "unstruct_event" in value:
        envelope, where = value["unstruct_event"], f"{at}/unstruct_event"
        if isinstance(envelope, str):
            try:
                envelope = json.loads(envelope)
            except ValueError:
                return Skipped("a Snowplow `unstruct_event` that is not JSON")
    elif "event_vendor" in value:
        return _snowplow_column(value, at, planned)
    if not isinstance(envelope, dict) or not str(envelope.get("schema", "")).startswith("iglu:"):
        return None if envelope is value else Skipped("a Snowplow event that is not self-describing")
    if "/unstruct_event/" in envelope["schema"] and isinstance(envelope.get("data"), dict):
        envelope, where = envelope["data"], f"{where}/data"
    uri = str(envelope.get("schema", ""))
    if not uri.startswith("iglu:"):
        return Skipped("a Snowplow event without an Iglu schema URI")
    name = event_of_uri(uri, planned)
    return Payload("snowplow", "track", name, envelope.get("data"), at, f"{where}/schema", f"{where}/data")


def _snowplow_column(value: dict, at: str, planned: Any) -> Payload | Skipped:
    """The transformed enriched event: ``unstruct_event_com_acme_checkout_started_1``."""
    vendor, name = value.get("event_vendor"), value.get("event_name")
    for key, data in value.items():
        if isinstance(key, str) and key.startswith("unstruct_event_") and isinstance(data, dict):
            uri = f"iglu:{vendor}/{name}/jsonschema/{value.get('event_version') or '1-0-0'}"
            return Payload("snowplow", "track", event_of_uri(uri, planned), data, at, f"{at}/event_name", f"{at}/{_escape(key)}")
    return Skipped("a Snowplow event that is not self-describing")


def event_of_uri(uri: str, planned: Any) -> str:
    """The plan event an Iglu schema URI stands for: ``vendor/name``, or ``name`` when only that
    is planned; ``vendor/name`` (reported as unknown) when neither is."""
    parts = uri[len("iglu:"):].split("/")
    if len(parts) < 2:
        return uri
    full = f"{parts[0]}/{parts[1]}"
    if planned(full) or not planned(parts[1]):
        return full
    return parts[1]


def _escape(key: str) -> str:
    """A key as one JSON pointer segment (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def pointer_join(base: str, key: str | int) -> str:
    """``base`` and one more segment."""
    return f"{base}/{_escape(key) if isinstance(key, str) else key}"
