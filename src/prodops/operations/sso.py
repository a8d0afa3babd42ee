"""Single sign-on with OpenID Connect: admins and viewers sign in at their company's identity
provider (Google Workspace, Microsoft Entra ID, Okta, Keycloak...) by the authorisation-code flow
with PKCE (S256).

Starting (`start_sso`) keeps a state of 256 random bits (only its hash), a nonce and a PKCE
verifier in the workspace for ten minutes, with the hash of a second secret that the browser keeps
in a cookie; the browser goes to the provider's sign-in page. Its answer (`finish_sso`) is taken
once: the state must be known, young enough and this browser's; the code is exchanged, with the
verifier, at the token endpoint; the ID token must carry the provider's signature (its keys fetched
from the discovery document, again when a token names a key not known), its issuer, our client as
audience, times that hold by `prodops.clock` (a minute of leeway) and our nonce. Then the e-mail must
be verified and of an allowed domain, and a rule on one claim (groups, roles) gives the role. A user
of that e-mail is found or made (without a password), their role follows the claim at every sign-in,
and a session starts as a password's does (`access.start_session`); a user who set up two-step
sign-in (for their password) is asked its code first, as after a password (`mfa.hold_sign_in`).
Every refusal is answered with words, never with a token, and recorded in the audit trail with its
reason, except an answer to no sign-in this app started (it names nobody); the answers one client
address may send are limited, as the sign-ins it may start are.

Outbound calls go only to the configured provider: https (http only on 127.0.0.1 or localhost, for
tests and development), and the discovery document's endpoints on the issuer's own scheme and host,
or on hosts named in the settings (Google's token and key endpoints are on googleapis.com hosts,
allowed for its issuer)."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlencode, urlsplit

from prodops import clock
from prodops.core.errors import InputError, Problem, Refused
from prodops.core.safe_text import EMAIL_LENGTH, is_email
from prodops.operations.access import ROLES, Session, check_rate, digest, new_secret, start_session
from prodops.operations.audit import current, record
from prodops.operations.mfa import Pending, hold_sign_in
from prodops.store.sso import KeptSignIn

if TYPE_CHECKING:
    from joserfc.jwk import KeySet

    from prodops.store import Workspace
    from prodops.store.access import Account

WELL_KNOWN = "/.well-known/openid-configuration"
STATE_LIFE = dt.timedelta(minutes=10)  # from the start of a sign-in to the provider's answer
LEEWAY = 60  # seconds of clock skew allowed on an ID token's exp, iat and nbf
DOCUMENT_LIFE = dt.timedelta(hours=1)  # the discovery document and keys are fetched again after it
MAX_BYTES = 1_000_000  # a discovery document, key set or token response larger than this is refused
TIMEOUT = (5.0, 10.0)  # seconds to connect, and to wait for an answer
SCOPES = "openid email profile"
BUTTON = "Sign in with single sign-on"
ANY_DOMAIN = "any"
# asymmetric signatures only: never "none", never HS256 (whose key would be the client secret)
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
START_LIMIT = (300, 900)  # sign-ins started per client address, in seconds: a whole office behind one address fits
ANSWER_LIMIT = START_LIMIT  # the provider's answers per client address: one per sign-in started
LOOPBACK = ("127.0.0.1", "localhost", "::1")
GOOGLE = "https://accounts.google.com"
GOOGLE_HOSTS = ("oauth2.googleapis.com", "www.googleapis.com", "openidconnect.googleapis.com")
ENTRA_HOSTS = ("login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn",
               "login.partner.microsoftonline.cn")
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+")
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


class Unreachable(InputError):
    """The provider did not answer (a network problem, not a setting to correct)."""


@dataclass(frozen=True)
class SsoSettings:
    """How this app uses its OpenID provider (read and checked by `sso_settings`)."""

    discovery_url: str  # the issuer's /.well-known/openid-configuration
    client_id: str
    client_secret: str = field(repr=False)
    allowed_domains: tuple[str, ...] | None  # the e-mail domains that may sign in; None: any
    role_claim: str | None = None  # the claim that gives the role; None: only users added before, with their role
    admin_values: tuple[str, ...] = ()
    viewer_values: tuple[str, ...] = ()
    button: str = BUTTON
    scopes: str = SCOPES
    endpoint_hosts: tuple[str, ...] = ()  # further hosts the discovery document's endpoints may be on

    @property
    def issuer(self) -> str:
        return self.discovery_url[: -len(WELL_KNOWN)]


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in (text or "").split(",") if v.strip()))


def sso_settings(discovery_url: str | None, client_id: str | None, client_secret: str | None,
                 allowed_domains: str | None, role_claim: str | None = None, admin_values: str | None = None,
                 viewer_values: str | None = None, button: str | None = None, scopes: str | None = None,
                 endpoint_hosts: str | None = None) -> SsoSettings:
    """The settings checked, or an InputError listing every problem; each problem's `column` names
    the setting it is about (discovery_url, client_id...) for the shell to word."""
    problems: list[Problem] = []

    def wrong(column: str, message: str) -> None:
        problems.append(Problem(message, column=column))

    url = (discovery_url or "").strip()
    if not url:
        wrong("discovery_url", "give the address of the provider's discovery document "
                               "(https://…/.well-known/openid-configuration)")
    else:
        url = url if url.rstrip("/").endswith(WELL_KNOWN) else url.rstrip("/") + WELL_KNOWN
        url = url.rstrip("/")
        problem = _url_problem(url)
        if problem:
            wrong("discovery_url", f"the discovery address {url[:200]!r} {problem}")
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 500:
        wrong("client_id", "give the client id the provider gave this app when it was registered")
    secret = (client_secret or "").strip()
    if not secret or len(secret) > 2000:
        wrong("client_secret", "give the client secret the provider gave this app when it was registered")
    domains_text = (allowed_domains or "").strip().lower()
    domains: tuple[str, ...] | None = None
    if domains_text != ANY_DOMAIN:
        domains = tuple(d.lstrip("@") for d in _list(domains_text))
        bad = [d for d in domains if not _DOMAIN.fullmatch(d)]
        if not domains:
            wrong("allowed_domains", "say which e-mail domains may sign in (e.g. acme.com, acme.co.uk), or "
                                     f"{ANY_DOMAIN!r} to let in every account the provider knows")
        elif bad:
            wrong("allowed_domains", f"{bad[0][:100]!r} is not a domain name (e.g. acme.com)")
    claim = (role_claim or "").strip() or None
    admins, viewers = _list(admin_values), _list(viewer_values)
    if claim and not (admins or viewers):
        wrong("role_claim", f"say which values of the claim {claim!r} make an admin, a viewer, or both")
    if not claim and (admins or viewers):
        wrong("role_claim", "name the claim (e.g. groups or roles) whose values make an admin or a viewer")
    if claim and len(claim) > 100:
        wrong("role_claim", "the claim's name is longer than 100 characters")
    label = " ".join((button or BUTTON).split())
    if len(label) > 60:
        wrong("button", f"the button's label is {len(label)} characters long; keep it to 60")
    scope = " ".join((scopes or SCOPES).split())
    if "openid" not in scope.split() or not re.fullmatch(r"[\x21\x23-\x5b\x5d-\x7e ]{1,500}", scope):
        wrong("scopes", f"the scopes {scope[:100]!r} must be space-separated and include openid")
    hosts = tuple(h.lower() for h in _list(endpoint_hosts))
    bad_hosts = [h for h in hosts if not _DOMAIN.fullmatch(h)]
    if bad_hosts:
        wrong("endpoint_hosts", f"{bad_hosts[0][:100]!r} is not a host name (e.g. login.acme.com)")
    if problems:
        raise InputError("single sign-on is not set up right", problems)
    return SsoSettings(url, client_id, secret, domains, claim, admins, viewers, label, scope, hosts)


def _url_problem(url: str) -> str | None:
    """What is wrong with an address this app would call, or None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 -- a port that is no number is refused here
    except ValueError:
        return "is not an address"
    if parts.username or parts.password or parts.query or parts.fragment or not host:
        return "must be a plain https:// address (no user, query or fragment)"
    if parts.scheme == "https" or (parts.scheme == "http" and host in LOOPBACK):
        return None
    return "must use https:// (http:// only on 127.0.0.1 or localhost, for tests and development)"


