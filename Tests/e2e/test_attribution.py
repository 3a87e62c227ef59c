"""Who called (source), tags, what reaches the upstream, and the API key never being stored.

Source, first match wins: X-TokenLens-Source header > ``/proxy/{provider}+NAME`` > a recognised
User-Agent > ``unknown``. ``X-TokenLens-*`` headers never reach the upstream; the API key does,
and never appears in the database files nor in the daemon's logs.
"""
from __future__ import annotations

import pytest

from conftest import (ANTHROPIC_AUTH, ANTHROPIC_KEY, GOOGLE_AUTH, GOOGLE_KEY, OPENAI_AUTH, OPENAI_KEY, _secrets_in,
                      assert_no_secrets_in_files, tag_headers)

openai = pytest.importorskip("openai")
anthropic = pytest.importorskip("anthropic")
genai = pytest.importorskip("google.genai")
from google.genai import types as gtypes  # noqa: E402

CHAT_BODY = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "x"}]}
MSG_BODY = {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "x"}]}
GEM_BODY = {"contents": [{"parts": [{"text": "x"}]}]}

OPENAI_SDK_UA = "OpenAI/Python 3.57.0"
ANTHROPIC_SDK_UA = "Anthropic/Python 2.14.0"
GENAI_SDK_UA = "google-genai-sdk/3.6.1 gl-python/3.11.7"

CALLS = {
    "openai": ("/v1/chat/completions", CHAT_BODY, OPENAI_AUTH),
    "anthropic": ("/v1/messages", MSG_BODY, ANTHROPIC_AUTH),
    "google": ("/v1beta/models/gemini-2.5-flash:generateContent", GEM_BODY, GOOGLE_AUTH),
}


def call(daemon, tag, provider, url_source=None, headers=None):
    path, body, auth = CALLS[provider]
    prefix = provider + (f"+{url_source}" if url_source else "")
    status, h, data = daemon.request("POST", f"/proxy/{prefix}{path}", body,
                                     {**auth, **tag_headers(tag), **(headers or {})})
    assert status == 200, data[:300]
    return h


SOURCE_CASES = [
    # (provider, header source, url source, user agent, expected)
    ("openai", "hdr-src", "url-src", OPENAI_SDK_UA, "hdr-src"),
    ("openai", None, "url-src", OPENAI_SDK_UA, "url-src"),
    ("openai", None, None, OPENAI_SDK_UA, "openai-python"),
    ("openai", None, None, "curl/8.5.0", "curl"),
    ("openai", None, None, "codex_cli_rs/0.30.0 (Linux; x86_64)", "codex"),
    ("openai", None, None, None, "unknown"),
    ("openai", None, None, "my-own-tool/0.1", "unknown"),
    ("anthropic", "hdr-src", "url-src", ANTHROPIC_SDK_UA, "hdr-src"),
    ("anthropic", None, "url-src", ANTHROPIC_SDK_UA, "url-src"),
    ("anthropic", None, None, ANTHROPIC_SDK_UA, "anthropic-python"),
    ("anthropic", None, None, "claude-cli/1.0.80 (external, cli)", "claude-code"),
    ("google", "hdr-src", "url-src", GENAI_SDK_UA, "hdr-src"),
    ("google", None, "url-src", GENAI_SDK_UA, "url-src"),
    ("google", None, None, GENAI_SDK_UA, "google-genai"),
    ("google", None, None, "curl/8.5.0", "curl"),
]


@pytest.mark.parametrize("provider,hdr,url,ua,expected", SOURCE_CASES,
                         ids=[f"{c[0]}-{c[4]}-{'h' if c[1] else ''}{'u' if c[2] else ''}" for c in SOURCE_CASES])
def test_source_precedence(fake, daemon, tag, provider, hdr, url, ua, expected):
    headers = {}
    if hdr:
        headers["X-TokenLens-Source"] = hdr
    if ua:
        headers["User-Agent"] = ua
    call(daemon, tag, provider, url_source=url, headers=headers)
    rec = daemon.wait_tag(tag)
    assert rec["source"] == expected
    assert rec["provider"] == provider and rec["outcome"] == "ok"
    # the +name never reaches the upstream path
    sent = fake.requests_tagged(tag)
    assert len(sent) == 1 and sent[0]["path"] == CALLS[provider][0]


def test_sdk_user_agents_are_recognised(fake, daemon, tag):
    h = tag_headers(tag)
    openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai"), max_retries=0,
                  default_headers=h).embeddings.create(model="text-embedding-3-small", input="x")
    anthropic.Anthropic(api_key=ANTHROPIC_KEY, base_url=daemon.proxy("anthropic"), max_retries=0,
                        default_headers=h).messages.create(**MSG_BODY)
    g = genai.Client(api_key=GOOGLE_KEY, http_options=gtypes.HttpOptions(base_url=daemon.proxy("google"), headers=h))
    g.models.generate_content(model="gemini-2.5-flash", contents="x")
    recs = daemon.wait_tag(tag, count=3)
    assert sorted((r["provider"], r["source"]) for r in recs) == [
        ("anthropic", "anthropic-python"), ("google", "google-genai"), ("openai", "openai-python")]


