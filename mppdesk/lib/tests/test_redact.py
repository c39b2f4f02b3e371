import io
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib.redact import RedactingFilter, redact

SECRETS = [
    # A-numbers as people and systems write them
    "A012345678",
    "a012345678",
    "A 012-345-678",
    "A-012-345-678",
    "A#12345678",
    "A12-345-678",
    "A012.345.678",
    "A–012–345–678",
    "012 345 678",
    "012345678",
    "12345678",
    # phones
    "+52 656 123 4567",
    "(664) 123-4567",
    "656-123-4567",
    "+504 9876-5432",
    "0052 1 656 123 4567",
    # e-mail addresses
    "maria.lopez+mpp@example.org",
    "jose_perez@correo.example.com.mx",
]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@pytest.mark.parametrize("secret", SECRETS)
def test_redact_removes_identifier(secret):
    text = redact(f"contact for {secret}, please check")
    assert secret not in text
    assert "[" in text
    if _digits(secret):
        # no run of the identifier's digits survives
        assert _digits(secret)[-6:] not in _digits(text)
    assert text.startswith("contact for ")
    assert text.endswith(", please check")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A-number A012-345-678 on file", "A-number [a-number] on file"),
        ("call +52 656 123 4567 now", "call [phone] now"),
        ("write to ana@example.org.", "write to [email]."),
        ("two: A012345678 and A-012-345-679", "two: [a-number] and [a-number]"),
    ],
)
def test_redact_labels_what_it_removed(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "imported 250 rows in 3 batches",
        "request 5f2a0e8c9b1d4e6f8a7b6c5d4e3f2a1b done",
        "GET /people/0b1a2c3d-0000-4000-8000-000000000001/ 200",
        "GET /cases/12345678-aaaa-4bbb-8ccc-1234567890ab/ 200",
        "took 1234 ms",
        "at 12:30",
    ],
)
def test_redact_leaves_ordinary_text_and_uuids_alone(text):
    assert redact(text) == text


@pytest.fixture
def logger_and_stream():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("mppdesk.tests.redact")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.handlers = []
    logger.propagate = True


def test_filter_scrubs_message_arguments(logger_and_stream):
    logger, stream = logger_and_stream
    logger.info("person %s phone %s mail %s", "A#12345678", "+52 656 123 4567", "ana@example.org")
    output = stream.getvalue()
    assert "12345678" not in output
    assert "656" not in output
    assert "ana@example.org" not in output
    assert output.startswith("INFO person [a-number] phone [phone] mail [email]")


def test_filter_scrubs_dict_arguments(logger_and_stream):
    logger, stream = logger_and_stream
    logger.warning("lookup %(a)s", {"a": "A012-345-678"})
    assert "345" not in stream.getvalue()
    assert "[a-number]" in stream.getvalue()


def test_filter_scrubs_exception_tracebacks(logger_and_stream):
    logger, stream = logger_and_stream
    try:
        raise ValueError("no case for A012-345-678 / +52 656 123 4567 / ana@example.org")
    except ValueError:
        logger.exception("lookup failed for %s", "012345678")
    output = stream.getvalue()
    assert "Traceback" in output
    # Exception messages can hold names, which no pattern recognizes: they are withheld.
    assert "ValueError: [message withheld]" in output
    assert "lookup failed for [a-number]" in output
    for leaked in ("345", "656 123", "ana@example.org"):
        assert leaked not in output


class _SafeError(Exception):
    log_message_is_safe = True


def test_filter_keeps_messages_of_exceptions_marked_safe_but_still_redacts(logger_and_stream):
    logger, stream = logger_and_stream
    try:
        raise _SafeError("retry 3 of 5 for A012-345-678")
    except _SafeError:
        logger.exception("task failed")
    output = stream.getvalue()
    assert "_SafeError: retry 3 of 5 for [a-number]" in output
    assert "345" not in output


def test_filter_withholds_messages_along_an_exception_chain(logger_and_stream):
    logger, stream = logger_and_stream
    name = "Guadalupe Ramírez"  # not on a line the traceback quotes
    try:
        try:
            raise KeyError(name)
        except KeyError as exc:
            raise RuntimeError(f"cannot notify {name}") from exc
    except RuntimeError:
        logger.exception("notify failed")
    output = stream.getvalue()
    assert "Guadalupe" not in output
    assert "KeyError: [message withheld]" in output
    assert "direct cause of the following exception" in output
    assert "RuntimeError: [message withheld]" in output
    assert output.count("Traceback (most recent call last)") == 2


def test_filter_scrubs_preformatted_exception_text(logger_and_stream):
    logger, stream = logger_and_stream
    record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "failed", None, None)
    record.exc_text = "Traceback ...\nKeyError: 'A012345678'"
    logger.handle(record)
    assert "012345678" not in stream.getvalue()


def test_filter_scrubs_stack_info(logger_and_stream):
    logger, stream = logger_and_stream
    a_number = "A012345678"  # noqa: F841 - appears in the stack text below
    logger.info("checkpoint", stack_info=True)
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, "x", None, None, sinfo="phone 656 123 4567"
    )
    logger.handle(record)
    assert "656 123 4567" not in stream.getvalue()


def test_broken_format_string_does_not_drop_the_record(logger_and_stream):
    logger, stream = logger_and_stream
    logger.info("value %s %s", "A012345678")  # one argument missing
    output = stream.getvalue()
    assert "value" in output
    assert "012345678" not in output


def test_filter_keeps_every_record(logger_and_stream):
    logger, stream = logger_and_stream
    assert RedactingFilter().filter(logging.makeLogRecord({"msg": "x"})) is True
    logger.debug("a")
    logger.error("b")
    assert stream.getvalue().splitlines() == ["DEBUG a", "ERROR b"]


def test_settings_install_the_filter_on_the_console_handler():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["console"]
    assert "redact" in handler["filters"]
    assert settings.LOGGING["filters"]["redact"]["()"] == "mppdesk.lib.redact.RedactingFilter"


@pytest.mark.parametrize(
    "uuid",
    [
        "58151988-9a14-400f-b6e7-03d8110ccd14",  # failed a run: "[phone]a14-400f-..."
        "12345678-1234-4234-8234-123456789012",
        "a1b2c3d4-5678-4901-9234-567890123456",
    ],
)
def test_a_uuid_whose_digits_look_like_a_phone_number_is_kept_whole(uuid):
    line = f"message {uuid} status=sent to +52 656 123 4567 A-number 012-345-678"
    assert redact(line) == f"message {uuid} status=sent to [phone] A-number [a-number]"


@given(st.uuids())
def test_no_uuid_is_ever_redacted(value):
    line = f"id={value} phone 5551234567"
    assert redact(line) == f"id={value} phone [phone]"
