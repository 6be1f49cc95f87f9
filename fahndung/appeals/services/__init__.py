"""Writes on appeals (the package's public surface).

content:      appeal_create, appeal_update, photo_add, team_member_add, team_member_remove,
              appeal_delete, appeal_open
transitions:  appeal_submit, appeal_request_changes, appeal_close, appeal_archive, appeal_extend
approval:     appeal_approve, appeal_publish, appeal_content_changed, appeal_output_changed,
              approved_post_texts
orders:       order_confirm
purge:        appeal_records_purge   (R19; called by lifecycle.services.retention.appeal_purge)
"""

from fahndung.appeals.services._common import EDITABLE_STATUSES
from fahndung.appeals.services.approval import (
    appeal_approve,
    appeal_content_changed,
    appeal_output_changed,
    appeal_publish,
    approved_post_texts,
)
from fahndung.appeals.services.content import (
    appeal_create,
    appeal_delete,
    appeal_open,
    appeal_update,
    photo_add,
    team_member_add,
    team_member_remove,
)
from fahndung.appeals.services.orders import order_confirm
from fahndung.appeals.services.purge import appeal_records_purge
from fahndung.appeals.services.transitions import (
    appeal_archive,
    appeal_close,
    appeal_extend,
    appeal_request_changes,
    appeal_submit,
)

__all__ = [
    "EDITABLE_STATUSES",
    "appeal_approve",
    "appeal_archive",
    "appeal_close",
    "appeal_content_changed",
    "appeal_create",
    "appeal_delete",
    "appeal_extend",
    "appeal_open",
    "appeal_output_changed",
    "appeal_publish",
    "appeal_records_purge",
    "appeal_request_changes",
    "appeal_submit",
    "appeal_update",
    "approved_post_texts",
    "order_confirm",
    "photo_add",
    "team_member_add",
    "team_member_remove",
]
