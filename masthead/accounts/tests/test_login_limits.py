"""Log-in limits, with allauth's limits on as in production (settings/test.py turns them off):
failures are counted per account, attempts per address, and the address is the client's."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from masthead.accounts.tests.factories import PASSWORD, MemberFactory
from masthead.settings import base
from masthead.settings.env import env_rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.ACCOUNT_RATE_LIMITS = dict(base.ACCOUNT_RATE_LIMITS)
    return settings


def log_in(email: str, password: str, **headers: str) -> Any:
    return Client(**headers).post(reverse("account_login"), {"login": email, "password": password})


def test_forty_members_behind_one_address_all_log_in_within_a_minute(limits: Any) -> None:
    members = [MemberFactory() for _ in range(40)]
    statuses = [log_in(member.email, PASSWORD).status_code for member in members]
    assert statuses == [302] * 40  # the test client is always 127.0.0.1


def test_failures_against_one_account_are_limited_while_others_log_in(limits: Any) -> None:
    target, colleague = MemberFactory(), MemberFactory()
    allowed, window = limits.MASTHEAD_LOGIN_LIMIT_ACCOUNT
    assert (allowed, window) == (10, 900)
    for _attempt in range(allowed):
        failed = log_in(target.email, "not-the-password")
        assert failed.status_code == 200 and "Too many" not in failed.content.decode()
    refused = log_in(target.email, PASSWORD)  # even the right password, until the window ends
    assert refused.status_code == 429 and refused["Retry-After"] == "900"
    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert log_in(target.email.upper(), "not-the-password").status_code == 429  # same account
    assert log_in(colleague.email, PASSWORD).status_code == 302  # from the same address


def test_behind_a_proxy_each_client_address_is_counted_apart(limits: Any) -> None:
    limits.MASTHEAD_TRUSTED_PROXY_COUNT = 1
    limits.ACCOUNT_RATE_LIMITS = {**limits.ACCOUNT_RATE_LIMITS, "login": "3/60s/ip"}
    members = [MemberFactory() for _ in range(5)]
    office = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}  # the proxy appended .7
    assert [log_in(m.email, PASSWORD, **office).status_code for m in members[:3]] == [302] * 3
    assert log_in(members[3].email, PASSWORD, **office).status_code == 429
    elsewhere = {"HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert log_in(members[4].email, PASSWORD, **elsewhere).status_code == 302


@pytest.mark.parametrize("raw", ["ten/900", "10", "0/60", "10/-1"])
def test_a_malformed_limit_in_the_environment_stops_the_start(raw: str, monkeypatch: Any) -> None:
    monkeypatch.setenv("MASTHEAD_LOGIN_LIMIT_ACCOUNT", raw)
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_LOGIN_LIMIT_ACCOUNT"):
        env_rate("MASTHEAD_LOGIN_LIMIT_ACCOUNT", "10/900")


def test_a_limit_from_the_environment(monkeypatch: Any) -> None:
    monkeypatch.setenv("MASTHEAD_LOGIN_LIMIT_ADDRESS", "1000/60")
    assert env_rate("MASTHEAD_LOGIN_LIMIT_ADDRESS", "300/60") == (1000, 60)


def test_failures_from_one_address_against_many_accounts_are_limited(limits: Any) -> None:
    """Password spraying: one wrong password tried against many accounts from one address."""
    limits.ACCOUNT_RATE_LIMITS = {
        **limits.ACCOUNT_RATE_LIMITS,
        "login_failed": "5/60s/ip,10/900s/key",
    }
    members = [MemberFactory() for _ in range(6)]
    statuses = [log_in(m.email, "Summer2026!").status_code for m in members]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    elsewhere = {"REMOTE_ADDR": "198.51.100.20"}
    assert log_in(members[5].email, PASSWORD, **elsewhere).status_code == 302


def test_the_default_limits_name_both_failures_per_address_and_per_account() -> None:
    assert base.ACCOUNT_RATE_LIMITS["login_failed"] == "60/60s/ip,10/900s/key"
