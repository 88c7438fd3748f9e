"""A fake Twilio REST API for tests: real HTTP on 127.0.0.1, checked against Twilio's OpenAPI.

`POST /2010-04-01/Accounts/{AccountSid}/Messages.json` is validated against the CreateMessage
request schema in Twilio's own description (`shared/twilio/twilio_api_v2010.json`): required
parameters, types, lengths, patterns and enums, plus HTTP Basic auth (the spec's security
scheme). On top of the schema it applies the documented rules the schema cannot express (one of
From/MessagingServiceSid; one of Body/MediaUrl/ContentSid; Body <= 1600 characters; E.164
numbers; WhatsApp From needs a WhatsApp To; ContentVariables is a JSON object). Violations get
400 with a Twilio-style error JSON; otherwise 201 with a message resource.

Stricter than Twilio: unknown form parameters are refused (Twilio ignores them), so a typo in
a parameter name fails the test instead of being silently dropped.

Media for inbound messages: `add_media(data, content_type)` returns a media URL; a GET with
the account's Basic auth answers 307 to a CDN path that serves the bytes, as Twilio does.

The Content API (`POST /v1/Content`, host content.twilio.com) is validated against Twilio's
Content API description (`twilio/twilio_content_v1.json`): the JSON body against the
ContentCreateRequest schema (types, required fields, no unknown fields; a null counts as
absent for an optional field, as Twilio's own client sends nulls for unset ones), plus the
documented limits of quick replies and list pickers. A message sent with a ContentSid the fake
created must carry no Body. `press(message, label)` builds the webhook Twilio posts when the
user taps a button of such a message (ButtonPayload, or ListId for a list picker), and
`signature(url, form)` signs it as Twilio does.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from tests.fakes._server import (
    Failure,
    FailureQueue,
    RateEnforcer,
    ThreadedServer,
    form_multi,
)

# The Messages part of Twilio's OpenAPI description, kept beside this file (see its README).
# The sandbox number the tests give the bot as its WhatsApp sender.
BOT_NUMBER = "whatsapp:+14155238886"
SPEC_PATH = Path(__file__).resolve().parent / "twilio" / "twilio_api_v2010.messages.json"
# The full description, shared with the other checkouts when present.
SHARED_SPEC_PATH = (
    Path(__file__).resolve().parents[2].parent / "shared" / "twilio" / "twilio_api_v2010.json"
)
CONTENT_SPEC_PATH = Path(__file__).resolve().parent / "twilio" / "twilio_content_v1.json"
SHARED_CONTENT_SPEC_PATH = SHARED_SPEC_PATH.with_name("twilio_content_v1.json")
MESSAGES_PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
CONTENT_PATH = "/v1/Content"
DEFAULT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_TOKEN = "fake-auth-token-0123456789abcdef"

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_CHANNEL = re.compile(r"(?:(whatsapp|messenger|rcs):)?(.*)")

# Twilio error codes used for each kind of violation.
ERR_AUTH = 20003
ERR_NOT_FOUND = 20404
ERR_INVALID_PARAM = 21650  # generic "invalid parameter" stand-in for schema violations
ERR_BODY_REQUIRED = 21602
ERR_FROM_REQUIRED = 21603
ERR_TO_REQUIRED = 21604
ERR_INVALID_TO = 21211
ERR_INVALID_FROM = 21212
ERR_BODY_TOO_LONG = 21617
ERR_TOO_MANY_MEDIA = 21623
ERR_CONTENT_SID = 21655
ERR_CONTENT_VARIABLES = 21656
ERR_FROM_TO_PAIR = 21910
ERR_CHANNEL_NO_ADDRESS = 63003
ERR_TOO_MANY_REQUESTS = 20429
ERR_CONTENT_INVALID = 21656  # stand-in for a Content API request that breaks its schema

# Documented limits of the content types the bot creates (Twilio's content-type pages).
QUICK_REPLY_LIMITS = {"body": 1024, "title": 20, "id": 200, "actions": 10}
LIST_PICKER_LIMITS = {"body": 1024, "button": 20, "item": 24, "id": 200, "description": 72}


class TwilioError(Exception):
    """An error answer, rendered as Twilio's error JSON."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        """Twilio's error body."""
        body = {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }
        return JSONResponse(body, status_code=self.status, headers=headers)


@dataclass(frozen=True)
class Violation:
    """One way a request breaks the OpenAPI description."""

    param: str
    problem: str  # missing | unknown | invalid

    def __str__(self) -> str:
        return f"{self.param}: {self.problem}"


class OpenApiForm:
    """Validates form-encoded requests against one OpenAPI 3 description."""

    def __init__(self, spec_path: Path = SPEC_PATH) -> None:
        with open(spec_path, encoding="utf-8") as fh:
            self.spec: dict[str, Any] = json.load(fh)

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.spec
            for key in schema["$ref"].removeprefix("#/").split("/"):
                node = node[key]
            schema = node
        return schema

    def operation(self, path: str, method: str) -> dict[str, Any]:
        """The operation object for a path template and method."""
        return dict(self.spec["paths"][path][method.lower()])

    def security_schemes(self, path: str, method: str) -> list[str]:
        """Names of the security schemes the operation requires."""
        op = self.operation(path, method)
        requirements = op.get("security", self.spec.get("security", []))
        return [name for req in requirements for name in req]

    def validate(
        self,
        path: str,
        method: str,
        path_params: dict[str, str],
        form: dict[str, list[str]],
        *,
        reject_unknown: bool = True,
    ) -> list[Violation]:
        """Every violation of the operation's path parameters and form body schema."""
        op = self.operation(path, method)
        violations: list[Violation] = []
        for param in op.get("parameters", []):
            if param.get("in") != "path":
                continue
            value = path_params.get(param["name"])
            if value is None:
                violations.append(Violation(param["name"], "missing"))
            elif not self._valid_scalar(value, self._resolve(param.get("schema", {}))):
                violations.append(Violation(param["name"], "invalid"))
        body = op.get("requestBody", {}).get("content", {})
        schema = self._resolve(body.get("application/x-www-form-urlencoded", {}).get("schema", {}))
        properties: dict[str, Any] = schema.get("properties", {})
        for name in schema.get("required", []):
            if not form.get(name):
                violations.append(Violation(name, "missing"))
        for name, values in form.items():
            prop = properties.get(name)
            if prop is None:
                if reject_unknown:
                    violations.append(Violation(name, "unknown"))
                continue
            prop = self._resolve(prop)
            if prop.get("type") == "array":
                items = self._resolve(prop.get("items", {}))
                ok = all(self._valid_scalar(v, items) for v in values)
            else:
                ok = len(values) == 1 and self._valid_scalar(values[0], prop)
            if not ok:
                violations.append(Violation(name, "invalid"))
        return violations

    @staticmethod
    def _valid_scalar(value: str, schema: dict[str, Any]) -> bool:
        kind = schema.get("type", "string")
        try:
            if kind == "integer":
                number: float = int(value)
            elif kind == "number":
                number = float(value)
            elif kind == "boolean":
                return value.lower() in ("true", "false")
            else:
                number = 0
        except ValueError:
            return False
        if kind in ("integer", "number"):
            if "minimum" in schema and number < schema["minimum"]:
                return False
            return not ("maximum" in schema and number > schema["maximum"])
        if "enum" in schema and value not in schema["enum"]:
            return False
        if "minLength" in schema and len(value) < schema["minLength"]:
            return False
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return False
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return False
        fmt = schema.get("format")
        ignore_format = schema.get("x-twilio", {}).get("ignoreFormat", False)
        if fmt == "uri" and not ignore_format:
            parsed = urlparse(value)
            return parsed.scheme in ("http", "https") and bool(parsed.netloc)
        if fmt == "date-time":
            try:
                datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return False
        if fmt == "phone-number":
            return bool(value.strip())
        return True


