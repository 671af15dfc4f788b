"""Stage 1, the record format and its checks: read ``terms/`` and say what is wrong with it.

``yamlsafe`` reads YAML with a line for every value; ``models`` is the record format
(it also generates ``schema/``); ``loader`` builds an ``Archive`` of parsed records;
``validate`` checks it; ``conditions`` is the small condition language of ``when:``
and ``unless:``; ``dates`` holds version ids and the half-open interval; ``vocab``
the closed vocabularies' types; ``problems`` how every problem is reported.
"""
