"""The fakes enforce the providers' contracts, so the tests against them mean something."""

from __future__ import annotations

import asyncio
import copy
import json
import re
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.clock import DrivenClock
from tests.fakes.twilio_api import FakeTwilioAPI, OpenApiForm

TO = "whatsapp:+6281234567890"
FROM = "whatsapp:+14155238886"


def _create(
    fake: FakeTwilioAPI, data: Mapping[str, str], auth: tuple[str, str] | None = None
) -> httpx.Response:
    return httpx.post(
        f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json",
        data=data,
        auth=auth or (fake.account_sid, fake.auth_token),
    )


def test_spec_marks_to_as_required_and_content_sid_pattern() -> None:
    spec = OpenApiForm()
    op = spec.operation("/2010-04-01/Accounts/{AccountSid}/Messages.json", "post")
    schema = op["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema["required"] == ["To"]
    assert schema["properties"]["ContentSid"]["pattern"] == "^HX[0-9a-fA-F]{32}$"


def test_fake_twilio_refuses_a_message_without_to(twilio_api: FakeTwilioAPI) -> None:
    response = _create(twilio_api, {"From": FROM, "Body": "halo"})
    assert response.status_code == 400
    assert response.json()["code"] == 21604
    assert response.json()["more_info"].endswith("/21604")
    assert twilio_api.created() == []


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        ({"To": TO, "Body": "x"}, 400, 21603),  # neither From nor MessagingServiceSid
        ({"To": TO, "From": FROM}, 400, 21602),  # neither Body, MediaUrl nor ContentSid
        ({"To": TO, "From": FROM, "ContentSid": "HX123"}, 400, 21655),  # pattern
        ({"To": TO, "From": FROM, "Body": "x", "Bodyy": "typo"}, 400, 21650),  # unknown
        ({"To": TO, "From": FROM, "Body": "x", "ValidityPeriod": "soon"}, 400, 21650),  # type
        ({"To": TO, "From": FROM, "Body": "x" * 1601}, 400, 21617),
        ({"To": "+6281234567890", "From": FROM, "Body": "x"}, 400, 21910),  # channel pair
        ({"To": "whatsapp:+12", "From": FROM, "Body": "x"}, 400, 21211),
        (
            {"To": TO, "From": FROM, "ContentSid": "HX" + "0" * 32, "ContentVariables": "{1}"},
            400,
            21656,
        ),
    ],
)
def test_fake_twilio_checks_the_documented_rules(
    twilio_api: FakeTwilioAPI, data: dict[str, str], status: int, code: int
) -> None:
    response = _create(twilio_api, data)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_fake_twilio_needs_basic_auth_and_a_valid_account(twilio_api: FakeTwilioAPI) -> None:
    data = {"To": TO, "From": FROM, "Body": "x"}
    assert _create(twilio_api, data, auth=(twilio_api.account_sid, "wrong")).status_code == 401
    bad = httpx.post(
        f"{twilio_api.url}/2010-04-01/Accounts/ACnope/Messages.json",
        data=data,
        auth=(twilio_api.account_sid, twilio_api.auth_token),
    )
    assert bad.status_code == 404
    created = _create(twilio_api, data)
    assert created.status_code == 201
    body = created.json()
    assert body["sid"].startswith("SM")
    assert len(body["sid"]) == 34
    assert body["to"] == TO
    assert body["status"] == "queued"


def test_fake_twilio_serves_media_only_with_auth(twilio_api: FakeTwilioAPI) -> None:
    url = twilio_api.add_media(b"\xff\xd8jpeg", "image/jpeg")
    assert httpx.get(url).status_code == 401
    response = httpx.get(
        url, auth=(twilio_api.account_sid, twilio_api.auth_token), follow_redirects=True
    )
    assert response.status_code == 200
    assert response.content == b"\xff\xd8jpeg"
    assert response.headers["content-type"] == "image/jpeg"


QUICK_REPLY: dict[str, Any] = {
    "friendly_name": "hadir",
    "language": "id",
    "types": {
        "twilio/quick-reply": {
            "body": "Hadir rapat?",
            "actions": [{"type": "QUICK_REPLY", "title": "Ya", "id": "f:q:1"}],
        }
    },
}


def _content(
    fake: FakeTwilioAPI, body: object, auth: tuple[str, str] | None = None
) -> httpx.Response:
    return httpx.post(
        f"{fake.url}/v1/Content", json=body, auth=auth or (fake.account_sid, fake.auth_token)
    )


def _with(path: str, value: object) -> dict[str, Any]:
    """QUICK_REPLY with one field (a dotted path) replaced, or removed when `value` is ..."""
    body = copy.deepcopy(QUICK_REPLY)
    *parents, last = path.split(".")
    node: Any = body
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return body