def test_sdk_with_url_source(fake, daemon, tag):
    c = openai.OpenAI(api_key=OPENAI_KEY, base_url=daemon.proxy("openai+my-agent"), max_retries=0,
                      default_headers=tag_headers(tag))
    c.chat.completions.create(**CHAT_BODY)
    assert daemon.wait_tag(tag)["source"] == "my-agent"
    assert fake.requests_tagged(tag)[0]["path"] == "/v1/chat/completions"


def test_tags_recorded(fake, daemon, tag):
    call(daemon, tag, "openai", headers={"X-TokenLens-Tags": f"t={tag},team=search,env=dev"})
    rec = daemon.wait_tag(tag)
    assert rec["tags"] == {"t": tag, "team": "search", "env": "dev"}
    # and reported with the same tags in the CSV export and filters by source
    csv_text = daemon.request("GET", "/api/export/csv?days=1")[2].decode()
    assert any(rec["id"] in line and "team=search" in line for line in csv_text.splitlines())


def test_tokenlens_headers_never_reach_upstream_but_the_key_does(fake, daemon, tag):
    extra = {"X-TokenLens-Source": "s1", "X-TokenLens-Tags": f"t={tag},a=b", "X-TokenLens-Anything": "zzz",
             "x-tokenlens-lowercase": "yyy", "X-Custom-Passthrough": "kept"}
    for provider in ("openai", "anthropic", "google"):
        call(daemon, tag, provider, headers=extra)
    # Gemini with the key in the query string instead of a header
    status, _, _ = daemon.request("POST", f"/proxy/google/v1beta/models/gemini-2.5-flash:generateContent?key={GOOGLE_KEY}",
                                  GEM_BODY, {**tag_headers(tag), **extra})
    assert status == 200
    sent = fake.requests_tagged(tag)
    assert len(sent) == 4
    for r in sent:
        names = [k.lower() for k, _ in r["raw_headers"]]
        assert not [n for n in names if n.startswith("x-tokenlens")], r["raw_headers"]
        assert r["headers"]["x-custom-passthrough"] == "kept"
    by_path = {r["path"]: r for r in sent}
    assert by_path["/v1/chat/completions"]["headers"]["authorization"] == f"Bearer {OPENAI_KEY}"
    assert by_path["/v1/messages"]["headers"]["x-api-key"] == ANTHROPIC_KEY
    assert by_path["/v1/messages"]["headers"]["anthropic-version"] == "2023-06-01"
    assert by_path["/v1beta/models/gemini-2.5-flash:generateContent"]["headers"]["x-goog-api-key"] == GOOGLE_KEY
    assert f"/v1beta/models/gemini-2.5-flash:generateContent?key={GOOGLE_KEY}" in by_path
    recs = daemon.wait_tag(tag, count=4)
    assert all(r["source"] == "s1" and r["tags"] == {"t": tag, "a": "b"} for r in recs)


def test_api_keys_never_stored_nor_logged(fake, daemon, tag):
    """Many kinds of calls carrying the keys (ok, stream, upstream errors, blocked; upstream down is
    covered in test_errors.py),
    then every file in the data folder and the daemon's stderr are searched for the keys."""
    bad = {"X-Fake-Status": "500"}
    for provider in ("openai", "anthropic", "google"):
        call(daemon, tag, provider)
        path, body, auth = CALLS[provider]
        daemon.request("POST", f"/proxy/{provider}{path}", body, dict(auth, **tag_headers(tag), **bad))
        daemon.request("POST", f"/proxy/{provider}{path}", b"{not json", dict(auth, **tag_headers(tag)))
    daemon.request("POST", "/proxy/openai/v1/chat/completions", dict(CHAT_BODY, stream=True),
                   dict(OPENAI_AUTH, **tag_headers(tag)))
    daemon.request("POST", f"/proxy/google/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key={GOOGLE_KEY}",
                   GEM_BODY, tag_headers(tag))
    daemon.request("POST", "/proxy/mistral/v1/chat/completions", CHAT_BODY, dict(OPENAI_AUTH, **tag_headers(tag)))
    daemon.wait_tag(tag, count=12)

    assert_no_secrets_in_files(daemon)
    # the HTTP API does not echo them either
    for path in ("/api/usage/recent?limit=500", "/api/export/csv?days=1", "/metrics", "/api/status"):
        assert _secrets_in(daemon.request("GET", path)[2]) == [], path
    assert _secrets_in(daemon.stderr_path.read_bytes()) == [], daemon.stderr_text()[-2000:]
