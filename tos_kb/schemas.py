"""Every JSON Schema in ``schema/``: the record formats of ``terms/`` and the pipeline manifest.

Why a module above both: the record stage must not know about lineage, yet
``tos-kb schema`` writes, and a test checks, one folder of schemas.
"""

from __future__ import annotations

from typing import Any

from tos_kb.lineage.manifest import Pipeline
from tos_kb.records.schema import SCHEMAS as RECORD_SCHEMAS

SCHEMAS: dict[str, Any] = {
    **RECORD_SCHEMAS,
    "pipeline": Pipeline,  # not in terms/: a team's training pipeline
}
