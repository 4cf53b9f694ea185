"""Drive the real Application through `process_update` with a bot that never reaches the network.

`OfflineBotApi` is a PTB request object that answers Bot API calls in memory
(after PTB's own serialisation), so handlers run exactly as in production up to
the HTTP layer. `ChatUser` plays a person: sends messages, presses buttons by
their label, and reads what the bot wrote.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from mentoring.button_data import Refused, decode

BOT_ID = 123456789
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Narbot", "username": "narbot_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}


class OfflineBotApi(BaseRequest):
    """Answers Bot API methods from memory and records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}  # chat -> message id -> message
        self._ids = itertools.count(1000)
        self.fail_next: dict[str, Exception] = {}
        # Callback data the bot sent that mentoring.button_data cannot read (make_app fails on any).
        self.unreadable_buttons: list[str] = []

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append((api_method, params))
        if api_method in self.fail_next:
            raise self.fail_next.pop(api_method)
        result = self._answer(api_method, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _check_buttons(self, params: dict[str, Any]) -> None:
        markup = params.get("reply_markup")
        rows = (json.loads(markup) if isinstance(markup, str) else markup or {}).get("inline_keyboard", [])
        for data in (button["callback_data"] for row in rows for button in row if "callback_data" in button):
            try:
                decode(data)
            except Refused:
                self.unreadable_buttons.append(data)

    def _answer(self, api_method: str, params: dict[str, Any]) -> Any:
        self._check_buttons(params)
        if api_method == "getMe":
            return BOT_USER
        if api_method in ("sendMessage", "sendDocument", "sendPhoto", "sendVoice"):
            chat_id = int(params["chat_id"])
            message = {
                "message_id": next(self._ids),
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
                "from": BOT_USER,
            }
            for key in ("text", "caption", "reply_markup"):
                if key in params:
                    message[key] = params[key]
            if api_method == "sendDocument":
                message["document"] = {"file_id": "doc", "file_unique_id": "doc"}
            if api_method == "sendVoice":
                message["voice"] = {"file_id": str(params["voice"]), "file_unique_id": "voice", "duration": 1}
            self.messages.setdefault(chat_id, {})[message["message_id"]] = message
            return message
        if api_method in ("editMessageText", "editMessageReplyMarkup"):
            chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
            message = self.messages.get(chat_id, {}).get(message_id)
            if message is None:
                return True
            if "text" in params:
                message["text"] = params["text"]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            return message
        if api_method in ("answerCallbackQuery", "setMyCommands", "deleteMyCommands",
                          "sendChatAction", "deleteMessage", "deleteWebhook"):
            return True
        if api_method == "getUpdates":
            return []
        raise AssertionError(f"OfflineBotApi does not know {api_method}")

    def chat_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return list(self.messages.get(chat_id, {}).values())

    def calls_of(self, api_method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == api_method]


_update_ids = itertools.count(1)
_incoming_ids = itertools.count(1)


@dataclass
class ChatUser:
    """A person in a private chat with the bot."""

    app: Application
    api: OfflineBotApi
    user_id: int
    first_name: str = "Ayşe"
    last_name: str | None = "Yılmaz"
    language_code: str | None = "tr"
    chat_id: int | None = None
    seen: int = field(default=0)

    def _user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def _chat(self) -> dict[str, Any]:
        chat_id = self.chat_id or self.user_id
        if chat_id < 0:
            return {"id": chat_id, "type": "group", "title": "Grup"}
        return {"id": chat_id, "type": "private", "first_name": self.first_name}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(_incoming_ids),
            "date": int(datetime.now(UTC).timestamp()),
            "chat": self._chat(),
            "from": self._user(),
            **content,
        }

    async def process(self, payload: dict[str, Any]) -> None:
        update = Update.de_json({"update_id": next(_update_ids), **payload}, self.app.bot)
        await self.app.process_update(update)

    async def send(self, text: str) -> None:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self.process({"message": self._message(**content)})

    async def send_sticker(self) -> None:
        await self.process({"message": self._message(sticker={
            "file_id": "stk", "file_unique_id": "stk", "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False})})

    async def send_voice(self, duration: int = 12) -> None:
        await self.process({"message": self._message(voice={
            "file_id": "voice", "file_unique_id": "voice", "duration": duration})})

    async def press(self, label: str, *, message: dict[str, Any] | None = None) -> None:
        """Press the button with this label on the newest bot message that has it."""
        target = message
        data = None
        candidates = [message] if message else reversed(self.api.chat_messages(self.chat_id or self.user_id))
        for candidate in candidates:
            for row in (candidate or {}).get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    if button.get("text") == label:
                        target, data = candidate, button["callback_data"]
                        break
            if data is not None:
                break
        if target is None or data is None:
            raise AssertionError(f"No button {label!r}; the bot wrote: {self.texts()}")
        await self.press_data(data, target)

    async def press_data(self, data: str, message: dict[str, Any]) -> None:
        """Press a button with exactly this callback data (stale or forged ones included)."""
        await self.process({"callback_query": {
            "id": str(next(_update_ids)), "from": self._user(), "chat_instance": "ci",
            "message": message, "data": data}})

    def messages(self) -> list[dict[str, Any]]:
        return self.api.chat_messages(self.chat_id or self.user_id)

    def texts(self) -> list[str]:
        return [m.get("text", m.get("caption", "")) for m in self.messages()]

    def last_text(self) -> str:
        texts = self.texts()
        assert texts, "the bot has not written to this chat"
        return texts[-1]

    def new_texts(self) -> list[str]:
        """What the bot wrote since the last call (edits to older messages not included)."""
        texts = self.texts()
        fresh, self.seen = texts[self.seen:], len(texts)
        return fresh

    def buttons(self, message: dict[str, Any] | None = None) -> list[str]:
        message = message or self.messages()[-1]
        return [b["text"] for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
