"""Public web pages the bot's own server serves (Starlette routes)."""
