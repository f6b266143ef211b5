"""``coverage -f html``: one self-contained page (inline CSS, SVG and script; nothing fetched
when it is viewed, which its Content-Security-Policy enforces: only the page's own style and
script, by hash, may run).

The page has the totals per source, a chart of coverage per source for each owner of the plan's
events, filters (source, status, owner, text), the matrix, whose cells link to their first call
site (a relative path with a ``#L<line>`` anchor) and to the list of all their call sites, and
the required properties some call site leaves out. Every name from the code or the plan is
HTML-escaped; the script reads only the page's own attributes.
"""

from __future__ import annotations

import base64
import hashlib
import os
from html import escape
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from tracklint.coverage.change import Change
from tracklint.coverage.model import IMPLEMENTED, MISSING, STATUSES, UNPLANNED, UNVERIFIABLE, Coverage, Row, Site
from tracklint.report.visible import visible

MARKS = {IMPLEMENTED: "✓", UNVERIFIABLE: "?", MISSING: "✗", UNPLANNED: "+", None: "·"}
WORDS = {IMPLEMENTED: "implemented", UNVERIFIABLE: "present but unverifiable", MISSING: "planned but missing",
         UNPLANNED: "sent but unplanned", None: "not planned here"}
#: Bar colours of the chart, one per source in turn (readable on white, distinct in grey scale).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")

CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}h3{font-size:1em;margin:.8em 0 .2em}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:3px 8px}
th{background:#f4f4f4;text-align:left}td.c{text-align:center;white-space:nowrap}
.implemented{background:#e3f5e1}.unverifiable{background:#fff4cc}.missing{background:#fbe0e0}
.unplanned{background:#f3e3f7}.none{color:#aaa}a{color:#0645ad}
.unplannedrow{font-style:italic}.filters{display:flex;gap:1em;flex-wrap:wrap;margin:.8em 0}
.legend span{margin-right:1.2em}.list a{font-family:ui-monospace,monospace}
.muted{color:#666}[hidden]{display:none!important}
"""

SCRIPT = """
(function () {
  var get = function (id) { return document.getElementById(id); };
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix tbody tr'));
  var fields = [get('f-source'), get('f-status'), get('f-owner'), get('f-text')];
  function apply() {
    var source = fields[0].value, status = fields[1].value, owner = fields[2].value;
    var text = fields[3].value.trim().toLowerCase(), shown = 0;
    document.querySelectorAll('#matrix [data-source]').forEach(function (c) {
      c.hidden = source !== '' && c.getAttribute('data-source') !== source;
    });
    rows.forEach(function (r) {
      var ok = (owner === '' || r.getAttribute('data-owner') === owner) &&
               (text === '' || r.getAttribute('data-name').toLowerCase().indexOf(text) >= 0);
      if (ok && status !== '') {
        ok = Array.prototype.some.call(r.querySelectorAll('td[data-source]'), function (c) {
          return (source === '' || c.getAttribute('data-source') === source) && c.getAttribute('data-status') === status;
        });
      }
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    get('shown').textContent = shown + ' of ' + rows.length + ' events shown';
  }
  fields.forEach(function (f) { f.addEventListener('input', apply); f.addEventListener('change', apply); });
  apply();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _e(text: object) -> str:
    """Text for the page: control and bidirectional characters shown as escapes, then HTML-escaped."""
    return escape(visible(str(text)), quote=True)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:g}%"


class _Page:
    """One page: the coverage and how to link from the page to the project's files."""

    def __init__(self, coverage: Coverage, change: Change | None, link_base: str) -> None:
        self.coverage, self.change, self.link_base = coverage, change, link_base

    def href(self, site: Site) -> str:
        """A relative link to a call site's line (``path#L12``), made safe: the path is
        percent-encoded (so no scheme or query can start) and starts with ``./`` or ``../``."""
        path = posix_join(self.link_base, site.path)
        prefix = "" if path.startswith("../") else "./"
        return _e(prefix + quote(path) + f"#L{site.line}")

    def render(self) -> str:
        cov = self.coverage
        title = f"Coverage of {cov.plan_name or 'the tracking plan'}"
        body = "\n".join([
            f"<h1>{_e(title)}</h1>", self.summary(), self.changes(), "<h2>Coverage per source and owner</h2>",
            chart(cov), "<h2>Matrix</h2>", self.filters(), legend(), self.matrix(), self.properties(),
            "<h2>Call sites</h2>", self.sites(),
        ])
        csp = f"default-src 'none'; style-src {_hash(CSS)}; script-src {_hash(SCRIPT)}; img-src data:"
        return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
                f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">\n'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{_e(title)}</title><style>{CSS}</style></head><body>\n{body}\n"
                f"<script>{SCRIPT}</script></body></html>\n")

    def summary(self) -> str:
        cov = self.coverage
        head = "<tr><th>source</th><th>covered</th>" + "".join(f"<th>{_e(WORDS[s])}</th>" for s in STATUSES) + "</tr>"
        rows = []
        for source in [*cov.sources, None]:
            t = cov.totals(source)
            name = "<b>all</b>" if source is None else _e(source)
            rows.append(f"<tr><td>{name}</td><td class=c>{_percent(t.percent)}</td><td class=c>{t.implemented}</td>"
                        f"<td class=c>{t.unverifiable}</td><td class=c>{t.missing}</td><td class=c>{t.unplanned}</td></tr>")
        version = f" version {_e(cov.plan_version)}" if cov.plan_version else ""
        note = f'<p class="muted">Plan {_e(cov.plan_path or "")}{version}.</p>'
        return note + f'<table id="totals">{head}{"".join(rows)}</table>'

    def changes(self) -> str:
        change = self.change
        if change is None:
            return ""
        out = [f"<h2>Since {_e(change.ref)} <span class=muted>({_e(change.base[:12])})</span></h2>",
               f"<p>covered {_percent(change.before.percent)} → {_percent(self.coverage.totals().percent)}</p>"]
        if not change.cells:
            return "\n".join(out + ["<p>No coverage cell changed.</p>"])
        out.append('<table id="changes"><tr><th>event</th><th>source</th><th>before</th><th>after</th></tr>')
        for c in change.cells:
            out.append(f'<tr><td>{_e(c.event)}</td><td>{_e(c.source)}</td><td class="{_e(c.before or "none")}">'
                       f'{_e(WORDS[c.before])}</td><td class="{_e(c.after or "none")}">{_e(WORDS[c.after])}</td></tr>')
        return "\n".join(out + ["</table>"])

    def filters(self) -> str:
        cov = self.coverage

        def select(ident: str, label: str, values: list[tuple[str, str]]) -> str:
            options = "".join(f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in values)
            return f'<label>{label} <select id="{ident}"><option value="">all</option>{options}</select></label>'

        return ('<div class="filters">'
                + select("f-source", "source", [(s, s) for s in cov.sources])
                + select("f-status", "status", [(s, WORDS[s]) for s in STATUSES])
                + select("f-owner", "owner", [(g, g) for g in dict.fromkeys(r.group for r in cov.rows)])
                + '<label>event <input id="f-text" type="search" placeholder="name contains…"></label>'
                + '<span id="shown" class="muted"></span></div>')

    def matrix(self) -> str:
        cov = self.coverage
        head = "<tr><th>event</th><th>owner</th>" + "".join(
            f'<th data-source="{_e(s)}">{_e(s)}</th>' for s in cov.sources) + "</tr>"
        rows = []
        for i, row in enumerate(cov.rows):
            cells = "".join(self.cell(i, j, row, s) for j, s in enumerate(cov.sources))
            name = _e(row.name) + (f' <span class=muted>({_e(row.kind)})</span>' if row.kind in ("page", "screen") else "")
            if row.renamed_to:
                name += f' <span class=muted>(previous name of {_e(row.renamed_to)})</span>'
            cls = "" if row.planned else ' class="unplannedrow"'
            rows.append(f'<tr{cls} data-name="{_e(row.name)}" data-owner="{_e(row.group)}"><td>{name}</td>'
                        f"<td>{_e(row.owner or '')}</td>{cells}</tr>")
        return f'<table id="matrix"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'

    def cell(self, i: int, j: int, row: Row, source: str) -> str:
        cell = row.cells[source]
        status = cell.status
        attrs = f'class="c {_e(status or "none")}" data-source="{_e(source)}" data-status="{_e(status or "")}"'
        tip = f"{row.name} in {source}: {WORDS[status]}"
        if not cell.sites:
            return f'<td {attrs} title="{_e(tip)}">{MARKS[status]}</td>'
        first = cell.sites[0]
        return (f'<td {attrs} title="{_e(tip)}"><a class="site" href="{self.href(first)}" '
                f'title="{_e(f"{first.path}:{first.line}")}">{MARKS[status]} {len(cell.sites)}</a> '
                f'<a class="all" href="#s-{i}-{j}" title="all call sites">≡</a></td>')

    def properties(self) -> str:
        out = []
        for row in self.coverage.rows:
            for prop in row.properties:
                if prop.status == "complete":
                    continue
                sites = prop.missing or prop.unknown
                links = ", ".join(f'<a href="{self.href(s)}">{_e(f"{s.path}:{s.line}")}</a>' for s in sites)
                words = "left out" if prop.missing else "cannot be read"
                out.append(f"<li><b>{_e(row.name)}</b>: required <code>{_e(prop.name)}</code> {words} at "
                           f"{len(sites)} of {prop.sites} call sites: {links}</li>")
        if not out:
            return ""
        return '<h2>Required properties</h2><ul id="properties">' + "".join(out) + "</ul>"

    def sites(self) -> str:
        out = ['<div class="list">']
        for i, row in enumerate(self.coverage.rows):
            for j, source in enumerate(self.coverage.sources):
                cell = row.cells[source]
                if not cell.sites:
                    continue
                items = "".join(f'<li><a href="{self.href(s)}">{_e(f"{s.path}:{s.line}:{s.column}")}</a></li>'
                                for s in cell.sites)
                out.append(f'<h3 id="s-{i}-{j}">{_e(row.name)} <span class=muted>in {_e(source)}: '
                           f"{_e(WORDS[cell.status])}</span></h3><ul>{items}</ul>")
        return "\n".join(out + ["</div>"])


def legend() -> str:
    return '<p class="legend">' + "".join(
        f'<span class="{_e(s or "none")}">{MARKS[s]} {_e(WORDS[s])}</span>' for s in MARKS) + "</p>"


def chart(coverage: Coverage) -> str:
    """A bar per source for each owner: the share of its planned cells that are sent."""
    width, label, bar_h, gap = 640, 170, 14, 10
    scale = width - label - 60
    y, parts = 0, []
    for group in coverage.groups:
        parts.append(f'<text x="0" y="{y + 12}" font-weight="bold">{_e(group)}</text>')
        y += 18
        for k, source in enumerate(coverage.sources):
            t = coverage.totals(source, group)
            if not t.planned:
                continue
            w = round(scale * (t.percent or 0) / 100)
            tip = f"{group} / {source}: {_percent(t.percent)} of {t.planned} planned"
            parts.append(f'<g><title>{_e(tip)}</title><text x="12" y="{y + 11}" font-size="12">{_e(source)}</text>'
                         f'<rect x="{label}" y="{y}" width="{scale}" height="{bar_h}" fill="#eee"/>'
                         f'<rect x="{label}" y="{y}" width="{w}" height="{bar_h}" fill="{PALETTE[k % len(PALETTE)]}"/>'
                         f'<text x="{label + scale + 6}" y="{y + 11}" font-size="12">{_percent(t.percent)}</text></g>')
            y += bar_h + 4
        y += gap
    if not parts:
        return '<p class="muted">The plan has no events.</p>'
    return (f'<svg id="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
            f'viewBox="0 0 {width} {y}" role="img" aria-label="coverage per source and owner" '
            f'font-family="system-ui,sans-serif">{"".join(parts)}</svg>')


def posix_join(base: str, path: str) -> str:
    """``path`` (relative to the project root) as seen from a page ``base`` away from it."""
    joined = os.path.normpath(os.path.join(base, path)) if base else path
    return joined.replace(os.sep, "/")


class HtmlCoverageReporter:
    """``coverage -f html``: links are relative to the page's directory (``-o``), else to the
    project root (the page is assumed to be written there)."""

    def __init__(self, *, root: str = ".", output_file: Path | None = None, **_: Any) -> None:
        base = ""
        if output_file is not None:
            rel = os.path.relpath(os.path.realpath(root), os.path.realpath(os.path.dirname(os.path.abspath(output_file))))
            base = "" if rel == "." else rel
        self.link_base = base

    def report(self, coverage: Coverage, change: Change | None, stream: IO[str]) -> None:
        from tracklint.fsutil import write_text

        write_text(stream, _Page(coverage, change, self.link_base).render())
