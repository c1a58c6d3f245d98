from django.forms.renderers import TemplatesSetting


class BootstrapItaliaRenderer(TemplatesSetting):
    """Render every form with Bootstrap Italia markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
