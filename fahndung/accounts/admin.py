"""Django admin for units and staff profiles (role membership is managed via groups)."""

from __future__ import annotations

from django.contrib import admin

from fahndung.accounts.models import StaffProfile, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "email")
    search_fields = ("code", "name")


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "is_press_lead", "is_duty_officer")
    list_filter = ("unit", "is_press_lead", "is_duty_officer")
    search_fields = ("user__username", "user__last_name")
    autocomplete_fields = ("unit",)
