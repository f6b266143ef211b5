"""Names vulture cannot see being used (tests/test_dead_code.py reads this file with the code).

Each entry says who uses the name. The last section lists dead code in files other helpers of
issue #15 were editing at the time; it is to be removed from there, and then from here.
"""

# ruff: noqa
# fmt: off

# typer registers these functions as commands (@app.command) and calls them
diff_command
import_command
export_command
init_command
lsp_command
validate             # tracklint validate (cli.py)

# pygls registers these functions as LSP handlers (@SERVER.feature) and calls them,
# tracklint/lsp/server.py
_initialize
_initialized
_shutdown
_did_open
_did_change
_did_save
_did_close
_watched
_hover
_completion
_definition
_references
_code_action

# reporters are looked up by "module:Class" strings in tracklint/report/__init__.REGISTRIES
ConciseReporter
FullReporter
JsonReporter
SarifReporter
GithubReporter
MarkdownReporter
GitlabReporter
JunitReporter
FullScanReporter
ConciseScanReporter
JsonScanReporter
FullCoverageReporter
JsonCoverageReporter
MarkdownCoverageReporter
HtmlCoverageReporter
FullDiffReporter
JsonDiffReporter
MarkdownDiffReporter
GithubDiffReporter

# hooks called by the libraries they are handed to
__getattr__          # module attribute hook (PEP 562), tracklint/plan/__init__.py
ignore_aliases       # yaml.SafeDumper hook, tracklint/plan/dump.py
indentless           # yaml.SafeDumper.increase_indent's signature, tracklint/plan/dump.py
object_pairs_hook    # json.decoder's parse_object signature, tracklint/importers/strict.py
log_errors           # re2.Options fields, tracklint/plan/patterns.py
max_mem
included_ranges      # tree_sitter.Parser attribute, tracklint/extract/base.py
readinto             # io.RawIOBase hook called by io.BufferedReader, tracklint/validate/read.py
