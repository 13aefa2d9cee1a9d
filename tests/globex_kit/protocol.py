"""Globex's wire facts, shared by its client and its sandbox."""

LIVE_URL = "https://api.globex.example/"
TOKEN_PATH = "oauth/token"
API_KEY_HEADER = "X-Api-Key"
