from django.contrib import admin

from insieme.network.models import Agreement, ContactPerson, Organisation, OrganisationMember


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


class OrganisationMemberInline(admin.TabularInline):
    model = OrganisationMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "fiscal_code", "legal_form", "comune", "third_sector"]
    list_filter = ["legal_form", "third_sector", "is_partner", "is_employer", "is_funder"]
    search_fields = ["name", "fiscal_code"]
    raw_id_fields = ["comune"]
    inlines = [ContactPersonInline, AgreementInline, OrganisationMemberInline]
