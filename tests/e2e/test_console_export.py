"""bench.console_export in small: the bot and the console in one event loop, the export streamed
over HTTP to a logged-in coordinator arrives whole while the mentee's messages are answered."""

from __future__ import annotations

from bench.console_export import run
from mentoring.reports.stream import FILES


async def test_the_export_arrives_whole_while_the_bot_answers(tmp_path) -> None:
    result = await run(groups=5, weeks=2, folder=tmp_path, verify=True)
    rows = result["rows"]
    arrived = result["arrived"]
    assert result["csv_table"] == max(rows, key=lambda name: rows[name]) and rows[result["csv_table"]] > 0
    assert arrived["csv_rows"] == rows[result["csv_table"]]  # every row of the biggest table
    assert arrived["xlsx_intact"] and arrived["xlsx_sheets"] == len(FILES)
    assert arrived["xlsx_rows"] == {**{name.removesuffix(".csv"): count for name, count in rows.items()},
                                    "group_figures": 5}
    assert result["export_bytes"] == result["csv_bytes"] + result["xlsx_bytes"] > 0
    assert result["replies"] >= 1 and result["p99_reply_ms"] is not None  # the mentee was answered meanwhile
    assert result["peak_rss_mb"] > 0 and result["worst_lag_ms"] is not None and result["cpus"]