# --- the provider, as this process knows it ------------------------------------------------------

@dataclass(frozen=True)
class Discovered:
    """What the discovery document says, checked."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    auth_method: str  # how the client authenticates at the token endpoint: client_secret_basic or _post
    algorithms: tuple[str, ...]  # the ID token's signatures accepted
    fetched_at: dt.datetime


class Provider:
    """The configured OpenID provider: its discovery document and keys, fetched when first needed
    and kept an hour by each process (the keys fetched again at once when a token names a key not
    known). Safe to share between threads."""

    def __init__(self, settings: SsoSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._found: Discovered | None = None
        self._keys: KeySet | None = None

    def discovered(self) -> Discovered:
        """The discovery document, checked (InputError when it is wrong, Unreachable when it cannot be read)."""
        with self._lock:
            if self._found is None or clock.now() - self._found.fetched_at > DOCUMENT_LIFE:
                self._found, self._keys = self._discover(), None
            return self._found

    def keys(self, refresh: bool = False) -> KeySet:
        """The provider's signing keys (fetched again when `refresh`)."""
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        found = self.discovered()
        with self._lock:
            if self._keys is None or refresh:
                document = _get_json(found.jwks_uri, "the provider's keys")
                try:
                    self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
                except (JoseError, ValueError, TypeError, KeyError) as e:
                    raise InputError(f"the provider's keys at {found.jwks_uri} cannot be read ({e})") from None
            return self._keys

    def _discover(self) -> Discovered:
        from authlib.oidc.discovery import OpenIDProviderMetadata

        s, url = self.settings, self.settings.discovery_url
        data = _get_json(url, "the discovery document")
        meta = OpenIDProviderMetadata(data)
        try:
            for check in (meta.validate_issuer, meta.validate_authorization_endpoint, meta.validate_token_endpoint,
                          meta.validate_jwks_uri, meta.validate_response_types_supported,
                          meta.validate_id_token_signing_alg_values_supported,
                          meta.validate_token_endpoint_auth_methods_supported,
                          meta.validate_code_challenge_methods_supported):
                check()
        except ValueError as e:
            raise InputError(f"the discovery document at {url} is not valid: {e}") from None
        issuer = str(data["issuer"])
        if "{" in issuer:  # Microsoft's common/organizations documents name "{tenantid}": any tenant's tokens
            raise InputError(f"the discovery document at {url} is for any tenant ({issuer}); give your own tenant's "
                             "(https://login.microsoftonline.com/TENANT-ID/v2.0/.well-known/openid-configuration)")
        if issuer.rstrip("/") != s.issuer.rstrip("/"):
            raise InputError(f"the discovery document at {url} names the issuer {issuer!r}, not {s.issuer!r}: give "
                             "the discovery address of the issuer its tokens name (for Entra ID, with the tenant's id)")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            problem = _endpoint_problem(str(data[name]), issuer, s.endpoint_hosts)
            if problem:
                raise InputError(f"the discovery document at {url} puts its {name} at {str(data[name])[:200]!r}, "
                                 f"which {problem}")
        if "code" not in meta.response_types_supported:
            raise InputError(f"the provider at {issuer} does not offer the authorisation-code flow (response type code)")
        challenges = data.get("code_challenge_methods_supported")
        if challenges is not None and "S256" not in challenges:
            raise InputError(f"the provider at {issuer} does not offer PKCE with S256")
        offered = meta.token_endpoint_auth_methods_supported or ["client_secret_basic"]
        method = next((m for m in ("client_secret_basic", "client_secret_post") if m in offered), None)
        if method is None:
            raise InputError(f"the provider at {issuer} takes a client secret neither by HTTP Basic nor in the form "
                             f"(it offers {', '.join(map(str, offered))[:200]})")
        algorithms = tuple(a for a in data["id_token_signing_alg_values_supported"] if a in ALGORITHMS)
        return Discovered(issuer, str(data["authorization_endpoint"]), str(data["token_endpoint"]), str(data["jwks_uri"]),
                          method, algorithms, clock.now())


