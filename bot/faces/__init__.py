"""Faces: how people reach the bot — the ``bot`` command line and the chat page.

Both call only the public ``Bot`` API (``bot.api``); no retrieval, answering or citation
logic lives here.
"""
