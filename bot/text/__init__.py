"""Text: the language knowledge every stage shares — lexicon (dates, numbers), tokenizer
and stemmer, sentence splitter, discourse (what leans on the sentence before).
No files, no models, no storage.
"""
