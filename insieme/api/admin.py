from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from insieme.api.models import ApiToken, Event, WebhookDelivery, WebhookEndpoint
from insieme.api.webhooks import deliver


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "secret", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_status",
        "next_attempt_at",
    ]
    list_filter = ["status", "event", "endpoint"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "event",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "response_status",
        "last_error",
        "created_at",
        "delivered_at",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send again now"))
    def send_again(self, request, queryset):
        for delivery in queryset:
            queryset.filter(pk=delivery.pk).update(status="retrying")
            deliver.enqueue(delivery.pk)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke tokens; nobody can read a token back (only its hash)."""

    list_display = [
        "name",
        "user",
        "lookup",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_select_related = ["user"]
    search_fields = ["name", "user__email", "lookup"]
    readonly_fields = [
        "user",
        "name",
        "scopes",
        "lookup",
        "created_at",
        "last_used_at",
        "expires_at",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False
