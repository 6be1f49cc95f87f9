"""Forms for workflow actions on the detail page and review queue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fahndung.appeals.choices import CloseReason, ConfirmingAuthority

# R6: what the press office confirms before approving.
CHECKLIST = (
    ("offender_warning", _("Täterwarnung geprüft (Veröffentlichung warnt keine Tatverdächtigen vor Maßnahmen)")),
    ("copycat_risk", _("Nachahmungsgefahr geprüft")),
    ("no_perpetrator_knowledge", _("Kein Täterwissen im veröffentlichten Text")),
    ("data_minimisation", _("Datenminimierung: nur erforderliche Merkmale werden veröffentlicht")),
)


class ApproveForm(forms.Form):
    comment = forms.CharField(label=_("Kommentar (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    # The version the approver looked at: a change in between refuses the approval.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in CHECKLIST:
            self.fields[key] = forms.BooleanField(
                label=label, required=True,
                error_messages={"required": _("Bitte bestätigen – ohne diese Prüfung keine Freigabe.")},
            )

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key, _label in CHECKLIST}

    def checklist_fields(self):
        return [self[key] for key, _label in CHECKLIST]


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("Was muss geändert werden?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte begründen, welche Änderungen nötig sind.")},
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Erledigungsgrund"), choices=[("", "—"), *list(CloseReason.choices)],
                               error_messages={"required": _("Bitte einen Erledigungsgrund wählen.")})
    comment = forms.CharField(label=_("Bemerkung"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmOrderForm(forms.Form):
    confirmed_by_name = forms.CharField(label=_("Bestätigt durch (Richter/in, StA)"), max_length=200,
                                        error_messages={"required": _("Bitte angeben, wer bestätigt hat.")})
    authority_type = forms.ChoiceField(label=_("Bestätigende Stelle"), choices=ConfirmingAuthority.choices)
    reference = forms.CharField(label=_("Geschäftszeichen der Bestätigung"), required=False, max_length=120)
