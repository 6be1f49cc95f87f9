"""Stable OpenAPI names for choice sets that several schema components share.

Without them drf-spectacular names such enums by hash ("KindE6aEnum") and warns. Plain
import strings and no imports here, so settings.py can use this module too:
``SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = ENUM_NAME_OVERRIDES``.
"""

ENUM_NAME_OVERRIDES = {
    "AppealKindEnum": "fahndung.appeals.choices.Kind",
    "AppealStatusEnum": "fahndung.appeals.choices.Status",
    "CloseReasonEnum": "fahndung.appeals.choices.CloseReason",
    "BoxKindEnum": "fahndung.imaging.models.BoxKind",
    "RecipientKindEnum": "fahndung.lifecycle.models.RecipientKind",
    "TakedownStateEnum": "fahndung.lifecycle.models.TakedownState",
    "ManualTakedownStateEnum": "fahndung.lifecycle.models.ManualTaskState",
    "ManualTakedownReasonEnum": "fahndung.lifecycle.models.ManualTaskReason",
    "TipStateEnum": "fahndung.tips.choices.TipState",
    "TipChannelEnum": "fahndung.tips.choices.Channel",
}
