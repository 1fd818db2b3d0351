from __future__ import annotations

from typing import Any

import factory

from masthead.accounts.models import User
from masthead.accounts.services import member_create

PASSWORD = "correct-horse-battery"


class MemberFactory(factory.Factory):
    """A member made the way sign-up makes one: account, confirmed e-mail, profile."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"member{n}@example.test")
    handle = factory.Sequence(lambda n: f"member{n}")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = PASSWORD
    verified = True

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return member_create(**kwargs)
