"""Index: chunks to searchable vectors and terms — the MiniLM encoder, the Chroma store and
its record codec, the file ledger, BM25 and its cache, the incremental indexer, hybrid
search with rank fusion, and the retrieval step of ``ask``. Answers nothing.
"""
