"""The chat page: a gradio app over the public ``Bot`` API.

``create_app(bot)`` builds the ``gr.Blocks`` (``app``), ``launch(bot, host, port, auth)``
serves it as ``bot serve`` does; ``html`` draws answers, ``index_job`` runs and reports the
first indexing, ``examples`` makes example questions. Importing this package imports gradio.
"""

from bot.faces.web.app import create_app, launch, parse_auth

__all__ = ["create_app", "launch", "parse_auth"]
