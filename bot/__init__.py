"""Retrieval-grounded Q&A over a folder of news articles, every sentence cited.

from bot import Bot
bot = Bot(seeds_dir="seeds", data_dir=".bot")
ans = bot.ask("How many North Korean troops are in Russia?")
"""

from bot.api import Bot
from bot.config import Settings
from bot.errors import BotError
from bot.types import REFUSAL, Answer, Citation, Status

__all__ = ["REFUSAL", "Answer", "Bot", "BotError", "Citation", "Settings", "Status"]
