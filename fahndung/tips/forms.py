"""Forms of the staff UI (parsing only; rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fahndung.tips.choices import STAFF_CHANNELS
from fahndung.tips.workflow import ACTION_LABELS

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class StaffTipForm(forms.Form):
    channel = forms.ChoiceField(label=_("Eingangskanal"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_at = forms.DateTimeField(label=_("Eingegangen am"), required=False, widget=_DT,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    content = forms.CharField(label=_("Inhalt des Hinweises"), widget=forms.Textarea(attrs={"rows": 8}))
    observed_at = forms.DateTimeField(label=_("Zeitpunkt der Beobachtung"), required=False, widget=_DT,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    observed_place = forms.CharField(label=_("Ort der Beobachtung"), required=False)
    anonymous = forms.BooleanField(label=_("Hinweisgeber/in bleibt anonym"), required=False)
    contact_name = forms.CharField(label=_("Name"), required=False)
    contact_phone = forms.CharField(label=_("Telefon"), required=False)
    contact_email = forms.CharField(label=_("E-Mail"), required=False)
    source_detail = forms.CharField(
        label=_("Quelle (z. B. Link zum Kommentar, Betreff der E-Mail)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(forms.Form):
    op = forms.ChoiceField(choices=[(x, x) for x in ("transition", "duplicate", "assign", "note", "reply")])
    action = forms.ChoiceField(choices=list(ACTION_LABELS.items()), required=False)
    original = forms.CharField(required=False)
    assignee = forms.IntegerField(required=False)
    body = forms.CharField(required=False)
    comment = forms.CharField(required=False)
