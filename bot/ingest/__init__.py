"""Ingest: files to articles — find files, decode, cut boilerplate, read title/date/outlet,
split sentences with exact offsets, chunk. Knows nothing of Chroma or embeddings.
"""
