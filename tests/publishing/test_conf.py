"""Account configuration from the environment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from fahndung.publishing import conf


def test_accounts_need_all_required_fields():
    env = {"FAHNDUNG_MASTODON_BUND_BASE_URL": "http://127.0.0.1:1/m", "FAHNDUNG_X_LKA_ACCESS_TOKEN": "t"}
    assert conf.accounts_from_env(env) == []  # mastodon lacks TOKEN, X lacks three fields
    env["FAHNDUNG_MASTODON_BUND_TOKEN"] = "secret"
    (account,) = conf.accounts_from_env(env)
    assert account.key == "mastodon:bund" and account.get("TOKEN") == "secret" and not account.manual


def test_several_accounts_per_platform_and_labels():
    env = {}
    for name in ("LKA", "PPSTUTTGART"):
        for field in ("CONSUMER_KEY", "CONSUMER_SECRET", "ACCESS_TOKEN", "ACCESS_SECRET"):
            env[f"FAHNDUNG_X_{name}_{field}"] = "v"
    env["FAHNDUNG_X_LKA_LABEL"] = "X @LKA_BW"
    env["FAHNDUNG_X_LKA_UNKNOWNFIELD"] = "ignored"
    accounts = {a.key: a for a in conf.accounts_from_env(env)}
    assert set(accounts) == {"x:lka", "x:ppstuttgart"}
    assert accounts["x:lka"].label == "X @LKA_BW" and accounts["x:ppstuttgart"].label == "X (ppstuttgart)"


def test_secret_from_file(tmp_path):
    secret = tmp_path / "token"
    secret.write_text("from-file\n", encoding="utf-8")
    env = {"FAHNDUNG_MASTODON_BUND_BASE_URL": "http://127.0.0.1:1/m", "FAHNDUNG_MASTODON_BUND_TOKEN_FILE": str(secret)}
    assert conf.accounts_from_env(env)[0].get("TOKEN") == "from-file"
    env["FAHNDUNG_MASTODON_BUND_TOKEN_FILE"] = str(tmp_path / "missing")
    with pytest.raises(ImproperlyConfigured):
        conf.accounts_from_env(env)


def test_backoff_grows_is_capped_and_honours_retry_after(monkeypatch):
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_BACKOFF_SECONDS", "5")
    monkeypatch.setenv("FAHNDUNG_PUBLISHING_BACKOFF_MAX_SECONDS", "60")
    assert [conf.backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [5, 10, 20, 40, 60]
    assert conf.backoff_seconds(1, retry_after=300) == 300


def test_view_url_template():
    account = conf.AccountConfig("bluesky", "a", {"VIEW_URL": "http://127.0.0.1:1/_view/{id}"})
    assert account.view_url("at://did:plc:x/app.bsky.feed.post/3k", "d") == (
        "http://127.0.0.1:1/_view/at%3A%2F%2Fdid%3Aplc%3Ax%2Fapp.bsky.feed.post%2F3k")
    assert conf.AccountConfig("x", "a", {}).view_url("1", "https://x.com/i/web/status/1") == "https://x.com/i/web/status/1"
