"""Forms of the staff login (they only parse; checks happen in accounts.services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Benutzername"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True, "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Passwort"), strip=False, max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    token = forms.RegexField(
        label=_("Sicherheitscode"), regex=r"^\s*\d{6,8}\s*$", max_length=12,
        error_messages={"invalid": _("Bitte den 6-stelligen Code aus der Authenticator-App eingeben.")},
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True,
            "pattern": r"\s*[0-9]{6,8}\s*", "size": 8,
        }),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()
