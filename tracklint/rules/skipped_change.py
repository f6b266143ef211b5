"""## What it does
In a pull-request run (`--changed-since REF`, the per-file pre-commit hook, the Action's PR
mode), reports a file the change touched that tracklint did not analyse: larger than
`max-file-size`, minified (`*.min.js`, very long lines), marked as generated (the usual
generated-code markers in its first lines), binary, a symbolic link to a file outside the
project (never read), or a git submodule (its code is not checked). The finding sits on the
first line of the file.

## Why is this bad?
A skipped file is not checked, so a pull request could hide a renamed or unplanned event in
one: a two-line change to a file with a 6,000-character line passes the gate unseen. A full
check reports such files as notes; a change that touches one must say so loudly.

## Example
A pull request edits `web/vendor/tracking.min.js`, which contains
`analytics.track("order_done")`: tracklint cannot parse it, and fails the run.

## Use instead
Keep analytics calls in source files that tracklint reads, or raise the limit
(`max-file-size`), or parse the file anyway (`skip-minified = false`, `skip-generated = false`).
When skipped files are expected in changes (vendored bundles, generated clients), set
`fail-on-skipped-changes = false` in the configuration: the file is then reported as a note only.
Excluded files (`exclude`) are never read and never reported.
"""

from __future__ import annotations

CODE = "TL014"
NAME = "skipped-changed-file"
SCOPE = "engine"
DEFAULT_SEVERITY = "error"
SUMMARY = "A file the change touched was skipped (too large, minified, generated) and not checked."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}