def _endpoint_problem(url: str, issuer: str, extra_hosts: tuple[str, ...]) -> str | None:
    """Why this app must not call `url` for the provider of `issuer`, or None."""
    problem = _url_problem(url)
    if problem:
        return problem
    at, home = urlsplit(url), urlsplit(issuer)
    if (at.scheme, at.netloc.lower()) == (home.scheme, home.netloc.lower()):
        return None
    trusted = extra_hosts + (GOOGLE_HOSTS if issuer == GOOGLE else ())
    if at.scheme == "https" and (at.hostname or "") in trusted:
        return None
    return f"is not on the issuer's own {home.scheme}://{home.netloc} (name further hosts in the settings if it is yours)"


def _get_json(url: str, what: str) -> dict[str, Any]:
    import httpx

    try:
        with httpx.Client(timeout=httpx.Timeout(TIMEOUT[1], connect=TIMEOUT[0]), follow_redirects=False,
                          headers={"Accept": "application/json"}) as http, http.stream("GET", url) as response:
            if response.status_code != 200:
                raise InputError(f"{what} at {url} answered HTTP {response.status_code}")
            body = _body(response)
    except httpx.HTTPError as e:
        raise Unreachable(f"{what} at {url} could not be read ({type(e).__name__}: {str(e)[:200]})") from None
    try:
        data = json.loads(body)
    except ValueError:
        raise InputError(f"{what} at {url} is not JSON") from None
    if not isinstance(data, dict):
        raise InputError(f"{what} at {url} is not a JSON object")
    return data


