"""bench.wave in small: the real planner and sender deliver a week's prompts, each exactly once."""

from __future__ import annotations

import pytest

from bench.wave import wave


@pytest.mark.parametrize("paid_rate", [0.0, 300.0])
async def test_the_wave_benchmark_delivers_every_prompt_exactly_once(paid_rate: float, tmp_path) -> None:
    result = await wave(groups=5, rate=25, paid_rate=paid_rate, people=1, think=1.2, folder=tmp_path)
    assert result["messages"] == 25  # 5 groups x 5 mentees, every one of them eligible
    assert (result["delivered"], result["duplicates"], result["lost"]) == (25, 0, 0)
    assert result["rows"] == {"reflection_prompt.sent": 25}
    assert result["429"] == 0
    # Paid broadcasts: every prompt went with the flag; without the setting none did.
    assert result["paid_sends"] == (25 if paid_rate else 0)
    assert result["replies"] >= 1 and result["p99_reply_ms"] is not None
