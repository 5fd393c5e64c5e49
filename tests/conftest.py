"""Shared test configuration: hypothesis profiles and store fixtures."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# "thorough" in CI, "quick" locally; pick explicitly with HYPOTHESIS_PROFILE.
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "quick",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get(
        "HYPOTHESIS_PROFILE", "thorough" if os.environ.get("CI") == "true" else "quick"
    )
)


# --- stores ------------------------------------------------------------------
import gc  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402

POSTGRES_URL = os.environ.get(
    "TAIZHANG_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg

        from domain.store import parse_database_url

        cfg = parse_database_url(POSTGRES_URL)
        with psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                             dbname=cfg.dbname, connect_timeout=3):
            return None
    except Exception as error:  # pragma: no cover - depends on the machine
        return str(error)


@pytest.fixture(scope="session")
def postgres_admin():
    """A psycopg connection (autocommit) to the test database; fails in CI, skips locally, when down."""
    reason = _postgres_available()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must be available in CI: {reason}")
        pytest.skip(f"PostgreSQL not available: {reason}")
    import psycopg

    from domain.store import parse_database_url

    cfg = parse_database_url(POSTGRES_URL)
    conn = psycopg.connect(host=cfg.host, port=cfg.port, user=cfg.user, password=cfg.password,
                           dbname=cfg.dbname, autocommit=True)
    yield conn
    conn.close()


def _drop_schema(admin, schema: str) -> None:
    # Ledgers and runners a test dropped without closing still hold pooled connections until the
    # garbage collector finalises them; left to chance, a full run reaches PostgreSQL's 100-client
    # limit. Collecting here closes them before the next test opens more.
    gc.collect()
    admin.execute(f"DROP SCHEMA {schema} CASCADE")


def _postgres_schema_url(admin) -> tuple[str, str]:
    schema = "t_" + uuid.uuid4().hex[:12]
    admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}schema={schema}", schema


@pytest.fixture(autouse=True)
def _signing_key_in_tmp(tmp_path, monkeypatch):
    """The checkpoint signing key lives in the test's directory, never in the working directory:
    `taizhang demo` makes one where settings say when there is none, and publications sign with it."""
    monkeypatch.setenv("TAIZHANG_SIGNING_KEY_PATH", str(tmp_path / "taizhang-signing.key"))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'taizhang.db'}"


@pytest.fixture
def postgres_url(postgres_admin):
    url, schema = _postgres_schema_url(postgres_admin)
    yield url
    _drop_schema(postgres_admin, schema)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Every integration test that takes this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'taizhang.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    url, schema = _postgres_schema_url(admin)
    yield url
    _drop_schema(admin, schema)