def _body(response: Any) -> bytes:
    body = b""
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > MAX_BYTES:
            raise InputError(f"{response.url} answered more than {MAX_BYTES // 1000} kB")
    return body


def check_provider(provider: Provider) -> str:
    """The provider's issuer, once its discovery document and keys are read and checked (when the
    app starts: a wrong setting is said then, not at the first sign-in)."""
    provider.keys()
    return provider.discovered().issuer


# --- signing in ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Started:
    """A sign-in under way: where the browser goes, and the secret its cookie keeps."""

    url: str  # the provider's sign-in page, with our state, nonce and PKCE challenge
    browser: str  # binds the answer to this browser (only its hash is kept)


def start_sso(ws: Workspace, provider: Provider, redirect_uri: str, client: str) -> Started:
    """Start a sign-in at the provider; its answer comes back to `redirect_uri`."""
    from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    check_rate(ws, f"sso-start:{client}", *START_LIMIT)
    try:
        found = provider.discovered()
    except InputError as e:
        _refuse(ws, "provider unavailable", f"the sign-in service cannot be used now ({e.message}); try again in a "
                                            "minute, and if it lasts tell whoever runs this server")
    state, nonce, verifier, browser, now = new_secret(), new_secret(), new_secret() + new_secret(), new_secret(), clock.now()
    ws.sso.keep(digest(state), KeptSignIn(digest(browser), nonce, verifier, redirect_uri, now),
                forget_before=now - STATE_LIFE)
    s = provider.settings
    url = prepare_grant_uri(found.authorization_endpoint, s.client_id, "code", redirect_uri=redirect_uri,
                            scope=s.scopes, state=state, nonce=nonce,
                            code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256")
    return Started(url, browser)


def finish_sso(ws: Workspace, provider: Provider, state: str | None, code: str | None, error: str | None,
               browser: str | None, client: str) -> Session | Pending:
    """The provider's answer to a sign-in this browser started: a new session (a sign-in awaiting
    its code, for a user with two-step sign-in on), or Refused ("login" when the answer does not
    check out, "forbidden" when the person may not use this app, "too_many" past the answers a
    client address may send). Anyone can send an answer without signing in, so they are counted
    before anything is recorded, and an answer whose state this app does not know (none, made up,
    or used already) is refused without an audit entry: it names nobody, and recording it would
    let anyone fill the append-only trail."""
    check_rate(ws, f"sso-answer:{client}", *ANSWER_LIMIT)
    if not state or len(state) > 100:
        raise Refused("login", "the answer from the sign-in service is not one this app asked for; sign in again")
    kept = ws.sso.take(digest(state))  # taken once: a second answer with this state finds nothing
    if kept is None:
        raise Refused("login", "this sign-in was already used or is not one this app started; sign in again")
    if clock.now() - kept.created_at > STATE_LIFE:
        _refuse(ws, "state expired", f"this sign-in took longer than {STATE_LIFE.seconds // 60} minutes; sign in again")
    if not browser or not hmac.compare_digest(digest(browser), kept.browser_hash):
        _refuse(ws, "state from another browser", "this sign-in was started in another browser; sign in again here")
    if error:
        code_word = error if _ERROR_CODE.fullmatch(error) else "error"
        _refuse(ws, f"provider said {code_word}",
                "you declined to sign in" if code_word == "access_denied" else
                f"the sign-in service did not sign you in ({code_word}); try again")
    if not code or len(code) > 2000:
        _refuse(ws, "no code", "the answer from the sign-in service carries no code; sign in again")
    try:
        found = provider.discovered()
    except InputError as e:
        _refuse(ws, "provider unavailable", f"the sign-in service cannot be used now ({e.message}); try again in a minute")
    tokens = _exchange(ws, provider, found, code, kept)
    claims = _id_token(ws, provider, found, tokens, kept.nonce)
    email, role = _who(ws, provider.settings, found, claims)
    account = _account(ws, email, role)
    return hold_sign_in(ws, account, "sso") or start_session(ws, account, "sso")


def _refuse(ws: Workspace, reason: str, message: str, email: str = "", kind: str = "login") -> NoReturn:
    record(ws, "sign-in failed", email, method="sso", reason=reason)
    raise Refused(kind, message)


def _exchange(ws: Workspace, provider: Provider, found: Discovered, code: str, kept: KeptSignIn) -> dict[str, Any]:
    """The token endpoint's answer to our code and PKCE verifier."""
    import httpx
    from authlib.oauth2.auth import ClientAuth

    s = provider.settings
    body = urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": kept.redirect_uri,
                      "code_verifier": kept.verifier})
    headers = {"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"}
    _, headers, body = ClientAuth(s.client_id, s.client_secret, found.auth_method).prepare(
        "POST", found.token_endpoint, headers, body)
    try:
        with httpx.Client(timeout=httpx.Timeout(TIMEOUT[1], connect=TIMEOUT[0]), follow_redirects=False) as http, \
                http.stream("POST", found.token_endpoint, content=body, headers=headers) as response:
            status, raw = response.status_code, _body(response)
    except httpx.HTTPError as e:
        _refuse(ws, "provider unavailable", f"the sign-in service did not answer ({type(e).__name__}); try again")
    except InputError:
        _refuse(ws, "token response too large", "the sign-in service's answer was too large; try again")
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        _refuse(ws, f"token endpoint answered HTTP {status}", "the sign-in service's answer was not understood; try again")
    if status != 200 or "error" in answer:
        said = str(answer.get("error", ""))
        said = said if _ERROR_CODE.fullmatch(said) else "error"
        _refuse(ws, f"code refused: {said}", f"the sign-in service refused the code ({said}): it may have been used "
                                             "already or be too old; sign in again")
    if not isinstance(answer.get("id_token"), str):
        _refuse(ws, "no ID token", "the sign-in service sent no ID token; check that the scopes include openid")
    return answer


