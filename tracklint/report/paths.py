"""Paths as a CI system reads them: relative to the repository checkout it runs in."""

from __future__ import annotations

from pathlib import Path


def project_prefix(root: str, workspace: str | None) -> str:
    """The project root's path below the repository checkout ``workspace`` (GitHub's
    ``GITHUB_WORKSPACE``, GitLab's ``CI_PROJECT_DIR``): "" when it is the checkout itself, or
    not below it. Findings' paths are relative to the project root; CI systems match paths
    relative to the checkout."""
    if not workspace or not root:
        return ""
    try:
        relative = Path(root).resolve().relative_to(Path(workspace).resolve())
    except (ValueError, OSError):
        return ""
    text = relative.as_posix()
    return "" if text == "." else text
