"""Two-step sign-in's rules (ASVS V2.8 and V2.5): time-based one-time codes (TOTP, RFC 6238: six
digits, a new one every 30 seconds, from a 160-bit secret) and single-use recovery codes.

Pure: the time is given (the operations pass the program's clock), and nothing is kept here. What
a code was checked against, and which step was used last, the operations keep in the workspace."""

from __future__ import annotations

import hmac
import re
import secrets

import pyotp

ISSUER = "prodops"  # the name an authenticator app shows beside the account
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after counts too (±30 s of clock drift; RFC 6238 §5.2)
RECOVERY_CODES = 10
# Crockford's base 32: no I, L, O or U, so nothing reads as another character; 4 groups of 4 of
# them are 80 random bits. Typed back, case, spaces and dashes do not matter, and O, I and L are
# read as 0, 1 and 1, as Crockford's alphabet says.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_GROUPS, RECOVERY_GROUP = 4, 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_secret() -> str:
    """A new TOTP secret: 160 random bits (RFC 4226 §4's recommended length) in base 32."""
    return pyotp.random_base32(32)


def otpauth_uri(secret: str, email: str) -> str:
    """What the QR code holds: the key URI an authenticator app reads (issuer prodops, the e-mail)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """The secret to type by hand, in groups of four: `ABCD EFGH ...`."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def is_totp_code(text: str) -> bool:
    return re.fullmatch(rf"[0-9]{{{DIGITS}}}", text) is not None


def totp_step(secret: str, code: str, at: float, last_step: int | None) -> int | None:
    """The time step of `code` if it is the code of the step at `at` (epoch seconds) or of one step
    either side, and later than `last_step` (a code once used, or one older than it, never counts
    again: RFC 6238 §5.2); else None."""
    code = re.sub(r"\s", "", code or "")
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now = totp.timecode(int(at))
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):  # every step is compared: no early exit
        if hmac.compare_digest(totp.generate_otp(step), code) and (last_step is None or step > last_step):
            found = step
    return found


def new_recovery_codes() -> list[str]:
    """RECOVERY_CODES new recovery codes, each `XXXX-XXXX-XXXX-XXXX` (80 random bits)."""
    return ["-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP))
                     for _ in range(RECOVERY_GROUPS)) for _ in range(RECOVERY_CODES)]


def recovery_code(text: str) -> str | None:
    """A recovery code as typed, written as it was given (`XXXX-XXXX-XXXX-XXXX`), or None when it
    cannot be one."""
    plain = re.sub(r"[\s-]", "", (text or "")[:100]).upper().translate(_READ_AS)
    if len(plain) != RECOVERY_GROUPS * RECOVERY_GROUP or any(c not in RECOVERY_ALPHABET for c in plain):
        return None
    return "-".join(plain[i:i + RECOVERY_GROUP] for i in range(0, len(plain), RECOVERY_GROUP))


def recovery_selector(code: str) -> str:
    """The part of a recovery code kept in clear beside its hash, to find the one hash to check
    (a `recovery_code` result): its first group, 20 of its 80 bits. The other 60 bits behind
    argon2id are beyond any search (see operations.mfa)."""
    return code[:RECOVERY_GROUP]
