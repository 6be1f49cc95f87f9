"""What one app's "purge my part of this appeal" service returns (R19).

Each app deletes its own rows of an appeal inside the caller's transaction and returns a
PurgePlan: row counts plus the stored files to delete. Files are deleted only after the
transaction commits (`purge_files_after_commit`): if the row deletion rolls back, the
evidence files must still be there. A prefix ("previews/<appeal id>/") also catches files
that no row points to any more (an interrupted re-render, a crashed upload).

Storage aliases are the keys of settings.STORAGES: "private" (originals, previews,
renditions, tip files) and "default" (public copies).
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, field

from django.core.files.storage import Storage, storages
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass
class PurgePlan:
    rows: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str]] = field(default_factory=list)  # (storage alias, name)
    prefixes: list[tuple[str, str]] = field(default_factory=list)  # (storage alias, folder)

    def add_rows(self, per_model: dict[str, int]) -> None:
        for label, count in per_model.items():
            if count:
                self.rows[label] = self.rows.get(label, 0) + count

    def merge(self, other: PurgePlan) -> PurgePlan:
        self.add_rows(other.rows)
        self.files.extend(other.files)
        self.prefixes.extend(other.prefixes)
        return self


def _walk(storage: Storage, folder: str) -> list[str]:
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder.rstrip('/')}/{name}" for name in files]
    for sub in dirs:
        names.extend(_walk(storage, f"{folder.rstrip('/')}/{sub}"))
    return names


def _remove_empty_dirs(storage: Storage, folder: str) -> None:
    """File-system storage only: the empty folder would still name the appeal id."""
    try:
        root = storage.path(folder)
    except NotImplementedError:  # object stores have no folders
        return
    for current, _dirs, _files in sorted(os.walk(root), key=lambda t: -len(t[0])):
        with contextlib.suppress(OSError):
            os.rmdir(current)


def purge_files(plan: PurgePlan) -> int:
    """Delete the plan's files and everything under its prefixes. Returns files deleted."""
    deleted = 0
    seen: set[tuple[str, str]] = set()
    targets = list(plan.files)
    for alias, folder in plan.prefixes:
        targets.extend((alias, name) for name in _walk(storages[alias], folder))
    for alias, name in targets:
        if not name or (alias, name) in seen:
            continue
        seen.add((alias, name))
        storage = storages[alias]
        try:
            if storage.exists(name):
                storage.delete(name)
                deleted += 1
        except OSError as exc:  # logged; the purge audit row counts only deleted files
            logger.warning("purge: could not delete %s:%s: %s", alias, name, type(exc).__name__)
    for alias, folder in plan.prefixes:
        _remove_empty_dirs(storages[alias], folder)
    return deleted


def purge_files_after_commit(plan: PurgePlan) -> None:
    transaction.on_commit(lambda: purge_files(plan))
