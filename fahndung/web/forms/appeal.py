"""The multi-step appeal form: one Django form per step plus a person formset.

They only parse and shape input for appeals.services.appeal_create/appeal_update; the
services enforce the business rules and raise ValidationFailed(.fields), which
``apply_service_errors`` maps back onto the right step and field.

Public surface: ``AppealForms`` (bundle of all step forms), ``apply_service_errors``,
``STEPS``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.forms import formset_factory
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fahndung.appeals.choices import ALLOWED_BASES, Kind, LegalBasis, PersonRole
from fahndung.appeals.models import Appeal, LegalOrder, Person
from fahndung.appeals.rules import max_expiry_days

STEPS = (
    ("basis", _("Art & Rechtsgrundlage")),
    ("order", _("Anordnung")),
    ("facts", _("Sachverhalt")),
    ("persons", _("Personen")),
    ("protection", _("Schutz & Ablauf")),
    ("photos", _("Fotos")),
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _style(fields: dict[str, forms.Field]) -> dict[str, forms.Field]:
    """HTML5 inputs for dates; German labels where the model has none."""
    for _name, field in fields.items():
        if isinstance(field, forms.DateTimeField):
            field.widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
        elif isinstance(field, forms.DateField):
            field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        elif isinstance(field.widget, forms.Textarea):
            field.widget.attrs["rows"] = 2 if field.max_length and field.max_length <= 300 else 3
        if isinstance(field, forms.CharField | forms.IntegerField | forms.DateField | forms.DateTimeField | forms.ChoiceField):
            field.required = False
    return fields


class KeepSecondsMixin:
    """datetime-local inputs show minutes only. When the posted value equals the stored
    value truncated to minutes, keep the stored value – otherwise every save would look
    like a change (new version, reset order confirmation)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            original = self.initial.get(name)  # type: ignore[attr-defined]
            value = cleaned.get(name)
            if (
                isinstance(field, forms.DateTimeField) and isinstance(original, datetime)
                and value is not None and value == original.replace(second=0, microsecond=0)
            ):
                cleaned[name] = original
        return cleaned


