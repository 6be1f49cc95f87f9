"""Dashboard filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fahndung.appeals.choices import Kind, Status


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Titel oder Aktenzeichen")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Alle offenen")), *list(Status.choices)])
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[("", _("Alle Arten")), *list(Kind.choices)])
