"""A case moved between installations: the household document, out and in.

``bostad export household`` writes one case with everything recorded about it as one
JSON document (``document_out``); ``bostad import household`` rebuilds it in another
installation under a new reference (``document_in``), after checking the rules the
commands keep between fields (``checks``). Which tables travel, and how, is declared
with the export tables (``export.registry.Part``); the rows that need adapting on the
way in are adapted by ``adapt`` and ``letters``.
"""