def _id_token(ws: Workspace, provider: Provider, found: Discovered, tokens: dict[str, Any], nonce: str) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce hold."""
    from authlib.oidc.core import CodeIDToken
    from joserfc import jwt
    from joserfc.errors import ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError

    s, raw = provider.settings, tokens["id_token"]
    try:
        try:
            token = jwt.decode(raw, provider.keys(), algorithms=list(found.algorithms))
        except InvalidKeyIdError:  # the provider may have rolled its keys over: fetch them again, once
            token = jwt.decode(raw, provider.keys(refresh=True), algorithms=list(found.algorithms))
    except InputError as e:
        _refuse(ws, "provider keys unavailable", f"the sign-in service's keys cannot be read ({e.message}); try again")
    except (JoseError, ValueError) as e:
        _refuse(ws, f"ID token signature: {getattr(e, 'error', 'invalid')}",
                "the sign-in service's answer is not signed by it; sign in again, and if it happens again tell "
                "whoever runs this server")
    issuers = [found.issuer] + (["accounts.google.com"] if found.issuer == GOOGLE else [])  # Google's legacy form
    claims = CodeIDToken(token.claims, token.header,
                         options={"iss": {"essential": True, "values": issuers},  # our provider's token...
                                  "aud": {"essential": True, "value": s.client_id}},  # ...issued to us
                         params={"nonce": nonce,  # for the sign-in this browser started
                                 "client_id": s.client_id,  # azp when several audiences
                                 "access_token": tokens.get("access_token")})  # at_hash when present
    try:
        claims.validate(now=int(clock.now().timestamp()), leeway=LEEWAY)  # the program's clock, not the wall's
    except ExpiredTokenError:
        _refuse(ws, "ID token expired", "the sign-in service's answer has expired; sign in again (if it happens "
                                        "every time, check this server's clock)")
    except ClaimError as e:
        _refuse(ws, f"ID token: wrong or missing {e.claim}", f"the sign-in service's answer does not check out (its "
                                                              f"{e.claim} claim); sign in again")
    except JoseError as e:
        _refuse(ws, f"ID token: {getattr(e, 'error', 'invalid')}", "the sign-in service's answer does not check out; "
                                                                   "sign in again")
    return dict(claims)


def _verified(claims: dict[str, Any], entra: bool) -> bool:
    """Whether the provider vouches for the e-mail. Entra ID sends no email_verified: its optional
    claim xms_edov (the e-mail's domain verified by the tenant) stands for it; its `email` alone
    is editable and proves nothing, and `preferred_username` is never taken as an e-mail."""
    said = claims.get("email_verified")
    if said is not None:
        return said is True or said == "true"
    return entra and claims.get("xms_edov") in (True, "true", "1", 1)


def _who(ws: Workspace, s: SsoSettings, found: Discovered, claims: dict[str, Any]) -> tuple[str, str | None]:
    """The e-mail the token vouches for, and the role its claim gives (None: no role claim is used)."""
    email = claims.get("email")
    email = email.strip().lower() if isinstance(email, str) else ""
    if not email or len(email) > EMAIL_LENGTH or not is_email(email):
        _refuse(ws, "no e-mail", "the sign-in service did not say your e-mail address; ask IT to include the email "
                                 "claim", kind="forbidden")
    if not _verified(claims, urlsplit(found.issuer).hostname in ENTRA_HOSTS):
        _refuse(ws, "e-mail not verified", f"the sign-in service does not vouch for {email} (the e-mail is not "
                                           "verified)", email, kind="forbidden")
    domain = email.rsplit("@", 1)[1]
    if s.allowed_domains is not None and domain not in s.allowed_domains:
        _refuse(ws, "domain not allowed", f"{email}: accounts of {domain} may not sign in here", email, kind="forbidden")
    if found.issuer == GOOGLE and s.allowed_domains is not None and claims.get("hd") not in s.allowed_domains:
        _refuse(ws, "domain not allowed", f"{email} is not an account of your company's Google Workspace", email,
                kind="forbidden")  # hd: the Workspace the account belongs to (an e-mail alone can be any Google account's)
    if s.role_claim is None:
        return email, None
    said = claims.get(s.role_claim)
    values = {str(v).casefold() for v in (said if isinstance(said, list) else [said]) if isinstance(v, (str, int))}
    for role, wanted in (("admin", s.admin_values), ("viewer", s.viewer_values)):
        if values & {w.casefold() for w in wanted}:
            return email, role
    overage = isinstance(claims.get("_claim_names"), dict) and s.role_claim in claims["_claim_names"]
    _refuse(ws, "no role", f"{email} is in none of the groups that may use this app"
                           + (" (the account is in too many groups for the token to list them: ask IT to use app "
                              "roles)" if overage else "; ask IT to add you to one"), email, kind="forbidden")


def _account(ws: Workspace, email: str, role: str | None) -> Account:
    """The user of `email`, made at their first sign-in (without a password), with the role the
    claim gives now; `role` None: only a user added before may sign in, with their own role. What is
    done to the user is recorded as their own act (the provider vouched for them), not an anonymous one."""
    account = ws.access.account(email)
    if account is None:
        if role is None:
            _refuse(ws, "not a user", f"{email} is not a user here; ask an admin to add you", email, kind="forbidden")
        assert role in ROLES
        current().actor = email
        account = ws.access.add(email, role, None, clock.now())
        if account is not None:
            record(ws, "user added", email, role=role, password=False, method="sso")
        else:  # made by a sign-in of theirs at the same moment
            account = ws.access.account(email)
            assert account is not None
    if role is not None and account.role != role:
        was = account.role
        current().actor = email
        account = ws.access.set_role(email, role) or account
        record(ws, "role changed", email, role=role, was=was, method="sso")
    return account
