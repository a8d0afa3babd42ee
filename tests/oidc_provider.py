"""A real OpenID provider for the tests, on 127.0.0.1: Authlib's authorisation server (the
authorisation-code grant with PKCE S256 required, and OpenID Connect's ID tokens) on a small
Starlette app served by uvicorn in a thread, signing with an RSA key made when it starts.

Each test says who may sign in (`users`: a name and the claims of their ID token) and where the
app's callback is (`redirect_uris`); `flaw` makes the next ID tokens bad on purpose ("aud",
"nonce", "expired", "key", "unknown key", "iss", "two audiences"). Its sign-in page lets a person
(or a browser test) choose who signs in; `login_as=NAME` on the authorisation address skips it.
Times come from prodops.clock, as the app's do: a test that freezes the clock freezes both."""

from __future__ import annotations

import hmac
import html
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import uvicorn
from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Error, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from prodops import clock
from tests.pgserver import free_port

CLIENT_ID = "prodops-test"
CODE_LIFE = 600  # seconds an authorisation code may wait for its exchange


@dataclass
class Client(ClientMixin):
    """The one client the provider knows: the app under test."""

    provider: OpenIdProvider
    client_id: str
    client_secret: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.provider.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in ("openid", "email", "profile", "groups"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.provider.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in self.provider.auth_methods

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    """An authorisation code given out, until it is exchanged."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

    @property
    def provider(self) -> OpenIdProvider:
        return self.server.provider  # type: ignore[attr-defined]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.provider.codes[code] = Code(code, request.client.client_id, data.get("redirect_uri"), request.scope or "",
                                         request.user, data.get("nonce"), data.get("code_challenge"),
                                         data.get("code_challenge_method"), self.provider.timestamp())

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found = self.provider.codes.get(code)  # a code exchanged once is gone: a second exchange finds nothing
        if found is None or found.client_id != client.client_id or self.provider.timestamp() - found.auth_time > CODE_LIFE:
            return None
        return found

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.provider.codes.pop(authorization_code.code, None)
        self.provider.exchanged.append(authorization_code.code)

    def authenticate_user(self, authorization_code: Code) -> str | None:
        return authorization_code.user if authorization_code.user in self.provider.users else None


class RequiredS256(CodeChallenge):
    """PKCE required of every client, confidential ones too, and with S256 only."""

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required here")
        return super().validate_code_challenge(grant, redirect_uri)


class IdTokens(OpenIDCode):
    """The ID tokens, good ones or bad ones as the test asks."""

    def __init__(self, provider: OpenIdProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(c.nonce == nonce for c in self.provider.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        flaw = self.provider.flaw
        return self.provider.other_key if flaw in ("key", "unknown key") else self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        kid = "not-a-key-of-ours" if self.provider.flaw == "unknown key" else self.provider.key.kid
        return {"alg": "RS256", "kid": kid or ""}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        p, now = self.provider, self.provider.timestamp()
        claims: dict[str, Any] = {"iss": p.issuer, "aud": [client.client_id], "iat": now, "exp": now + 300, "auth_time": now}
        if p.flaw == "aud":
            claims["aud"] = ["another-app"]
        elif p.flaw == "two audiences":  # ours among others, and no azp saying which party it is for
            claims["aud"] = [client.client_id, "another-app"]
        elif p.flaw == "iss":
            claims["iss"] = "https://issuer.invalid"
        elif p.flaw == "expired":  # beyond the app's minute of leeway
            claims.update(iat=now - 900, exp=now - 120, auth_time=now - 900)
        return claims

    def get_authorization_code_claims(self, authorization_code: Code) -> dict[str, Any]:
        claims = super().get_authorization_code_claims(authorization_code)
        if self.provider.flaw == "nonce":
            claims["nonce"] = "a-nonce-of-another-sign-in"
        return claims

    def generate_user_info(self, user: str, scope: str) -> UserInfo:
        return UserInfo({"sub": f"sub-{user}", **self.provider.users[user]})


class Server(AuthorizationServer):
    def __init__(self, provider: OpenIdProvider) -> None:
        super().__init__(scopes_supported=["openid", "email", "profile", "groups"])
        self.provider = provider
        self.register_token_generator("default", BearerTokenGenerator(lambda **_: secrets.token_urlsafe(32)))
        self.register_grant(CodeGrant, [RequiredS256(required=True), IdTokens(provider)])

    def query_client(self, client_id: str) -> Client | None:
        return self.provider.client if client_id == self.provider.client.client_id else None

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        pass

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request  # made by the routes, which read the body first

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body or "", status_code=status, headers=dict(headers))


class Asked(OAuth2Request):
    """A request to the provider, as Authlib reads it."""

    def __init__(self, request: Request, form: dict[str, str]) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self._args, self._form = dict(request.query_params), form
        self.payload = BasicOAuth2Payload({**self._args, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test IdP · Sign in</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #eef1f6; color: #1b2330; }}
main {{ max-width: 26rem; margin: 3rem auto; padding: 1.5rem; background: #fff; border-radius: .75rem;
       box-shadow: 0 2px 12px rgba(0,0,0,.08); }}
@media (max-width: 30rem) {{ main {{ margin: 0; border-radius: 0; min-height: 100vh; box-sizing: border-box; }} }}
h1 {{ font-size: 1.4rem; margin-top: 0; }} .brand {{ color: #6b3fa0; font-weight: 700; letter-spacing: .04em; }}
label {{ display: block; padding: .6rem .2rem; border-bottom: 1px solid #e3e6ec; }}
.actions {{ display: flex; gap: .75rem; margin-top: 1.25rem; }}
button {{ min-height: 44px; padding: .5rem 1.2rem; border-radius: .4rem; border: 1px solid #6b3fa0; font-size: 1rem; }}
button.allow {{ background: #6b3fa0; color: #fff; }} button.deny {{ background: #fff; color: #6b3fa0; }}
</style></head><body><main>
<p class="brand">TEST IdP</p><h1>Sign in to {client}</h1>
<p>{client} asks to know your name, e-mail address and groups.</p>
<form method="post" action="/authorize?{query}">
<fieldset><legend>Who are you?</legend>{people}</fieldset>
<div class="actions"><button class="allow" name="decision" value="allow">Allow</button>
<button class="deny" name="decision" value="deny">Deny</button></div>
</form></main></body></html>"""


class OpenIdProvider:
    """The provider, running until `stop`."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig", "alg": "RS256"}, private=True)
        self.other_key = RSAKey.generate_key(2048, private=True)  # signs under key-1's id: a forged signature
        self.client = Client(self, CLIENT_ID, secrets.token_urlsafe(24))
        self.reset()
        self.server = Server(self)
        app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self._discovery),
            Route("/jwks", self._jwks),
            Route("/authorize", self._authorize, methods=["GET", "POST"]),
            Route("/token", self._token, methods=["POST"]),
        ])
        self.port = free_port()
        self.url = self.issuer = f"http://127.0.0.1:{self.port}"
        self._uvicorn = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._uvicorn.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._uvicorn.started and time.monotonic() < deadline:
            time.sleep(0.02)

    def reset(self) -> None:
        """As new: nobody may sign in, no flaw, the document as it should be."""
        self.users: dict[str, dict[str, Any]] = {}
        self.redirect_uris: list[str] = []
        self.auth_methods = ["client_secret_basic"]
        self.flaw: str | None = None
        self.document_changes: dict[str, Any] = {}  # what the discovery document says otherwise
        self.codes: dict[str, Code] = {}
        self.exchanged: list[str] = []
        self.served: list[str] = []  # every request's method and what it asked for, in order

    def rotate_key(self, kid: str) -> None:
        """A new signing key (the old one no longer published)."""
        self.key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)

    @property
    def discovery_url(self) -> str:
        return self.url + "/.well-known/openid-configuration"

    def timestamp(self) -> int:
        return int(clock.now().timestamp())

    def stop(self) -> None:
        self._uvicorn.should_exit = True
        self._thread.join(10)

    def document(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": self.auth_methods,
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile", "groups"],
            "claims_supported": ["sub", "email", "email_verified", "name", "groups"],
            **self.document_changes,
        }

    async def _discovery(self, request: Request) -> Response:
        self.served.append("GET discovery")
        return JSONResponse(self.document())

    async def _jwks(self, request: Request) -> Response:
        self.served.append("GET jwks")
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def _authorize(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()} if request.method == "POST" else {}
        self.served.append(f"{request.method} authorize")
        asked = Asked(request, form)
        try:
            grant = self.server.get_consent_grant(asked)
        except OAuth2Error as e:
            return HTMLResponse(f"<h1>Error</h1><p>{html.escape(e.error)}: {html.escape(e.description or '')}</p>",
                                status_code=400)
        who = request.query_params.get("login_as") or form.get("user")
        if request.method == "GET" and not who:
            people = "".join(
                f'<label><input type="radio" name="user" value="{html.escape(name)}"{" checked" if i == 0 else ""}> '
                f'{html.escape(str(claims.get("name", name)))} &lt;{html.escape(str(claims.get("email", "")))}&gt;</label>'
                for i, (name, claims) in enumerate(self.users.items()))
            query = html.escape(urlencode(dict(request.query_params)))
            return HTMLResponse(_PAGE.format(client="prodops-maturity", query=query, people=people))
        granted = who if form.get("decision", "allow") == "allow" and who in self.users else None
        return self.server.create_authorization_response(asked, grant_user=granted, grant=grant)

    async def _token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.served.append("POST token " + ("basic" if request.headers.get("authorization") else "post"))
        return self.server.create_token_response(Asked(request, form))
