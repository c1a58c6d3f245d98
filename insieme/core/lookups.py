"""`__in` on integer columns leaves out the values the column cannot hold.

Django already answers "nothing" for `pk=<a 20-digit number>` (its IntegerFieldOverflow), but
not for `pk__in=[…]`: SQLite's driver raises OverflowError, a 500 wherever a form's multiple
choice (ModelMultipleChoiceField, the admin's too) receives a tampered id. A value outside the
column's range matches no row, so dropping it gives the same answer without the error.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn, lookup_name="in")
