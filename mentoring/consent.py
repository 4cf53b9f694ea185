"""The KVKK notice (aydınlatma metni) and explicit consent (açık rıza).

The notice text lives in the catalogues; its version lives here. Changing the
text means a new version, and people who accepted an older one are asked again.
"""

from __future__ import annotations

NOTICE_VERSION = "2026-11-v1"
