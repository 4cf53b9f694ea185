"""Helpers for privacy tests: join through the real flow, catch uploaded documents, read rows."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.request import RequestData

from storage.models import ChannelIdentity, Person
from tests.support.offline import ChatUser, OfflineBotApi

AGREE = {"Türkçe": "Okudum", "English": "I have read it"}


async def join(user: ChatUser, code: str, language: str = "Türkçe") -> None:
    """Join with an invite code through language choice and consent."""
    await user.send(f"/start {code}")
    await user.press(language)
    await user.press(AGREE[language])


async def person_id_of(sessions: async_sessionmaker[AsyncSession], user: ChatUser) -> int:
    async with sessions() as session:
        person_id = await session.scalar(
            select(ChannelIdentity.person_id).where(ChannelIdentity.external_user_id == str(user.user_id))
        )
    assert person_id is not None, "this user has not joined"
    return person_id


async def person(sessions: async_sessionmaker[AsyncSession], person_id: int) -> Person:
    async with sessions() as session:
        found = await session.get(Person, person_id)
    assert found is not None
    return found


def capture_documents(api: OfflineBotApi) -> list[tuple[str, bytes]]:
    """Record (filename, content) of every document the bot uploads from now on."""
    documents: list[tuple[str, bytes]] = []
    original = api.do_request

    async def do_request(url: str, method: str, request_data: RequestData | None = None, **kwargs: Any):
        if url.endswith("/sendDocument") and request_data is not None:
            for filename, content, _mime in request_data.multipart_data.values():
                documents.append((filename, content))
        return await original(url, method, request_data, **kwargs)

    api.do_request = do_request  # type: ignore[method-assign]
    return documents


def json_document(documents: list[tuple[str, bytes]]) -> tuple[str, dict[str, Any]]:
    assert documents, "the bot sent no document"
    filename, content = documents[-1]
    return filename, json.loads(content.decode("utf-8"))