class OpenApiJson(OpenApiForm):
    """Validates JSON request bodies against one OpenAPI 3 description."""

    def validate_json(self, path: str, method: str, body: Any) -> list[Violation]:
        """Every violation of the operation's application/json request body schema."""
        op = self.operation(path, method)
        content = op.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        violations: list[Violation] = []
        self._check(body, schema, "body", violations)
        return violations

    def _check(self, value: Any, schema: dict[str, Any], where: str, out: list[Violation]) -> None:
        schema = self._resolve(schema)
        if value is None:
            if not schema.get("nullable", False):
                out.append(Violation(where, "invalid"))
            return
        kind = schema.get("type")
        if kind == "object" or (kind is None and "properties" in schema):
            if not isinstance(value, dict):
                out.append(Violation(where, "invalid"))
                return
            properties: dict[str, Any] = schema.get("properties", {})
            required = schema.get("required", [])
            for name in required:
                if value.get(name) is None:
                    out.append(Violation(f"{where}.{name}", "missing"))
            extra = schema.get("additionalProperties", True)
            for name, item in value.items():
                if name in properties:
                    if item is None and name not in required:
                        continue  # Twilio's own client sends null for what it leaves unset
                    self._check(item, properties[name], f"{where}.{name}", out)
                elif extra is False:
                    out.append(Violation(f"{where}.{name}", "unknown"))
                elif isinstance(extra, dict):
                    self._check(item, extra, f"{where}.{name}", out)
        elif kind == "array":
            if not isinstance(value, list):
                out.append(Violation(where, "invalid"))
                return
            for index, item in enumerate(value):
                self._check(item, schema.get("items", {}), f"{where}[{index}]", out)
        elif kind == "string":
            if not isinstance(value, str) or not self._valid_scalar(value, schema):
                out.append(Violation(where, "invalid"))
        elif kind == "boolean":
            if not isinstance(value, bool):
                out.append(Violation(where, "invalid"))
        elif kind in ("integer", "number"):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or (kind == "integer" and not isinstance(value, int)):
                out.append(Violation(where, "invalid"))


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    form: dict[str, list[str]]
    authorized: bool
    status: int = 0

    def param(self, name: str) -> str | None:
        """First value of a form parameter."""
        values = self.form.get(name)
        return values[0] if values else None


