"""Ingest: files to articles — read each format (``formats``: .txt/.md raw, HTML/PDF/DOCX
extracted by ``documents`` and kept by content hash in ``cache``), find files, decode, cut
boilerplate, read title/date/outlet, split sentences with exact offsets, chunk. Knows
nothing of Chroma or embeddings.
"""
