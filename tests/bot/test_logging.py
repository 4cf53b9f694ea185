"""What python-telegram-bot logs about data from Telegram reaches Narbot's log without the data."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest
from telegram.error import TelegramError
from telegram.request import BaseRequest

from bot.logging import configure_logging

NAME = "Zeynep Kaplan"
WORDS = "kimseye söyleyemedim"


@contextlib.contextmanager
def production_logging() -> Iterator[None]:
    """Logging as `narbot` sets it up (LOG_LEVEL=DEBUG), writing to the stderr of the moment.

    Entered in the test itself: pytest swaps stderr between a fixture's set-up and the test.
    """
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("DEBUG")
    try:
        yield
    finally:
        root.handlers[:], root.level = saved


def test_a_response_that_is_not_json_is_logged_by_its_length(capsys: pytest.CaptureFixture[str]) -> None:
    # A getUpdates answer cut short: PTB cannot decode it and logs it whole at ERROR.
    body = ('{"ok":true,"result":[{"update_id":7,"message":{"message_id":1,"date":1,'
            f'"chat":{{"id":5,"type":"private","first_name":"{NAME}"}},"text":"{WORDS}"').encode()
    with production_logging(), pytest.raises(TelegramError):
        BaseRequest.parse_json_payload(body)

    err = capsys.readouterr().err
    assert "ERROR telegram.request.BaseRequest: Can not load invalid JSON data" in err
    assert f"<{len(body.decode())} characters withheld>" in err
    assert NAME not in err and WORDS not in err
    assert "JSONDecodeError (its message is withheld)" in err


def test_other_library_lines_are_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    with production_logging():
        logging.getLogger("telegram.ext.Application").info("Application started")
        logging.getLogger("telegram.ext.Updater").warning("Retrying in %s seconds", 5)

    err = capsys.readouterr().err
    assert "INFO telegram.ext.Application: Application started" in err
    assert "WARNING telegram.ext.Updater: Retrying in 5 seconds" in err
