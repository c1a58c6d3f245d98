from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DOMAIN.md; each is a Group of the same name that carries its permissions."""

    OPERATOR = "operatore", _("Operator")
    COACH = "coach", _("Coach")
    EVALUATOR = "valutatore", _("Evaluator")
    FUNDER = "finanziatore", _("Funder")
    APPLICANT = "candidato", _("Applicant")
    PARTNER = "partner", _("Partner organisation")
    ADMIN = "amministratore", _("Administrator")


# Staff roles handle personal data or money: they must use a second factor.
STAFF_ROLES = frozenset({Role.OPERATOR, Role.COACH, Role.EVALUATOR, Role.FUNDER, Role.ADMIN})
# The order in which a person with several roles sees their home panels.
ROLE_ORDER = [
    Role.ADMIN,
    Role.OPERATOR,
    Role.COACH,
    Role.EVALUATOR,
    Role.FUNDER,
    Role.PARTNER,
    Role.APPLICANT,
]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra)
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get(name=Role.ADMIN))
        return user


class User(AbstractUser):
    """A person who logs in, identified by e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def roles(self) -> frozenset[Role]:
        names = {g.name for g in self.groups.all()}
        return frozenset(role for role in Role if role.value in names)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def ordered_roles(self) -> list[Role]:
        return [role for role in ROLE_ORDER if role in self.roles]

    @property
    def needs_mfa(self) -> bool:
        return bool(self.roles & STAFF_ROLES)
