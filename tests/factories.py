"""factory_boy factories shared by all test packages."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from fahndung.accounts.models import StaffProfile, Unit
from fahndung.appeals.choices import IssuerType, Kind, LegalBasis, PersonRole
from fahndung.appeals.models import Appeal, LegalOrder, Person
from fahndung.core import clock


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.LazyAttribute(lambda o: f"Kriminalinspektion {o.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@polizei.example")
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            # get_or_create: transactional tests flush the tables, including migration-made groups.
            self.groups.add(Group.objects.get_or_create(name=name)[0])

    @factory.post_generation
    def unit(self, create, extracted, **kwargs):
        StaffProfile.objects.update_or_create(user=self, defaults={"unit": extracted})


class AppealFactory(factory.django.DjangoModelFactory):
    """A complete, submittable § 131 (3) appeal for a known suspect (no image needed;
    § 131b appeals need an approved photo: use kind/legal_basis and upload one)."""

    class Meta:
        model = Appeal
        skip_postgeneration_save = True

    kind = Kind.SUSPECT_KNOWN
    legal_basis = LegalBasis.STPO_131_3
    urgent_suspicion = True
    title = factory.Sequence(lambda n: f"Raub Königstraße {n}")
    file_number_police = factory.Sequence(lambda n: f"ST/1234/{n:05d}/26")
    unit = factory.SubFactory(UnitFactory, code="unit-a")
    owner = factory.SubFactory(UserFactory)
    offence = "Schwerer Raub"
    offence_statute = "§ 250 StGB"
    significance_reason = "Bewaffneter Überfall auf eine Apotheke mit erheblicher Beute."
    measures_taken = "Zeugenbefragung, Auswertung Videoaufzeichnung, Spurensicherung ohne Ergebnis."
    place = "Stuttgart-Mitte, Königstraße"
    public_facts = "Am Abend wurde eine Apotheke in der Königstraße überfallen."
    hotline = "0711 8990-5778"
    expires_at = factory.LazyFunction(lambda: clock.now() + timedelta(days=60))

    @factory.post_generation
    def with_person(self, create, extracted, **kwargs):
        if extracted is False:
            return
        role = {Kind.WITNESS: PersonRole.WITNESS, Kind.MISSING: PersonRole.MISSING,
                Kind.UNKNOWN_DEAD: PersonRole.DECEASED, Kind.CONVICT: PersonRole.CONVICT}.get(self.kind, PersonRole.SUSPECT)
        Person.objects.create(
            appeal=self, role=role, sex="male", age_min=25, age_max=30, height_min_cm=175,
            height_max_cm=180, build="schlank", hair="kurz, dunkel", clothing="schwarze Kapuzenjacke",
            published_fields=Person.default_published_fields(),
        )


class LegalOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalOrder

    appeal = factory.SubFactory(AppealFactory)
    issuer_type = IssuerType.JUDGE
    issuer_name = "Richterin am Amtsgericht Dr. Weber"
    authority = "Amtsgericht Stuttgart"
    decision_number = factory.Sequence(lambda n: f"Gs {n}/26")
    decided_at = factory.LazyFunction(lambda: clock.now() - timedelta(hours=1))
