"""A corpus of hostile input, and the requests the fuzz test builds from it.

Everything is generated from a seeded random.Random, so a run is the same
every time and a failure names the request that caused it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from urllib.parse import quote

from .xss_payloads import PAYLOADS as XSS

HUGE = "a" * 100_000
LONG_WORDS = ("supercalifragilistic " * 300).strip()

# Text values: each is something a careless view has been known to trip on.
VALUES: list[str] = [
    # Empty, blank and huge
    "",
    " ",
    "\t\n\r",
    "a" * 301,
    "a" * 5001,
    "x" * 10_000,
    HUGE,
    LONG_WORDS,
    "\n" * 6000,
    # Wrong types
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999999999999999",
    "9" * 5000,
    "-9223372036854775809",
    "1e309",
    "NaN",
    "Infinity",
    "1.5",
    "0x10",
    "1_000",
    "+1",
    " 1 ",
    "１２",  # fullwidth digits: int() accepts them
    "٣",  # an Arabic-Indic digit
    "true",
    "null",
    "None",
    "[]",
    "{}",
    '{"a": 1}',
    "up",
    "down",
    "retract",
    "spam",
    "newest",
    "oldest",
    "votes",
    "page",
    "remedy",
    "ailment",
    # The admin's action names, so tampered selections reach them
    "publish",
    "unpublish",
    "delete_selected",
    "approve_comments",
    "remove_comments",
    "mark_reviewed_today",
    # Unicode edge cases (lone surrogates are sent as raw bytes, below)
    "\u202eevil\u202c",  # right-to-left override
    "\u200b\u200c\u200d\u2060",  # zero-width characters
    "\ufeffbom",
    "🩺💊🤒" * 50,
    "👩‍👩‍👧‍👦",
    "e" + "\u0301" * 300,  # a pile of combining accents
    "Z̴̡̢̛̤̱̞̗͎̦̬̻̖̾̈́̆̇̓̄̊̒̉͑̍͘͝a̸̧̻̼̥̣̓̎͊̊͝l̷̢̪̫̦͕̮͊g̷̛̠̮o",
    "ǅǈǋ ß İı ﬃ",
    "\uffff\ufffe\U0010ffff",
    "\u0085\u2028\u2029",
    "tab\there",
    "ĉu vi parolas Esperanton? 你好 مرحبا שלום",
    # Control characters
    "\x00",
    "a\x00b",
    "%00",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x0b\x0c",
    "\r\nSet-Cookie: evil=1",
    "x\r\nLocation: https://evil.example/",
    # Paths and URLs
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/",
    "....//....//",
    "/etc/passwd",
    "C:\\Windows\\win.ini",
    "file:///etc/passwd",
    "//evil.example",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://[::1]/",
    # SQL, LIKE and full-text syntax
    "' OR '1'='1",
    "' OR 1=1 --",
    '"; DROP TABLE remedies_remedy; --',
    "1; SELECT pg_sleep(10)",
    "') UNION SELECT password FROM accounts_user --",
    "%",
    "_",
    "%_%",
    "\\",
    "'",
    '"',
    "''",
    "*",
    ":*",
    "a:* & b | !c",
    "<->",
    "!!",
    "(",
    ")",
    "&&&",
    "|",
    "heat & (",
    "sciatica:*AB",
    "a" * 50 + " " + "b" * 50,
    "the of and a",  # only stop words
    # Template and format syntax
    "{{ 7*7 }}",
    "{% debug %}",
    "{% load log %}{% get_admin_log 10 as log %}",
    "{{ request.user.password }}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "%s%s%s%n",
    "%(password)s",
    "{0}{1}",
    # Markup
    *XSS[:12],
    "<!--",
    "]]>",
    "<html><body>",
]

# Values that are not valid UTF-8, sent as percent-encoded bytes.
RAW_BYTES: list[str] = [
    "%ED%A0%80",  # a lone high surrogate, as UTF-8 would encode it
    "%ED%BF%BF",  # a lone low surrogate
    "%FF%FE",
    "%C0%AF",  # an overlong "/"
    "%E2%82",  # a truncated sequence
    "%F4%90%80%80",  # beyond U+10FFFF
    "%00%00",
    "caf%E9",  # Latin-1
]

# Query string parameters the site reads, and some it does not.
PARAMS = [
    "q",
    "page",
    "kind",
    "order",
    "category",
    "comment_order",
    "comment_page",
    "next",
    "o",
    "p",
    "e",
    "all",
    "_popup",
    "_to_field",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "utm_source",
    "",
    "q[]",
    "page[0]",
    "__proto__",
]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]

HTMX_HEADERS = {
    "HTTP_HX_REQUEST": ["true", "false", "", "1", "<script>"],
    "HTTP_HX_TARGET": ["discussion", "vote-box", "#x", "<img src=x>", ""],
    "HTTP_HX_TRIGGER": ["x", "../../", ""],
    "HTTP_HX_TRIGGER_NAME": ["vote", "q", "", "<b>"],
    "HTTP_HX_CURRENT_URL": [
        "https://evil.example/",
        "javascript:alert(1)",
        "/",
        "",
        "http://[x",
    ],
    "HTTP_HX_BOOSTED": ["true", "x"],
    "HTTP_HX_HISTORY_RESTORE_REQUEST": ["true", "false", "1"],
    "HTTP_HX_PROMPT": ["yes", "", "{{ 7*7 }}"],
}

# Cookies: ours with values that are not ours, malformed cookie headers, many
# and huge ones. A Cookie header replaces the persona's own cookies.
COOKIES = [
    "__Host-sessionid=not-a-session",
    "__Host-sessionid=" + "a" * 40,
    "__Host-sessionid=",
    "__Host-sessionid=x; __Host-sessionid=y",
    "__Host-csrftoken=" + "x" * 64,
    "__Host-csrftoken=short",
    "sessionid=abc; csrftoken=abc",
    "messages=W10:1abc:bad-signature",
    # The recent searches' signed cookie: unsigned, forged, not JSON, not a list.
    '__Host-recent={"v":"' + "0" * 32 + '","r":[{"q":"x"}]}',
    "__Host-recent=W10:1abc:bad-signature",
    "__Host-recent=" + "%7B" * 200,
    "__Host-recent=:::",
    "messages=" + "%00" * 50,
    "a=1; " * 300,
    "x=" + "y" * 8000,
    "=; ; ;=;",
    "\u00e9t\u00e9=\u00e9",
    "__Host-sessionid=\x00",
]

# Every request header the site, Django or a middleware reads, and a few they
# do not: each is sent with the hostile values listed here, or any of VALUES.
HEADERS: dict[str, list[str]] = {
    **HTMX_HEADERS,
    "HTTP_HOST": [
        "evil.example",
        "testserver:6666",
        "testserver.evil.example",
        "evil.example:80@testserver",
        "",
        "[::1",
        "[::1]:80",
        "a b",
        "testserver:",
        "testserver:99999999999",
        "TESTSERVER",
        "-testserver",
        "127.0.0.1",
        "localhost",
        "xn--80ak6aa92e.com",
        "a" * 300,
        "testserver/../admin",
    ],
    "HTTP_X_FORWARDED_FOR": [
        "203.0.113.9",
        "203.0.113.9, 198.51.100.7",
        "2001:db8::1",
        "[2001:db8::1]:4711",
        "203.0.113.9:4711",
        "unknown",
        "",
        ", , ,",
        "999.999.999.999",
        "127.0.0.1, evil",
        "1.2.3.4," * 200,
    ],
    "HTTP_X_FORWARDED_PROTO": ["https", "http", "gopher", "", "https, http"],
    "HTTP_X_FORWARDED_HOST": ["evil.example", "", "testserver, evil.example"],
    "HTTP_X_FORWARDED_PORT": ["443", "-1", "x"],
    "HTTP_X_REAL_IP": ["203.0.113.9", "evil"],
    "HTTP_FORWARDED": ["for=203.0.113.9;proto=https", "for=unknown", "garbage"],
    "HTTP_COOKIE": COOKIES,
    "CONTENT_TYPE": [
        "application/x-www-form-urlencoded; charset=utf-7",
        "application/x-www-form-urlencoded; charset=",
        "multipart/form-data",
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=" + "b" * 200,
        "multipart/mixed; boundary=x",
        "application/json",
        "application/csp-report",
        "application/reports+json",
        "text/plain",
        "text/html; charset=utf-16",
        "",
        "*/*",
        ";;;",
    ],
    "HTTP_ACCEPT_LANGUAGE": [
        "en-GB,en;q=0.9",
        "*",
        "xx-YY",
        "en;q=abc",
        "de-DE-u-co-phonebk-ca-buddhist-nu-thai",
        "a" * 500,
        "zh-Hant-TW;q=0.8, ,,",
    ],
    "HTTP_RANGE": [
        "bytes=0-0",
        "bytes=-1",
        "bytes=5-1",
        "bytes=0-1,2-3,4-5",
        "bytes=99999999999999999999-",
        "bytes=-0",
        "bytes=",
        "items=0-10",
        "bytes=0-" + "9" * 400,
    ],
    "HTTP_IF_RANGE": ['"etag"', "Thu, 01 Jan 1970 00:00:00 GMT", "garbage"],
    "HTTP_IF_NONE_MATCH": ['"x"', "*", "W/", '"' + "a" * 500 + '"'],
    "HTTP_IF_MODIFIED_SINCE": ["garbage", "Thu, 01 Jan 1970 00:00:00 GMT", "-1"],
    "HTTP_ACCEPT": ["application/json", "*/*", "text/html;q=abc", "image/*", ""],
    "HTTP_ACCEPT_ENCODING": ["gzip", "br, zstd", "identity;q=0", "*;q=0", "x" * 500],
    "HTTP_ORIGIN": ["null", "https://evil.example", "http://testserver", ""],
    "HTTP_REFERER": ["https://evil.example/", "http://testserver/", "http://[x"],
    "HTTP_USER_AGENT": ["", "Mozilla/5.0", "a" * 5000],
    "HTTP_X_REQUESTED_WITH": ["XMLHttpRequest", ""],
    "HTTP_X_CSRFTOKEN": ["x" * 64, "", "short"],
    "HTTP_AUTHORIZATION": ["Basic !!!", "Bearer x", "Basic " + "A" * 500],
    "HTTP_EXPECT": ["100-continue", "garbage"],
    "HTTP_TRANSFER_ENCODING": ["chunked", "gzip, chunked", "x"],
    "HTTP_CONTENT_ENCODING": ["gzip", "br", "x"],
}


def header_value(rng: random.Random, header: str) -> str:
    """A hostile value for `header`: one of its own, or any of VALUES."""
    if rng.random() < 0.7:
        return rng.choice(HEADERS[header])
    return rng.choice(VALUES)[:2000]


@dataclass
class Target:
    """One URL of the site and what it reads."""

    url: str
    methods: tuple[str, ...] = ("GET",)
    fields: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    # A path with {} where a hostile segment can go, e.g. /remedies/{}/
    path_template: str = ""
    persona: str = ""  # a fixed persona, else chosen at random
    weight: float = 1


@dataclass
class HostileRequest:
    persona: str
    method: str
    path: str
    query: str = ""
    data: object = None  # dict, or bytes with content_type
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    csrf: str = ""  # "", "none" (no token), "bad" or "good"

    def describe(self) -> str:
        data = self.data
        if isinstance(data, bytes | str) and len(data) > 120:
            data = f"{data[:120]!r}… ({len(data)} bytes)"
        elif isinstance(data, dict):
            data = {
                k: (
                    f"{v[:40]!r}…({len(v)})"
                    if isinstance(v, str) and len(v) > 40
                    else v
                )
                for k, v in data.items()
            }
        headers = {
            k: (f"{v[:60]!r}…({len(v)})" if len(v) > 60 else v)
            for k, v in self.headers.items()
        }
        return (
            f"{self.persona} {self.method} {self.path}"
            f"{'?' + self.query[:200] if self.query else ''} data={data} "
            f"headers={headers} csrf={self.csrf or 'exempt'}"
        )


def value(rng: random.Random) -> str:
    return rng.choice(VALUES)


def query_string(rng: random.Random, params: tuple[str, ...]) -> str:
    """Known and unknown parameters with hostile values: repeated, empty, raw bytes."""
    parts = []
    for _ in range(rng.choice([1, 1, 2, 3, 5])):
        name = (
            rng.choice(params or PARAMS) if rng.random() < 0.8 else rng.choice(PARAMS)
        )
        roll = rng.random()
        if roll < 0.1:
            parts.append(f"{quote(name)}={rng.choice(RAW_BYTES)}")
        elif roll < 0.15:
            parts.append(quote(name))  # no "=" at all
        else:
            text = value(rng)
            if len(text) > 3000:  # a long URL, not a huge one
                text = text[:3000]
            parts.append(f"{quote(name)}={quote(text, safe='')}")
        if rng.random() < 0.1:  # the same parameter twice
            parts.append(parts[-1])
    if rng.random() < 0.05:
        parts.append("&&=&==&%")
    return "&".join(parts)


def form_data(rng: random.Random, fields: tuple[str, ...]) -> dict:
    """Fields with hostile values; some missing, some sent twice, some unknown."""
    data: dict[str, object] = {}
    for name in fields:
        roll = rng.random()
        if roll < 0.15:
            continue  # missing
        if roll < 0.25:
            data[name] = [value(rng), value(rng)]  # duplicated
        else:
            data[name] = value(rng)
    if rng.random() < 0.2:
        data[rng.choice(["id", "pk", "member", "author", "is_staff", "state"])] = value(
            rng
        )
    return data


def raw_body(rng: random.Random, fields: tuple[str, ...]) -> tuple[bytes, str]:
    """A body that is not what the content type says, or not valid at all."""
    name = rng.choice(fields) if fields else "text"
    choice = rng.randrange(8)
    if choice == 0:
        return f"{name}={rng.choice(RAW_BYTES)}".encode(), (
            "application/x-www-form-urlencoded"
        )
    if choice == 1:
        return b'{"' + name.encode() + b'": [1, 2, {"a": null}]}', "application/json"
    if choice == 2:
        return b"--nope\r\nContent-Disposition: form-data\r\n\r\n", (
            "multipart/form-data; boundary=nope"
        )
    if choice == 3:
        return b"garbage", "multipart/form-data"  # no boundary
    if choice == 4:
        boundary = "b0undary"
        body = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="../../etc/passwd"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
            "\x00\x01\x02 not text\r\n"
            f"--{boundary}--\r\n"
        ).encode()
        return body, f"multipart/form-data; boundary={boundary}"
    if choice == 5:
        return b"\xff\xfe\x00<\x00s\x00>", "text/plain; charset=utf-16"
    if choice == 6:
        return f"{name}=a&".encode() * 1500, "application/x-www-form-urlencoded"
    return b"a=1", "application/x-www-form-urlencoded; charset=no-such-charset"


def hostile_segment(rng: random.Random) -> str:
    """A path segment: traversal, encodings, huge numbers, unicode."""
    return rng.choice(
        [
            "..",
            "%2e%2e",
            "..%2f..%2fetc%2fpasswd",
            "%00",
            "a%00b",
            "%ED%A0%80",
            "%FF",
            "99999999999999999999999999",
            "-1",
            "0",
            "1.0",
            "%20",
            "%E2%80%AE",
            quote("🩺"),
            quote("ĉu"),
            "a" * 300,
            "heat%2Ffor%2Fback",
            "%25",
            "'--",
            quote("{{7*7}}"),
            quote("<script>"),
            "NaN",
        ]
    )