@pytest.mark.parametrize(
    "body",
    [
        _with("language", ...),  # required by the spec
        _with("types", ...),
        _with("types.twilio/quick-reply.body", ...),
        _with("types.twilio/quick-reply.actions.0.title", ...),
        _with("types.twilio/quick-reply.actions.0.label", "Ya"),  # not in the schema
        _with("types.twilio/quick-reply.actions.0.type", "BUTTON"),  # not in its enum
        _with("types.twilio/quick-reply.actions.0.title", "x" * 21),  # over WhatsApp's 20
        _with("types.twilio/quick-reply.actions", []),
        _with("variables", {"1": 2}),  # values are strings
        _with("types.twilio/quick-reply", None) | {"language": "id"},  # no content type left
    ],
)
def test_fake_content_api_checks_the_spec_and_the_documented_limits(
    twilio_api: FakeTwilioAPI, body: dict[str, Any]
) -> None:
    response = _content(twilio_api, body)
    assert response.status_code == 400
    assert twilio_api.contents == {}


def test_fake_content_api_needs_auth_and_answers_a_content_resource(
    twilio_api: FakeTwilioAPI,
) -> None:
    assert _content(twilio_api, QUICK_REPLY, auth=(twilio_api.account_sid, "x")).status_code == 401
    created = _content(twilio_api, QUICK_REPLY)
    assert created.status_code == 201
    sid = created.json()["sid"]
    assert re.fullmatch(r"HX[0-9a-f]{32}", sid)
    assert created.json()["types"] == QUICK_REPLY["types"]
    message = {"To": TO, "From": FROM, "ContentSid": sid}
    assert _create(twilio_api, message).status_code == 201
    assert _create(twilio_api, message | {"Body": "teks"}).status_code == 400
    form = twilio_api.press(twilio_api.messages[-1], "Ya")
    assert (form["ButtonPayload"], form["ButtonText"], form["From"]) == ("f:q:1", "Ya", TO)
    with pytest.raises(KeyError):
        twilio_api.press(twilio_api.messages[-1], "Tidak")


def test_the_content_spec_beside_the_fake_matches_the_shared_copy() -> None:
    from tests.fakes.twilio_api import CONTENT_SPEC_PATH, SHARED_CONTENT_SPEC_PATH

    if not SHARED_CONTENT_SPEC_PATH.exists():
        pytest.skip("no shared/twilio beside this checkout to compare with")
    assert json.loads(CONTENT_SPEC_PATH.read_text()) == json.loads(
        SHARED_CONTENT_SPEC_PATH.read_text()
    )


@pytest.mark.asyncio
async def test_fake_bot_api_enforces_flood_limits(bot_api: FakeBotAPI) -> None:
    clock = DrivenClock()  # never moved: no refill while the burst is served
    bot_api.enforce_rate_limits(overall_per_second=30, per_chat_interval=1.0, clock=clock.now)
    url = f"{bot_api.base_url}{bot_api.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        first = await client.post(url, data={"chat_id": "5", "text": "a"})
        second = await client.post(url, data={"chat_id": "5", "text": "b"})
        assert (first.status_code, second.status_code) == (200, 429)
        assert second.json()["parameters"]["retry_after"] >= 1
        assert bot_api.rate_limited == 1
        burst = await asyncio.gather(
            *(client.post(url, data={"chat_id": str(100 + i), "text": "x"}) for i in range(60))
        )
    limited = sum(r.status_code == 429 for r in burst)
    assert limited >= 1  # over 30 per second overall
    assert bot_api.rate_limited == 1 + limited


def test_fake_bot_api_rejects_a_wrong_token_and_long_text(bot_api: FakeBotAPI) -> None:
    assert httpx.post(f"{bot_api.base_url}123:wrong/getMe").status_code == 401
    url = f"{bot_api.base_url}{bot_api.token}/sendMessage"
    too_long = httpx.post(url, data={"chat_id": "5", "text": "x" * 4097})
    assert too_long.status_code == 400
    assert too_long.json()["description"] == "Bad Request: message is too long"


def test_the_spec_beside_the_fake_matches_the_shared_copy() -> None:
    import json

    from tests.fakes.twilio_api import SHARED_SPEC_PATH, SPEC_PATH

    if not SHARED_SPEC_PATH.exists():
        pytest.skip("no shared/twilio beside this checkout to compare with")
    shared = json.loads(SHARED_SPEC_PATH.read_text())
    ours = json.loads(SPEC_PATH.read_text())
    for path, operations in ours["paths"].items():
        assert operations == shared["paths"][path]
    for name, schema in ours["components"]["schemas"].items():
        assert schema == shared["components"]["schemas"][name]
