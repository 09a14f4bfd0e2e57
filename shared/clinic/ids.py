"""Identifiers customers may read aloud or type: random, in Crockford's base32.

Crockford's alphabet leaves out I, L, O and U, so nothing is misread on the phone.
"""

import re
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOMMENDATION_ID = re.compile(r"^rec-[0-9a-hjkmnp-tv-z]{20}$")


def random_code(length: int) -> str:
    """``length`` random Crockford characters (upper case), 5 bits of entropy each."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def new_recommendation_id() -> str:
    """``rec-`` and 20 random lower-case Crockford characters (100 bits)."""
    return "rec-" + random_code(20).lower()
