"""Print, as JSON, every scenario's answer and the JSON export, for comparing two installs.

Run by .ci/check-package with the checkout's interpreter and with a wheel's
interpreter outside the checkout: the two outputs must be identical.
Usage: python answers.py SCENARIO_DIR OUT_ANSWERS OUT_EXPORT
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import tos_kb
from tos_kb.records.yamlsafe import read_yaml
from tos_kb.sitegen.export import build_export, to_json


def main() -> None:
    scenarios, out_answers, out_export = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    kb = tos_kb.load()
    answers = []
    for path in sorted(scenarios.glob("*.yaml")):
        for item in read_yaml(path).data or []:  # the project's YAML: `on` stays a key
            facts = item.get("facts") or {}
            d = kb.ask(item["subject"], item["action"], on=str(item["on"]), **facts)
            answers.append({"file": path.name, "id": item.get("id"), "answer": d.to_dict()})
    out_answers.write_text(json.dumps(answers, indent=1, ensure_ascii=False), encoding="utf-8")
    out_export.write_text(to_json(build_export(kb)), encoding="utf-8")
    print(f"{len(answers)} answers from {kb.root} ({kb.origin}), release {kb.release.id}")


if __name__ == "__main__":
    main()