class BasisSelect(forms.Select):
    """Marks every legal-basis option with the kinds it is admissible for (R1), so the
    browser can hide the others; the server checks again."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        kinds = [k for k, bases in ALLOWED_BASES.items() if str(value) in bases]
        option["attrs"]["data-kinds"] = " ".join(kinds)
        return option


class BasisForm(forms.Form):
    kind = forms.ChoiceField(label=_("Fahndungsart"), choices=[("", "—"), *list(Kind.choices)],
                             error_messages={"required": _("Bitte die Fahndungsart wählen.")})
    legal_basis = forms.ChoiceField(
        label=_("Rechtsgrundlage"), choices=[("", "—"), *list(LegalBasis.choices)], widget=BasisSelect,
        error_messages={"required": _("Bitte die Rechtsgrundlage wählen.")},
        help_text=_("Es werden nur die für die Fahndungsart zulässigen Rechtsgrundlagen angeboten."),
    )
    title = forms.CharField(label=_("Interner Kurztitel"), max_length=200,
                            error_messages={"required": _("Bitte einen Kurztitel angeben.")})
    file_number_police = forms.CharField(label=_("Aktenzeichen Polizei"), max_length=80,
                                         error_messages={"required": _("Das Aktenzeichen ist Pflicht.")})
    file_number_prosecutor = forms.CharField(label=_("Aktenzeichen StA"), max_length=80, required=False)
    prosecutor_contact = forms.CharField(label=_("Ansprechpartner StA"), max_length=200, required=False)


class OrderForm(KeepSecondsMixin, forms.Form):
    prefix = "order"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_style(fields_for_model(LegalOrder, fields=[
            "issuer_type", "issuer_name", "authority", "decision_number", "decided_at", "is_emergency",
            "name_allowed", "scope_notes",
        ])))
        self.fields["issuer_type"].label = _("Anordnende Stelle")
        self.fields["issuer_type"].choices = [("", "—"), *self.fields["issuer_type"].choices[1:]]

    def to_service(self) -> dict[str, Any] | None:
        data = dict(self.cleaned_data)
        if not any(data.get(k) for k in ("issuer_type", "authority", "decision_number", "decided_at")):
            return None  # no order entered (police-law appeals need none)
        return data


class FactsForm(KeepSecondsMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_style(fields_for_model(Appeal, fields=[
            "offence", "offence_statute", "significance_reason", "measures_taken", "urgent_suspicion",
            "place", "district", "occurred_from", "occurred_to", "public_facts", "withheld_facts",
        ])))
        self.fields["withheld_facts"].help_text = _("Wird nie veröffentlicht; dient der Prüfung eingehender Hinweise.")


class ProtectionForm(KeepSecondsMixin, forms.Form):
    expires_on = forms.DateField(
        label=_("Ablaufdatum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Ein Ablaufdatum ist Pflicht."), "invalid": _("Bitte ein gültiges Datum angeben.")},
        help_text=_("Die Fahndung endet an diesem Tag um 23:59 Uhr."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        generated = _style(fields_for_model(Appeal, fields=[
            "risk_category", "consent_given_by", "consent_relation", "consent_date", "consent_scope",
            "consent_exception", "is_minor", "is_victim", "is_dangerous", "reward_amount",
            "reward_authority", "reward_reference", "reward_conditions", "hotline", "review_due_at",
        ]))
        generated["risk_category"].label = _("Gefahrenkategorie (Vermisste)")
        expires = self.fields.pop("expires_on")
        self.fields.update(generated)
        self.fields["expires_on"] = expires
        limits = {k: max_expiry_days(k) for k in Kind.values}
        expires.widget.attrs["data-max-days"] = json.dumps(limits)
        expires.help_text = _("Die Fahndung endet an diesem Tag um 23:59 Uhr. Höchstdauer je Art: ") + ", ".join(
            f"{Kind(k).label} {d} Tage" for k, d in limits.items()
        )

    def to_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        on = data.pop("expires_on")
        original = self.initial.get("expires_at_original")
        if on and original is not None and timezone.localtime(original).date() == on:
            data["expires_at"] = original  # same day as stored: keep the exact stored time
        else:
            data["expires_at"] = timezone.make_aware(datetime.combine(on, time(23, 59))) if on else None
        return data


class PersonForm(KeepSecondsMixin, forms.Form):
    # Layout rows: (publish flag, model fields it covers)
    ROWS = (
        ("name", ("name",)), ("alias", ("alias",)), ("date_of_birth", ("date_of_birth",)), ("sex", ("sex",)),
        ("age", ("age_min", "age_max")), ("height", ("height_min_cm", "height_max_cm")), ("build", ("build",)),
        ("hair", ("hair",)), ("eyes", ("eyes",)), ("appearance", ("appearance",)),
        ("beard_glasses", ("beard_glasses",)), ("distinguishing_marks", ("distinguishing_marks",)),
        ("languages", ("languages",)), ("clothing", ("clothing",)), ("items_carried", ("items_carried",)),
        ("vehicle", ("vehicle",)), ("last_seen", ("last_seen_place", "last_seen_at")),
        ("nationality", ("nationality", "nationality_justification")), ("health_notes", ("health_notes",)),
        ("address", ("address",)),
    )
    LABELS = {
        "name": _("Name"), "alias": _("Alias"), "date_of_birth": _("Geburtsdatum"), "sex": _("Geschlecht"),
        "age_min": _("Alter von"), "age_max": _("Alter bis"), "height_min_cm": _("Größe von (cm)"),
        "height_max_cm": _("Größe bis (cm)"), "role": _("Rolle"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [n for _key, fields in self.ROWS for n in fields]
        generated = _style(fields_for_model(Person, fields=["role", *names]))
        generated["role"].choices = [("", _("automatisch (nach Fahndungsart)")), *PersonRole.choices]
        for name, label in self.LABELS.items():
            generated[name].label = label
        self.fields.update(generated)
        for key, default in Person.PUBLISHABLE_FIELDS.items():
            self.fields[f"pub_{key}"] = forms.BooleanField(
                label=_("veröffentlichen"), required=False, initial=default,
                # the wizard's "add person" resets clones to these defaults
                widget=forms.CheckboxInput(attrs={"data-default": "1" if default else "0"}),
            )

    def rows(self) -> list[tuple[list[forms.BoundField], forms.BoundField]]:
        return [([self[n] for n in fields], self[f"pub_{key}"]) for key, fields in self.ROWS]

    def to_service(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("pub_") and k != "DELETE"}
        if not data.get("role"):
            data.pop("role", None)
        data["published_fields"] = [k for k in Person.PUBLISHABLE_FIELDS if self.cleaned_data.get(f"pub_{k}")]
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        names = ["role"] + [n for _key, fields in cls.ROWS for n in fields]
        initial: dict[str, Any] = {n: getattr(person, n) for n in names}
        for dt_name in ("last_seen_at",):
            if initial.get(dt_name):
                initial[dt_name] = timezone.localtime(initial[dt_name])
        for key in Person.PUBLISHABLE_FIELDS:
            initial[f"pub_{key}"] = key in person.published_fields
        return initial


PersonFormSet = formset_factory(PersonForm, extra=0, min_num=1, can_delete=True, max_num=10, validate_max=True)


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value else None


class AppealForms:
    """All step forms of one appeal form page, bound or unbound."""

    def __init__(self, data: Any = None, *, appeal: Appeal | None = None) -> None:
        initial = self._initial(appeal)
        self.editing = appeal is not None
        self.basis = BasisForm(data, initial=initial["basis"])
        self.order = OrderForm(data, initial=initial["order"])
        self.facts = FactsForm(data, initial=initial["facts"])
        self.protection = ProtectionForm(data, initial=initial["protection"])
        self.persons = PersonFormSet(data, prefix="persons", initial=initial["persons"] or None)
        self.general_errors: list[str] = []

    @staticmethod
    def _initial(appeal: Appeal | None) -> dict[str, Any]:
        if appeal is None:
            return {
                "basis": {}, "order": {}, "facts": {}, "persons": [],
                "protection": {"expires_on": date.today() + timedelta(days=30)},
            }
        def pick(names):
            return {n: _local(getattr(appeal, n)) if isinstance(getattr(appeal, n), datetime) else getattr(appeal, n) for n in names}
        try:
            order = appeal.order
            order_initial = {n: getattr(order, n) for n in OrderForm().fields}
            order_initial["decided_at"] = _local(order.decided_at)
        except LegalOrder.DoesNotExist:
            order_initial = {}
        protection = pick([n for n in ProtectionForm().fields if n != "expires_on"])
        protection["expires_on"] = timezone.localtime(appeal.expires_at).date() if appeal.expires_at else None
        protection["expires_at_original"] = appeal.expires_at
        return {
            "basis": pick(BasisForm.base_fields),
            "order": order_initial,
            "facts": pick(FactsForm().fields),
            "protection": protection,
            "persons": [PersonForm.initial_for(p) for p in appeal.persons.all()],
        }

    def step_forms(self) -> dict[str, list[Any]]:
        return {"basis": [self.basis], "order": [self.order], "facts": [self.facts],
                "persons": [self.persons], "protection": [self.protection]}

    def is_valid(self) -> bool:
        results = [f.is_valid() for f in (self.basis, self.order, self.facts, self.protection, self.persons)]
        return all(results)

    def steps_with_errors(self) -> set[str]:
        bad = set()
        for step, forms_ in self.step_forms().items():
            for form in forms_:
                if isinstance(form, forms.BaseFormSet):
                    if form.is_bound and (any(f.errors for f in form.forms) or form.non_form_errors()):
                        bad.add(step)
                elif form.is_bound and form.errors:
                    bad.add(step)
        return bad

    def service_kwargs(self) -> dict[str, Any]:
        data = {**self.basis.cleaned_data, **self.facts.cleaned_data, **self.protection.to_service()}
        persons: list[dict[str, Any]] | None
        if self.editing and not self.persons.has_changed():
            persons = None  # untouched: keep the stored rows (and photos linked to them)
        else:
            initial_count = self.persons.initial_form_count()
            persons = [
                f.to_service() for i, f in enumerate(self.persons.forms)
                # stored persons stay even if unchanged; blank extra forms are skipped
                if (i < initial_count or f.has_changed()) and not f.cleaned_data.get("DELETE")
            ]
        return _utc({"data": data, "persons": persons, "order": self.order.to_service()})


def _utc(value: Any) -> Any:
    """Datetimes in UTC, like the ones read from the database: the service compares
    snapshots by ISO string, where 04:32+01:00 and 03:32+00:00 would differ."""
    if isinstance(value, dict):
        return {k: _utc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_utc(v) for v in value]
    if isinstance(value, datetime) and timezone.is_aware(value):
        return value.astimezone(UTC)
    return value


def apply_service_errors(bundle: AppealForms, fields: dict[str, list[str]], message: str) -> None:
    """Attach ValidationFailed.fields to the step form that owns each field."""
    placed = False
    targets = (bundle.basis, bundle.order, bundle.facts, bundle.protection)
    for raw_key, messages_ in fields.items():
        key = raw_key.removeprefix("order.")
        key = "expires_on" if key == "expires_at" else key
        for text in messages_ if isinstance(messages_, list | tuple) else [messages_]:
            form = next((f for f in targets if key in f.fields and (raw_key.startswith("order.") == (f is bundle.order))), None)
            if form is None:
                form = next((f for f in targets if key in f.fields), None)
            if form is not None:
                form.add_error(key, str(text))
                placed = True
            elif key == "persons" or key in PersonForm().fields:
                bundle.persons._non_form_errors.append(f"{PersonForm().fields[key].label}: {text}" if key in PersonForm().fields else str(text))
                placed = True
            elif key == "order":
                bundle.order.add_error(None, str(text))
                placed = True
            else:
                bundle.general_errors.append(str(text))
    if not placed or not fields:
        bundle.general_errors.insert(0, message)
