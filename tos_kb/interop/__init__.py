"""Working with other archives of terms: Open Terms Archive (OTA).

Why a stage of its own: OTA already records, one git commit per observed
change, the terms of many generative-AI services. ``ota_repo`` reads a local
clone of a versions repository, ``ota_text`` compares its Markdown with our
texts and reads datelines, ``ota_import`` brings one version into ``terms/``
through the same scaffold as ``tos-kb new``, and ``watch`` reports what OTA
saw change after the newest archived version of each mapped document.
"""