@dataclass
class StoredMedia:
    """Bytes served for an inbound media URL."""

    data: bytes
    content_type: str


class FakeTwilioAPI:
    """The fake server and its state; thread-safe."""

    def __init__(
        self,
        account_sid: str = DEFAULT_SID,
        auth_token: str = DEFAULT_TOKEN,
        *,
        spec_path: Path = SPEC_PATH,
        content_spec_path: Path = CONTENT_SPEC_PATH,
        reject_unknown_params: bool = True,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.spec = OpenApiForm(spec_path)
        self.content_spec = OpenApiJson(content_spec_path)
        self.reject_unknown_params = reject_unknown_params
        self._lock = threading.RLock()
        self._server = ThreadedServer(
            Starlette(
                routes=[
                    Route(
                        "/2010-04-01/Accounts/{account_sid}/Messages.json",
                        self._create_message,
                        methods=["POST"],
                    ),
                    Route(
                        "/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}"
                        "/Media/{media_sid}",
                        self._media,
                        methods=["GET"],
                    ),
                    Route("/media-cdn/{key}", self._cdn, methods=["GET"]),
                    Route(CONTENT_PATH, self._create_content, methods=["POST"]),
                ]
            )
        )
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeTwilioAPI:
        """Start serving on a free port."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.stop()

    def __enter__(self) -> FakeTwilioAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>: what TWILIO_API_BASE_URL should be."""
        return self._server.url

    def reset(self) -> None:
        """Forget requests, messages, media and injected failures."""
        with self._lock:
            # Requests still in flight from before a reset (an injected delay outliving its
            # test) see the generation change and touch nothing.
            self.generation = getattr(self, "generation", 0) + 1
            self.requests: list[Recorded] = []
            self.messages: list[dict[str, Any]] = []
            self.media: dict[str, StoredMedia] = {}
            self.failures = FailureQueue()
            self.rate: RateEnforcer | None = None
            self.rate_limited = 0
            self.unreachable: set[str] = set()  # To addresses answered with 63003
            self.contents: dict[str, dict[str, Any]] = {}  # created through the Content API
            self.deleted_contents: set[str] = set()

    # -- injection --------------------------------------------------------------------------

    def fail(
        self,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
        endpoint: str = "messages",
    ) -> None:
        """Answer the next `times` requests to `endpoint` ("messages" | "media" | "content") with an
        error."""
        with self._lock:
            self.failures.add(
                endpoint, Failure(status, message, retry_after, code=code, times=times)
            )

    def delay(self, seconds: float, *, times: int = 1, endpoint: str = "messages") -> None:
        """Wait `seconds` before answering the next `times` requests to `endpoint`."""
        with self._lock:
            self.failures.add(endpoint, Failure(delay=seconds, times=times))

    def hold(self, endpoint: str = "messages") -> threading.Event:
        """Hold the next request to `endpoint` unanswered until the returned event is set."""
        released = threading.Event()
        with self._lock:
            self.failures.add(endpoint, Failure(hold=released))
        return released

    def enforce_rate_limit(self, per_second: float) -> None:
        """Answer 429 (code 20429, Retry-After) to message creations above `per_second`."""
        with self._lock:
            self.rate = RateEnforcer(per_second, per_chat_interval=0.0, slack=0.0)

    def add_media(self, data: bytes, content_type: str) -> str:
        """Register inbound media; return its URL (as in a webhook's MediaUrl0)."""
        message_sid = "MM" + secrets.token_hex(16)
        media_sid = "ME" + secrets.token_hex(16)
        with self._lock:
            self.media[media_sid] = StoredMedia(data, content_type)
        return (
            f"{self.url}/2010-04-01/Accounts/{self.account_sid}/Messages/{message_sid}"
            f"/Media/{media_sid}"
        )

    # -- buttons ---------------------------------------------------------------------------

    def delete_content(self, sid: str) -> None:
        """Delete a content, as from Twilio's console: messages naming it are refused."""
        with self._lock:
            self.contents.pop(sid, None)
            self.deleted_contents.add(sid)

    def content_of(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """The content (its `types`) a sent message showed through its ContentSid, if the fake
        created it."""
        with self._lock:
            return self.contents.get(str(message.get("ContentSid") or ""))

    def shown(self, message: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        """What the user sees: the text and the labels of its buttons (none for plain text)."""
        content = self.content_of(message)
        if content is None:
            return str(message.get("Body") or ""), ()
        types = content["types"]
        if "twilio/quick-reply" in types:
            reply = types["twilio/quick-reply"]
            return reply["body"], tuple(a["title"] for a in reply["actions"])
        picker = types["twilio/list-picker"]
        return picker["body"], tuple(i.get("description") or i["item"] for i in picker["items"])

    def incoming(
        self, phone: str, text: str = "", *, sid: str | None = None, **extra: str
    ) -> dict[str, str]:
        """The webhook form Twilio posts when `phone` writes `text` to the bot's number;
        `extra` adds or replaces fields (media, a button's payload, a location)."""
        return {
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            "AccountSid": self.account_sid,
            "From": f"whatsapp:{phone}",
            "To": BOT_NUMBER,
            "Body": text,
            "NumMedia": "0",
            **extra,
        }

    def press(
        self, message: dict[str, Any], label: str, *, message_sid: str | None = None
    ) -> dict[str, str]:
        """The webhook form Twilio posts when the user taps `label` under `message`.

        `label` is a button's title (a list item's text or description); KeyError when the
        message shows no such button.
        """
        content = self.content_of(message)
        if content is None:
            raise KeyError(f"message {message.get('sid')} has no buttons")
        sid = message_sid or "SM" + secrets.token_hex(16)
        form = {
            "SmsMessageSid": sid,
            "MessageSid": sid,
            "AccountSid": self.account_sid,
            "From": str(message["To"]),
            "To": str(message["From"]),
            "NumMedia": "0",
            "MessageType": "interactive",
            "OriginalRepliedMessageSid": str(message["sid"]),
        }
        types = content["types"]
        if "twilio/quick-reply" in types:
            for action in types["twilio/quick-reply"]["actions"]:
                if action["title"] == label:
                    payload = action.get("id") or action["title"]
                    form |= {"Body": label, "ButtonText": label, "ButtonPayload": payload}
                    return form
        else:
            for item in types["twilio/list-picker"]["items"]:
                if label in (item["item"], item.get("description")):
                    form |= {"Body": item["item"], "ListId": item["id"], "ListTitle": item["item"]}
                    return form
        raise KeyError(f"no button {label!r} under message {message.get('sid')}")

    def signature(self, url: str, form: dict[str, str]) -> str:
        """The X-Twilio-Signature Twilio puts on a webhook it posts to `url`."""
        return str(RequestValidator(self.auth_token).compute_signature(url, form))

    # -- assertions -------------------------------------------------------------------------

    def created(self) -> list[Recorded]:
        """Message creations that were accepted (201)."""
        with self._lock:
            return [
                r for r in self.requests if r.path.endswith("/Messages.json") and r.status == 201
            ]

    def unanswered(self) -> int:
        """Requests received and not answered yet (a delayed one still waiting out its delay)."""
        with self._lock:
            return sum(1 for r in self.requests if not r.status)

    # -- HTTP -------------------------------------------------------------------------------

    def _authorized(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return user == self.account_sid and password == self.auth_token

    async def _injected(self, endpoint: str) -> JSONResponse | None:
        with self._lock:
            failure = self.failures.take(endpoint)
            generation = self.generation
        if failure is None:
            return None
        if failure.delay or failure.hold is not None:
            if failure.hold is not None:
                await asyncio.to_thread(failure.hold.wait, 120)
            await asyncio.sleep(failure.delay)
            if generation != self.generation:
                return TwilioError(
                    503, 20503, "Service Unavailable: the fake was reset"
                ).response()
        if failure.status is None:
            return None
        status = failure.status
        headers = None
        if status == 429:
            code = failure.code or ERR_TOO_MANY_REQUESTS
            message = failure.description or "Too Many Requests"
            if failure.retry_after is not None:
                headers = {"Retry-After": str(int(failure.retry_after))}
        else:
            code = failure.code or {401: ERR_AUTH, 404: ERR_NOT_FOUND}.get(status, 20500)
            message = failure.description or {
                400: "Invalid parameter",
                401: "Authenticate",
                500: "Internal Server Error",
                503: "Service Unavailable",
            }.get(status, "Error")
        return TwilioError(status, code, message).response(headers)

    async def _create_message(self, request: Request) -> Response:
        form = form_multi(await request.body())
        authorized = self._authorized(request)
        record = Recorded("POST", request.url.path, form, authorized)
        with self._lock:
            self.requests.append(record)
        response = await self._injected("messages")
        if response is None:
            try:
                response = self._accept(request.path_params["account_sid"], form, authorized)
            except TwilioError as exc:
                response = exc.response()
        record.status = response.status_code
        return response

    def _accept(
        self, account_sid: str, form: dict[str, list[str]], authorized: bool
    ) -> JSONResponse:
        schemes = self.spec.security_schemes(MESSAGES_PATH, "post")
        if "accountSid_authToken" in schemes and not authorized:
            raise TwilioError(401, ERR_AUTH, "Authenticate")
        violations = self.spec.validate(
            MESSAGES_PATH,
            "post",
            {"AccountSid": account_sid},
            form,
            reject_unknown=self.reject_unknown_params,
        )
        for violation in violations:
            if violation.param == "AccountSid":
                raise TwilioError(
                    404, ERR_NOT_FOUND, f"The requested resource was not found ({violation})"
                )
        if account_sid != self.account_sid:
            raise TwilioError(401, ERR_AUTH, "Authenticate")
        if any(v.param == "To" and v.problem == "missing" for v in violations):
            raise TwilioError(400, ERR_TO_REQUIRED, "A 'To' phone number is required.")
        for violation in violations:
            code = ERR_CONTENT_SID if violation.param == "ContentSid" else ERR_INVALID_PARAM
            raise TwilioError(400, code, f"Invalid parameter {violation}")
        self._business_rules(form)
        return JSONResponse(self._resource(form), status_code=201)

    def _business_rules(self, form: dict[str, list[str]]) -> None:
        def one(name: str) -> str:
            values = form.get(name) or [""]
            return values[0]

        to, sender = one("To"), one("From")
        if not sender and not one("MessagingServiceSid"):
            raise TwilioError(400, ERR_FROM_REQUIRED, "A 'From' phone number is required.")
        if not one("Body") and not form.get("MediaUrl") and not one("ContentSid"):
            raise TwilioError(400, ERR_BODY_REQUIRED, "Message body is required.")
        if len(one("Body")) > 1600:
            raise TwilioError(
                400,
                ERR_BODY_TOO_LONG,
                "The concatenated message body exceeds the 1600 character limit.",
            )
        if len(form.get("MediaUrl", [])) > 10:
            raise TwilioError(400, ERR_TOO_MANY_MEDIA, "The number of media exceeds 10.")
        to_match = _CHANNEL.fullmatch(to)
        to_channel, to_number = (to_match.group(1), to_match.group(2)) if to_match else (None, to)
        if not _E164.fullmatch(to_number):
            raise TwilioError(400, ERR_INVALID_TO, f"Invalid 'To' Phone Number: {to}")
        if sender:
            from_match = _CHANNEL.fullmatch(sender)
            from_channel = from_match.group(1) if from_match else None
            from_number = from_match.group(2) if from_match else sender
            if from_channel and not _E164.fullmatch(from_number):
                raise TwilioError(400, ERR_INVALID_FROM, f"Invalid From Number: {sender}")
            if from_channel != to_channel:
                raise TwilioError(
                    400,
                    ERR_FROM_TO_PAIR,
                    "Invalid From and To pair. From and To should be of the same channel",
                )
        with self._lock:
            created_content = self.contents.get(one("ContentSid"))
            deleted = one("ContentSid") in self.deleted_contents
        if deleted:
            raise TwilioError(400, ERR_CONTENT_SID, "The ContentSid is Invalid.")
        if created_content is not None and (one("Body") or form.get("MediaUrl")):
            raise TwilioError(
                400, ERR_CONTENT_SID, "A message with a ContentSid takes no Body or MediaUrl."
            )
        variables = one("ContentVariables")
        if variables:
            if not one("ContentSid"):
                raise TwilioError(
                    400, ERR_CONTENT_VARIABLES, "ContentVariables requires a ContentSid."
                )
            try:
                parsed = json.loads(variables)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
            ):
                raise TwilioError(
                    400, ERR_CONTENT_VARIABLES, "The ContentVariables Parameter is invalid."
                )
        with self._lock:
            if to in self.unreachable or to_number in self.unreachable:
                raise TwilioError(
                    400,
                    ERR_CHANNEL_NO_ADDRESS,
                    "Twilio could not find a Channel with the specified From address",
                )
            if self.rate is not None:
                wait = self.rate.check(None)
                if wait is not None:
                    self.rate_limited += 1
                    raise _RateLimited(wait)

    def _resource(self, form: dict[str, list[str]]) -> dict[str, Any]:
        def one(name: str) -> str | None:
            values = form.get(name)
            return values[0] if values else None

        media = form.get("MediaUrl", [])
        sid = ("MM" if media else "SM") + secrets.token_hex(16)
        now = format_datetime(datetime.now(UTC), usegmt=False)
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        resource = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": one("Body") or "",
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": one("From"),
            "messaging_service_sid": one("MessagingServiceSid"),
            "num_media": str(len(media)),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": "accepted" if one("MessagingServiceSid") else "queued",
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": one("To"),
            "uri": f"{base}.json",
        }
        with self._lock:
            self.messages.append(
                {
                    "sid": sid,
                    "created": time.time(),
                    **{k: v if len(v) > 1 else v[0] for k, v in form.items()},
                }
            )
        return resource

    async def _media(self, request: Request) -> Response:
        authorized = self._authorized(request)
        record = Recorded("GET", request.url.path, {}, authorized)
        with self._lock:
            self.requests.append(record)
        response: Response | None = await self._injected("media")
        if response is None:
            if not authorized or request.path_params["account_sid"] != self.account_sid:
                response = TwilioError(401, ERR_AUTH, "Authenticate").response()
            else:
                media_sid = request.path_params["media_sid"]
                with self._lock:
                    found = media_sid in self.media
                if not found:
                    response = TwilioError(
                        404, ERR_NOT_FOUND, "The requested resource was not found"
                    ).response()
                else:
                    response = RedirectResponse(f"{self.url}/media-cdn/{media_sid}", 307)
        record.status = response.status_code
        return response

    async def _cdn(self, request: Request) -> Response:
        with self._lock:
            stored = self.media.get(request.path_params["key"])
            self.requests.append(
                Recorded("GET", request.url.path, {}, False, 200 if stored else 404)
            )
        if stored is None:
            return Response(status_code=404)
        return Response(stored.data, media_type=stored.content_type)

    async def _create_content(self, request: Request) -> Response:
        raw = await request.body()
        authorized = self._authorized(request)
        record = Recorded("POST", request.url.path, {}, authorized)
        with self._lock:
            self.requests.append(record)
        response = await self._injected("content")
        if response is None:
            try:
                response = self._accept_content(raw, authorized, request.headers)
            except TwilioError as exc:
                response = exc.response()
        record.status = response.status_code
        return response

    def _accept_content(self, raw: bytes, authorized: bool, headers: Any) -> JSONResponse:
        if (
            "accountSid_authToken" in self.content_spec.security_schemes(CONTENT_PATH, "post")
            and not authorized
        ):
            raise TwilioError(401, ERR_AUTH, "Authenticate")
        if not headers.get("content-type", "").startswith("application/json"):
            raise TwilioError(400, ERR_CONTENT_INVALID, "The Content API takes a JSON body.")
        try:
            body = json.loads(raw)
        except ValueError:
            raise TwilioError(400, ERR_CONTENT_INVALID, "The body is not JSON.") from None
        violations = self.content_spec.validate_json(CONTENT_PATH, "post", body)
        if violations:
            raise TwilioError(400, ERR_CONTENT_INVALID, f"Invalid content: {violations[0]}")
        types = {k: v for k, v in body["types"].items() if v is not None}
        if len(types) != 1:
            raise TwilioError(400, ERR_CONTENT_INVALID, "Exactly one content type is needed.")
        self._content_limits(types)
        sid = "HX" + secrets.token_hex(16)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        resource = {
            "sid": sid,
            "account_sid": self.account_sid,
            "friendly_name": body.get("friendly_name") or "",
            "language": body["language"],
            "variables": body.get("variables") or {},
            "types": types,
            "url": f"https://content.twilio.com/v1/Content/{sid}",
            "date_created": now,
            "date_updated": now,
            "links": {
                "approval_create": f"https://content.twilio.com/v1/Content/{sid}"
                "/ApprovalRequests/whatsapp",
                "approval_fetch": f"https://content.twilio.com/v1/Content/{sid}/ApprovalRequests",
            },
        }
        with self._lock:
            self.contents[sid] = resource
        return JSONResponse(resource, status_code=201)

    @staticmethod
    def _content_limits(types: dict[str, Any]) -> None:
        def refuse(problem: str) -> None:
            raise TwilioError(400, ERR_CONTENT_INVALID, problem)

        def over(value: str | None, limit: int) -> bool:
            return value is not None and not 0 < len(value) <= limit

        if "twilio/quick-reply" in types:
            reply, limits = types["twilio/quick-reply"], QUICK_REPLY_LIMITS
            actions = reply["actions"]
            if not 1 <= len(actions) <= limits["actions"] or over(reply["body"], limits["body"]):
                refuse("A quick reply has a body of 1024 characters and 1 to 10 buttons.")
            if any(
                over(a["title"], limits["title"]) or over(a.get("id"), limits["id"])
                for a in actions
            ):
                refuse("A quick-reply button title is at most 20 characters, its id 200.")
            if len({a["title"] for a in actions}) != len(actions):
                refuse("Quick-reply button titles must be unique.")
        elif "twilio/list-picker" in types:
            picker, limits = types["twilio/list-picker"], LIST_PICKER_LIMITS
            items = picker["items"]
            if not 1 <= len(items) <= 10 or over(picker["body"], limits["body"]):
                refuse("A list picker has a body of 1024 characters and 1 to 10 items.")
            if over(picker["button"], limits["button"]):
                refuse("A list picker's button is 1 to 20 characters.")
            for item in items:
                if over(item["item"], limits["item"]) or over(item["id"], limits["id"]):
                    refuse("A list item is at most 24 characters, its id 200.")
                if over(item.get("description"), limits["description"]):
                    refuse("A list item's description is at most 72 characters.")
            if len({i["id"] for i in items}) != len(items):
                refuse("List item ids must be unique.")


class _RateLimited(TwilioError):
    def __init__(self, wait: float) -> None:
        super().__init__(429, ERR_TOO_MANY_REQUESTS, "Too Many Requests")
        self.wait = wait

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return super().response({"Retry-After": str(max(1, int(self.wait + 0.999)))})
