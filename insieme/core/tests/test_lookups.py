import pytest
from django import forms
from django.core.exceptions import ValidationError

from insieme.accounts.models import User

HUGE = "9" * 20


@pytest.mark.django_db
def test_an_id_beyond_the_column_matches_nothing_in_an_in_lookup():
    user = User.objects.create_user(email="a@esempio.it", password="x-Segreta-1")
    assert list(User.objects.filter(pk__in=[int(HUGE), user.pk])) == [user]
    assert list(User.objects.filter(pk__in=[int(HUGE)])) == []
    assert list(User.objects.filter(pk__in=[-int(HUGE)])) == []


@pytest.mark.django_db
def test_a_multiple_choice_refuses_a_20_digit_id_with_its_message():
    field = forms.ModelMultipleChoiceField(queryset=User.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([HUGE])
    assert refused.value.code == "invalid_choice"
