"""Builds small synthetic knowledge bases for tests (clearly fictional texts).

The texts here are invented for tests and say so; they never enter terms/.
The vocabularies are the real ones, copied from terms/vocabulary.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
CORE = [
    "train-on-outputs",
    "build-eval-set",
    "commercial-use-of-distilled-data",
    "commercial-use",
    "fine-tune-weights",
    "redistribute-weights",
    "scrape-outputs",
]

ACME_TERMS_V1 = """Example Corp Terms of Use (a fictional text for tests)
1. Use. You may use the Services and you own the Output.
2. Restrictions. You may not use Output to develop models that compete with Example Corp.
3. You may not scrape the Services.
"""
ACME_TERMS_V2 = """Example Corp Terms of Use, second edition (a fictional text for tests)
1. Use. You may use the Services and you own the Output.
2. Restrictions. You may not use Output to train any model.
3. You may not scrape the Services.
"""
ACME_POLICY = """Example Corp Usage Policy (fictional). Do not use the Services to break the law.
Do not use Output to build a model for eu users without our written permission.
"""
ZETA_LICENSE = """Zeta Model Licence (fictional, for tests)
1.a You may create derivative works of, and make modifications to the Zeta Materials.
1.b You will not use the Zeta Materials or any output to improve any other large language model (excluding Zeta or derivative works thereof).
2. If you have more than 700 million monthly active users you are not authorized to exercise any of the rights under this Agreement unless Zeta grants them.
3. You may use the Zeta Materials for commercial purposes.
"""


def silent(actions: list[str], note: str = "the fictional text does not address it") -> list[dict]:
    """Silent rules for the given actions."""
    return [{"action": a, "verdict": "silent", "note": note} for a in actions]


def acme_rules_v1() -> list[dict[str, Any]]:
    return [
        {
            "action": "train-on-outputs",
            "verdict": "prohibited",
            "when": {"competing": True},
            "section": "2",
            "quote": "You may not use Output to develop models that compete with Example Corp.",
        },
        {
            "action": "train-on-outputs",
            "verdict": "permitted",
            "when": {"competing": False},
            "section": "1",
            "quote": "you own the Output",
        },
        {
            "action": "scrape-outputs",
            "verdict": "prohibited",
            "section": "3",
            "quote": "You may not scrape the Services.",
        },
        *silent(
            [
                "build-eval-set",
                "commercial-use-of-distilled-data",
                "commercial-use",
                "fine-tune-weights",
                "redistribute-weights",
            ]
        ),
    ]


def acme_rules_v2() -> list[dict[str, Any]]:
    rules = [r for r in acme_rules_v1() if r["action"] != "train-on-outputs"]
    return [
        {
            "action": "train-on-outputs",
            "verdict": "prohibited",
            "section": "2",
            "quote": "You may not use Output to train any model.",
        },
        *rules,
    ]


def zeta_rules() -> list[dict[str, Any]]:
    return [
        {
            "action": "train-on-outputs",
            "verdict": "prohibited",
            "when": {"student": {"not_in": ["zeta"]}},
            "section": "1.b",
            "quote": "You will not use the Zeta Materials or any output to improve any other "
            "large language model",
        },
        {
            "action": "train-on-outputs",
            "verdict": "permitted",
            "when": {"student": {"in": ["zeta"]}},
            "section": "1.b",
            "quote": "(excluding Zeta or derivative works thereof)",
            "obligations": ["name it after Zeta"],
        },
        {
            "action": "fine-tune-weights",
            "verdict": "permitted",
            "section": "1.a",
            "quote": "create derivative works of, and make modifications to the Zeta Materials",
        },
        {
            "action": "commercial-use",
            "verdict": "permitted",
            "section": "3",
            "quote": "You may use the Zeta Materials for commercial purposes.",
        },
        *silent(
            [
                "build-eval-set",
                "commercial-use-of-distilled-data",
                "redistribute-weights",
                "scrape-outputs",
            ]
        ),
    ]


def version(
    document: str, version_id: str, text: str, rules: list[dict], **extra: Any
) -> dict[str, Any]:
    record = {
        "document": document,
        "version": version_id,
        "title": "Fictional test text",
        "effective": version_id,
        "effective_basis": "fictional",
        "retrieved": "2026-11-28",
        "source_url": "https://example.invalid/terms",
        "obtained_from": "written for tests",
        "coverage": "full",
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "rules": rules,
    }
    record.update(extra)
    return {"text": text, "record": record}


def default_spec() -> dict[str, Any]:
    """A valid fictional knowledge base: a service with terms + policy, and a model licence."""
    return {
        "providers": {
            "acme": {"id": "acme", "name": "Example Corp", "main_subject": "acme-api"},
            "zeta": {"id": "zeta", "name": "Zeta Labs"},
        },
        "documents": {
            "acme/terms": {
                "kind": "terms-of-service",
                "versions": [
                    version("acme/terms", "2023-03-14", ACME_TERMS_V1, acme_rules_v1()),
                    version("acme/terms", "2024-01-31", ACME_TERMS_V2, acme_rules_v2()),
                ],
            },
            "acme/policy": {
                "kind": "usage-policy",
                "versions": [
                    version(
                        "acme/policy",
                        "2023-01-01",
                        ACME_POLICY,
                        [
                            {
                                "action": "train-on-outputs",
                                "verdict": "prohibited",
                                "when": {"authorised": False},
                                "section": "2",
                                "quote": "Do not use Output to build a model for eu users without our "
                                "written permission.",
                            },
                            *silent([a for a in CORE if a != "train-on-outputs"]),
                        ],
                    ),
                ],
            },
            "zeta/license": {
                "kind": "model-licence",
                "versions": [
                    version(
                        "zeta/license",
                        "2023-07-18",
                        ZETA_LICENSE,
                        zeta_rules(),
                        preconditions=[
                            {
                                "section": "2",
                                "unless": {
                                    "any": [
                                        {"monthly_active_users": {"lte": 700_000_000}},
                                        {"authorised": True},
                                    ]
                                },
                                "quote": "you are not authorized to exercise any of the rights "
                                "under this Agreement",
                            }
                        ],
                    ),
                ],
            },
        },
        "subjects": {
            "acme-api": {
                "id": "acme-api",
                "name": "Example API",
                "kind": "service",
                "provider": "acme",
                "aliases": ["acme-chat"],
                "governed_by": [
                    {
                        "document": "acme/terms",
                        "role": "terms",
                        "from": "2023-03-14",
                        "basis": "fictional",
                    },
                    {
                        "document": "acme/policy",
                        "role": "policy",
                        "from": "2023-03-14",
                        "when": {"jurisdiction": {"in": ["eea"]}},
                        "basis": "fictional",
                    },
                ],
            },
            "zeta": {
                "id": "zeta",
                "name": "Zeta",
                "kind": "model",
                "provider": "zeta",
                "aliases": ["zeta-7b"],
                "governed_by": [
                    {
                        "document": "zeta/license",
                        "role": "licence",
                        "from": "2023-07-18",
                        "basis": "fictional",
                    }
                ],
            },
            "other-model": {
                "id": "other-model",
                "name": "Other",
                "kind": "model",
                "provider": "zeta",
                "governed_by": [
                    {
                        "document": "zeta/license",
                        "role": "licence",
                        "from": "2023-07-18",
                        "basis": "fictional",
                    }
                ],
            },
        },
    }


def excerpt_spec() -> dict[str, Any]:
    """The default archive with acme/policy archived as an excerpt that also governs zeta for
    commercial users; the excerpt is silent on every action (its silence on commercial-use is
    recorded as complete, its other silences are not)."""
    spec = default_spec()
    policy = spec["documents"]["acme/policy"]["versions"][0]["record"]
    policy["coverage"] = "excerpt"
    policy["rules"] = silent(CORE, "the fictional excerpt does not show it")
    for rule in policy["rules"]:
        if rule["action"] == "commercial-use":
            rule["excerpt_complete"] = "the fictional excerpt is the whole policy on this"
    spec["subjects"]["zeta"]["governed_by"].append(
        {
            "document": "acme/policy",
            "role": "policy",
            "from": "2023-07-18",
            "when": {"commercial": True},
            "basis": "fictional",
        }
    )
    return spec


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_kb(root: Path, spec: dict[str, Any] | None = None) -> Path:
    """Write a knowledge base from a spec into ``root``/terms and return that path."""
    spec = spec or default_spec()
    terms = root / "terms"
    shutil.copytree(REPO / "terms" / "vocabulary", terms / "vocabulary")
    for pid, provider in spec["providers"].items():
        (terms / pid).mkdir(parents=True, exist_ok=True)
        (terms / pid / "provider.yaml").write_text(dump(provider))
    for doc_id, doc in spec["documents"].items():
        folder = terms / doc_id
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "document.yaml").write_text(
            dump({"id": doc_id, "title": f"Fictional {doc_id}", "kind": doc["kind"]})
        )
        for v in doc["versions"]:
            vdir = folder / v["record"]["version"]
            vdir.mkdir()
            (vdir / "text.txt").write_text(v["text"], encoding="utf-8")
            (vdir / "record.yaml").write_text(dump(v["record"]), encoding="utf-8")
    (terms / "subjects").mkdir(exist_ok=True)
    for sid, subject in spec["subjects"].items():
        (terms / "subjects" / f"{sid}.yaml").write_text(dump(subject))
    return terms
