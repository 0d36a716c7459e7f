"""Answer: a question and its retrieved chunks to a cited answer — follow-up rewriting,
question analysis, the extractive answerer, the LLM answerer (client, prompts,
sanitizer) and the verifier of its sentences. Answerers never see the store.
"""
