"""Signzy on the wire (CONFIRMED, shared notes section 4): LoopBack 3 models with login and logout."""

#: where the live API is (what <PROVIDER>_URL is set to)
LIVE_URL = "https://multi-channel.signzy.tech/"
MODELS = ("channels", "customers")  # channel products and single-customer products
#: the sandbox's demo channel, and the id it gives the first child channel made (a run of its document makes it)
SEED_ID = "ch-1"
FIRST_CHILD = "ch-2"


def login_path(model: str) -> str:
    return f"api/{model}/login"


def logout_path(model: str) -> str:
    return f"api/{model}/logout"
